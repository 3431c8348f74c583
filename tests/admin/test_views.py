"""Administration pages through HTTP: access, lists, create and edit forms, errors, members."""

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.auth.models import User
from helpdesk.catalogue.models import System
from helpdesk.org.models import Department, GroupMember, Organisation, SupportGroup
from helpdesk.routing.models import RoutingRule
from tests import factories as f


def by_name(session, model, name):
    return session.scalar(sa.select(model).where(model.name == name))


def first_id(session, model):
    return session.scalar(sa.select(model.id).order_by(model.id))


def pages(session):
    """Every administration page that answers GET."""
    group_id = first_id(session, SupportGroup)
    return [
        "/admin/",
        "/admin/organisations", "/admin/organisations/new", f"/admin/organisations/{first_id(session, Organisation)}",
        "/admin/departments", "/admin/departments/new", f"/admin/departments/{first_id(session, Department)}",
        "/admin/groups", "/admin/groups/new", f"/admin/groups/{group_id}", f"/admin/groups/{group_id}/members",
        "/admin/systems", "/admin/systems/new", f"/admin/systems/{first_id(session, System)}",
        "/admin/routing", "/admin/routing/new", f"/admin/routing/{first_id(session, RoutingRule)}",
        "/admin/users", "/admin/users/new", f"/admin/users/{first_id(session, User)}",
    ]


def audit(session, action):
    return session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)
                           .order_by(AuditEntry.id.desc())).all()


# Access

def test_every_page_answers_an_admin(client, auth, session):
    auth.login("admin")
    for url in pages(session):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert html.count("<h1") == 1, url


def test_every_page_renders_in_english_too(client, auth, session):
    auth.login("admin")
    client.post("/language", data={"lang": "en", "next": "/"})
    for url in pages(session):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", ["anna", "erik"])
def test_non_admins_are_refused(client, auth, session, username):
    auth.login(username)
    for url in pages(session):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/organisations/new", data={"name": "Smygby", "kind": "kommun"}).status_code == 403
    assert by_name(session, Organisation, "Smygby") is None


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/systems")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_ids_are_404(client, auth):
    auth.login("admin")
    for url in ["/admin/organisations/9999", "/admin/departments/9999", "/admin/groups/9999",
                "/admin/groups/9999/members", "/admin/systems/9999", "/admin/routing/9999", "/admin/users/9999"]:
        assert client.get(url).status_code == 404, url
    assert client.post("/admin/groups/1/members/9999/remove").status_code == 404


def test_index_links_every_section(client, auth):
    auth.login("admin")
    html = client.get("/admin/").get_data(as_text=True)
    for url in ["/admin/organisations", "/admin/departments", "/admin/groups", "/admin/systems",
                "/admin/routing", "/admin/users"]:
        assert f'href="{url}"' in html


def test_lists_use_row_and_column_headers(client, auth):
    auth.login("admin")
    html = client.get("/admin/systems").get_data(as_text=True)
    assert '<th scope="col">' in html and '<th scope="row">' in html and "E-post och kalender" in html


# Organisations

def org_data(**overrides):
    data = {"name": "Grannby kommun", "kind": "kommun", "org_number": "2120001234", "parent_id": "0",
            "is_active": "y"}
    data.update(overrides)
    return data


def test_create_and_edit_organisation(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/organisations/new", data=org_data())
    assert response.status_code == 302
    org = by_name(session, Organisation, "Grannby kommun")
    assert org.org_number == "212000-1234" and org.is_active
    kommun = by_name(session, Organisation, "Exempelby kommun")
    response = client.post(f"/admin/organisations/{org.id}", data=org_data(
        name="Grannby Energi AB", kind="bolag", parent_id=str(kommun.id), is_active=""))
    assert response.status_code == 302
    session.refresh(org)
    assert (org.name, org.kind, org.parent_id, org.is_active) == ("Grannby Energi AB", "bolag", kommun.id, False)
    assert audit(session, "organisation_updated")[0].details["changes"]["is_active"] == [True, False]


def test_organisation_errors_keep_input(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/organisations/new", data=org_data(name="", org_number="12-34"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ange ett namn." in html and "Skriv organisationsnumret som tio siffror" in html
    assert 'value="12-34"' in html


def test_duplicate_organisation_name_is_a_field_error(client, auth):
    auth.login("admin")
    response = client.post("/admin/organisations/new", data=org_data(name="Exempelby kommun"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="name-error"' in html and "Det finns redan en organisation som heter Exempelby kommun." in html


# Departments

def test_create_and_edit_department(client, auth, session):
    auth.login("admin")
    kommun = by_name(session, Organisation, "Exempelby kommun")
    data = {"organisation_id": str(kommun.id), "name": "Räddningstjänsten", "short_name": "RTJ", "is_active": "y"}
    assert client.post("/admin/departments/new", data=data).status_code == 302
    dept = by_name(session, Department, "Räddningstjänsten")
    assert dept.short_name == "RTJ" and dept.organisation_id == kommun.id
    data.update(short_name="", is_active="")
    assert client.post(f"/admin/departments/{dept.id}", data=data).status_code == 302
    session.refresh(dept)
    assert dept.short_name is None and not dept.is_active


def test_department_needs_organisation_and_unique_name(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/departments/new", data={"organisation_id": "0", "name": "Ny"})
    assert response.status_code == 400 and "Välj organisation." in response.get_data(as_text=True)
    kommun = by_name(session, Organisation, "Exempelby kommun")
    response = client.post("/admin/departments/new", data={"organisation_id": str(kommun.id),
                                                          "name": "Socialförvaltningen"})
    assert response.status_code == 400
    assert "Organisationen har redan en förvaltning som heter Socialförvaltningen." in response.get_data(as_text=True)


# Support groups and members

def group_data(session, **overrides):
    kommun = by_name(session, Organisation, "Exempelby kommun")
    data = {"organisation_id": str(kommun.id), "department_id": "0", "name": "Fastighets-IT",
            "email": "Fastighet@Exempelby.se", "description": "Lås och passersystem.", "is_active": "y"}
    data.update(overrides)
    return data


def test_create_and_edit_group(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/groups/new", data=group_data(session))
    group = by_name(session, SupportGroup, "Fastighets-IT")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/groups/{group.id}/members")
    assert group.email == "fastighet@exempelby.se" and group.department_id is None
    tf = by_name(session, Department, "Tekniska förvaltningen")
    response = client.post(f"/admin/groups/{group.id}", data=group_data(session, department_id=str(tf.id),
                                                                          description=""))
    assert response.status_code == 302
    session.refresh(group)
    assert group.department_id == tf.id and group.description is None


def test_group_errors_are_shown_beside_fields(client, auth, session):
    auth.login("admin")
    bost = by_name(session, Department, "Exempelby Bostäder AB")
    response = client.post("/admin/groups/new", data=group_data(session, email="inte-en-adress",
                                                                department_id=str(bost.id), name="Skol-IT"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ange en giltig e-postadress" in html and 'value="inte-en-adress"' in html


def test_last_service_desk_cannot_be_unmarked(client, auth, session):
    auth.login("admin")
    desk = f.group("Servicedesk")
    response = client.post(f"/admin/groups/{desk.id}", data=group_data(session, name="Servicedesk", is_active="y"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Det måste finnas minst en aktiv central servicedesk." in html and 'id="is_service_desk-error"' in html
    session.refresh(desk)
    assert desk.is_service_desk


def test_add_mark_lead_and_remove_member(client, auth, session, users):
    auth.login("admin")
    group = f.group("IT-drift")
    response = client.post(f"/admin/groups/{group.id}/members", data={"user": "ERIK@exempelby.se"})
    assert response.status_code == 302
    member = session.get(GroupMember, (group.id, users["erik"].id))
    assert member is not None and not member.is_lead
    assert "Erik Johansson" in client.get(f"/admin/groups/{group.id}/members").get_data(as_text=True)

    assert client.post(f"/admin/groups/{group.id}/members/{users['erik'].id}/lead", data={"lead": "1"}).status_code == 302
    session.refresh(member)
    assert member.is_lead

    assert client.post(f"/admin/groups/{group.id}/members/{users['erik'].id}/remove").status_code == 302
    session.expire_all()
    assert session.get(GroupMember, (group.id, users["erik"].id)) is None
    actions = [e.action for e in session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "support_group", AuditEntry.object_id == str(group.id)))]
    assert actions == ["group_member_added", "group_member_updated", "group_member_removed"]


def test_adding_unknown_or_existing_member_is_a_field_error(client, auth, session):
    auth.login("admin")
    group = f.group("Servicedesk")
    response = client.post(f"/admin/groups/{group.id}/members", data={"user": "nisse"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Det finns inget aktivt konto med användarnamnet eller e-postadressen nisse." in html
    assert 'value="nisse"' in html
    response = client.post(f"/admin/groups/{group.id}/members", data={"user": "erik"})
    assert response.status_code == 400 and "Erik Johansson är redan medlem i gruppen." in response.get_data(as_text=True)


def test_member_without_agent_role_is_flagged_in_words(client, auth, session):
    auth.login("admin")
    group = f.group("IT-drift")
    client.post(f"/admin/groups/{group.id}/members", data={"user": "anna"})
    html = client.get(f"/admin/groups/{group.id}/members").get_data(as_text=True)
    assert "Saknar rollen Handläggare" in html


# Systems

def system_data(session, **overrides):
    klk = by_name(session, Department, "Kommunledningskontoret")
    data = {
        "name": "Passersystem", "description": "Kort och dörrar.", "keywords": "passerkort dörr lås",
        "organisation_id": str(klk.organisation_id), "department_id": str(klk.id),
        "owner_name": "maria", "admin_name": "lena", "deputy_name": "erik@exempelby.se",
        "support_group_id": str(f.group("IT-drift").id), "service_tier": "guld",
        "klassa_k": "2", "klassa_r": "3", "klassa_t": "4", "klassa_s": "0",
        "classified_on": "2026-10-01", "is_common": "y", "is_active": "y",
    }
    data.update(overrides)
    return data


def test_create_system_with_every_field(client, auth, session, users):
    auth.login("admin")
    response = client.post("/admin/systems/new", data=system_data(session))
    assert response.status_code == 302
    system = f.system("Passersystem")
    assert (system.owner_id, system.admin_id, system.deputy_id) == (users["maria"].id, users["lena"].id, users["erik"].id)
    assert (system.klassa_k, system.klassa_r, system.klassa_t, system.klassa_s) == (2, 3, 4, 0)
    assert system.service_tier == "guld" and system.is_common and system.classified_on.isoformat() == "2026-10-01"
    assert system.keywords == "passerkort dörr lås" and system.support_group.name == "IT-drift"
    assert audit(session, "system_created")[0].object_id == str(system.id)


def test_edit_system_form_shows_people_and_level_names(client, auth):
    auth.login("admin")
    system = f.system("Lönesystem")
    html = client.get(f"/admin/systems/{system.id}").get_data(as_text=True)
    assert 'value="maria"' in html and 'value="per"' in html
    assert "4 – Synnerligen allvarlig" in html and "0 – Försumbar" in html


def test_edit_system_and_new_levels_get_todays_date(client, auth, session):
    auth.login("admin")
    system = f.system("Lönesystem")
    old_date = system.classified_on.isoformat()
    data = system_data(session, name="Lönesystem", deputy_name="", classified_on=old_date, klassa_k="4",
                       is_common="", is_active="")
    response = client.post(f"/admin/systems/{system.id}", data=data)
    assert response.status_code == 302
    session.refresh(system)
    assert system.klassa_k == 4 and system.deputy_id is None and not system.is_active
    assert system.classified_on.isoformat() == "2026-11-18"
    changes = audit(session, "system_updated")[0].details["changes"]
    assert changes["klassa_k"] == [3, 4] and changes["is_active"] == [True, False]


def test_system_errors_keep_input(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/systems/new", data=system_data(
        session, name="E-post och kalender", owner_name="okänd", classified_on="18/11", klassa_k="9",
        description="Min text får inte försvinna"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Det finns inget aktivt konto med användarnamnet eller e-postadressen okänd." in html
    assert "Ange datumet som ÅÅÅÅ-MM-DD" in html
    assert "Min text får inte försvinna" in html and 'value="okänd"' in html
    assert f.system("Passersystem") is None


def test_duplicate_system_name_and_same_deputy_are_field_errors(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/systems/new", data=system_data(session, name="e-post och kalender"))
    assert response.status_code == 400
    assert "Det finns redan ett system som heter e-post och kalender." in response.get_data(as_text=True)
    response = client.post("/admin/systems/new", data=system_data(session, deputy_name="lena"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="deputy_name-error"' in html and "Ersättaren ska vara en annan person" in html


def test_system_search(client, auth):
    auth.login("admin")
    html = client.get("/admin/systems?q=löne").get_data(as_text=True)
    assert "Lönesystem" in html and "E-post och kalender" not in html


# Routing rules

def rule_data(**overrides):
    data = {"position": "15", "name": "Telefonsamtal", "field": "channel", "department_id": "0",
            "value": "Phone", "target_group_id": str(f.group("IT-drift").id), "is_active": "y"}
    data.update(overrides)
    return data


def test_create_rule_for_each_field(client, auth, session):
    auth.login("admin")
    soc = by_name(session, Department, "Socialförvaltningen")
    cases = [
        (rule_data(), "phone"),
        (rule_data(name="Socialtjänsten", field="requester_department", department_id=str(soc.id), value=""), str(soc.id)),
        (rule_data(name="Passerkort", field="keyword", value=" passerkort ,dörr "), "passerkort, dörr"),
        (rule_data(name="Fastighet", field="mailbox", value="fastighet"), "fastighet"),
    ]
    for data, stored in cases:
        assert client.post("/admin/routing/new", data=data).status_code == 302, data["name"]
        assert by_name(session, RoutingRule, data["name"]).value == stored
    html = client.get("/admin/routing").get_data(as_text=True)
    assert "Socialförvaltningen" in html and "Telefon" in html


def test_rule_values_are_checked_per_field(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/routing/new", data=rule_data(value="fax"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Kanalen måste vara en av web, email, phone, api." in html and 'value="fax"' in html
    response = client.post("/admin/routing/new", data=rule_data(field="keyword", value="lön,, semester"))
    assert response.status_code == 400 and "utan tomma ord" in response.get_data(as_text=True)
    response = client.post("/admin/routing/new", data=rule_data(field="requester_department", value=""))
    assert response.status_code == 400 and 'id="department_id-error"' in response.get_data(as_text=True)
    response = client.post("/admin/routing/new", data=rule_data(field="requester_department", department_id="9999"))
    assert response.status_code == 400
    response = client.post("/admin/routing/new", data=rule_data(position="först"))
    assert response.status_code == 400 and "Ange ett heltal" in response.get_data(as_text=True)
    assert by_name(session, RoutingRule, "Telefonsamtal") is None


def test_edit_department_rule_shows_department_selected(client, auth, session):
    auth.login("admin")
    rule = by_name(session, RoutingRule, "Bostadsbolagets anställda")
    html = client.get(f"/admin/routing/{rule.id}").get_data(as_text=True)
    assert f'<option selected value="{rule.value}">' in html
    data = rule_data(name=rule.name, field="requester_department", department_id=rule.value, value="", is_active="")
    assert client.post(f"/admin/routing/{rule.id}", data=data).status_code == 302
    session.refresh(rule)
    assert not rule.is_active and rule.position == 15


# Users

def user_data(**overrides):
    data = {"username": "Nyanstalld", "full_name": "Nina Nyanställd", "email": "Nina@Exempelby.se",
            "organisation_id": "0", "department_id": "0", "title": "Handläggare", "phone": "010-123 45 67",
            "is_active": "y", "roles": ["agent"], "password": "", "password_again": ""}
    data.update(overrides)
    return data


def test_create_user_with_roles_and_password(client, auth, session):
    auth.login("admin")
    soc = by_name(session, Department, "Socialförvaltningen")
    data = user_data(department_id=str(soc.id), password="ett långt lösenord", password_again="ett långt lösenord")
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = session.scalar(sa.select(User).where(User.username == "nyanstalld"))
    assert user.email == "nina@exempelby.se" and user.organisation_id == soc.organisation_id
    assert user.title == "Handläggare" and user.phone == "010-123 45 67" and user.roles == {"agent"}
    assert audit(session, "user_created")[0].object_id == str(user.id)
    assert audit(session, "roles_changed")[0].details["added"] == ["agent"]
    auth.logout()
    assert auth.login("nyanstalld", "ett långt lösenord").headers["Location"] == "/queue"  # agents land on the queue


def test_role_change_writes_audit_entry(client, auth, session, users):
    auth.login("admin")
    anna = users["anna"]
    data = user_data(username="anna", full_name="Anna Lindqvist", email="anna@exempelby.se",
                     department_id=str(anna.department_id), roles=["agent", "manager"])
    assert client.post(f"/admin/users/{anna.id}", data=data).status_code == 302
    session.refresh(anna)
    assert anna.roles == {"agent", "manager"}
    entry = audit(session, "roles_changed")[0]
    assert entry.object_id == str(anna.id) and entry.actor_id == users["admin"].id
    assert entry.details == {"added": ["agent", "manager"], "removed": []}


def test_edit_user_form_ticks_current_roles(client, auth, users):
    auth.login("admin")
    html = client.get(f"/admin/users/{users['maria'].id}").get_data(as_text=True)
    assert 'checked id="roles-4" name="roles" type="checkbox" value="manager"' in html
    assert "Chef – följer upp servicenivåer" in html


def test_new_password_is_set_and_audited(client, auth, session, users):
    auth.login("admin")
    erik = users["erik"]
    data = user_data(username="erik", full_name="Erik Johansson", email="erik@exempelby.se",
                     password="nytt-lösenord-1", password_again="nytt-lösenord-1")
    assert client.post(f"/admin/users/{erik.id}", data=data).status_code == 302
    assert audit(session, "password_set")[0].object_id == str(erik.id)
    auth.logout()
    assert auth.login("erik", "demo").status_code == 200
    assert auth.login("erik", "nytt-lösenord-1").status_code == 302


def test_user_errors_are_swedish_and_keep_input(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/users/new", data=user_data(
        username="anna", email="fel@", password="kort", password_again="annat"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ange en giltig e-postadress" in html and "Lösenordet ska vara minst 10 tecken." in html
    assert "Lösenorden är inte lika." in html and 'value="Nina Nyanställd"' in html
    response = client.post("/admin/users/new", data=user_data(username="anna"))
    assert response.status_code == 400 and "Användarnamnet anna används redan." in response.get_data(as_text=True)


def test_admin_cannot_lock_themselves_out(client, auth, session, users):
    auth.login("admin")
    me = users["admin"]
    data = user_data(username="admin", full_name=me.full_name, email=me.email, roles=["agent"])
    response = client.post(f"/admin/users/{me.id}", data=data)
    assert response.status_code == 400
    assert "Du kan inte ta bort din egen roll som administratör." in response.get_data(as_text=True)
    session.refresh(me)
    assert me.roles == {"admin"}


def test_deactivated_user_cannot_log_in(client, auth, users):
    auth.login("admin")
    anna = users["anna"]
    data = user_data(username="anna", full_name="Anna Lindqvist", email="anna@exempelby.se", is_active="", roles=[])
    assert client.post(f"/admin/users/{anna.id}", data=data).status_code == 302
    auth.logout()
    assert auth.login("anna").status_code == 200


def test_user_list_search_and_paging(client, auth):
    auth.login("admin")
    html = client.get("/admin/users?q=lindqvist").get_data(as_text=True)
    assert "Anna Lindqvist" in html and "Erik Johansson" not in html
    assert client.get("/admin/users?page=x").status_code == 200


def test_email_contacts_are_not_managed_as_accounts(client, auth, session, clock):
    from helpdesk.auth.services import create_user

    contact = create_user(username="extern@leverantor.se", full_name="Extern", email="extern@leverantor.se",
                          is_contact=True, actor=None, now=clock.now())
    auth.login("admin")
    assert client.get(f"/admin/users/{contact.id}").status_code == 404
    assert "extern@leverantor.se" not in client.get("/admin/users").get_data(as_text=True)
