"""Directory pages: runs and their changes, group rules, directory roles apart, hand-over of a leaver's tickets."""

import sqlalchemy as sa
from flask import g

from helpdesk.auth.models import Role, RoleSource, UserRole
from helpdesk.database import unit_of_work
from helpdesk.directory.models import DirectorySync, GroupRule
from helpdesk.tickets import services as tickets
from tests import factories as f


def get(client, path):
    g.pop("_login_user", None)
    return client.get(path)


def post(client, path, data):
    g.pop("_login_user", None)
    return client.post(path, data=data)


def test_runs_and_their_changes_are_readable_by_administrators(client, auth, runner, ldap, session):
    runner.invoke(args=["directory", "sync"])
    auth.login("admin")
    page = get(client, "/admin/directory").get_data(as_text=True)
    assert "Genomförd" in page and "Servicedesk-agenter" in page
    run = session.scalar(sa.select(DirectorySync).order_by(DirectorySync.id.desc()))
    detail = get(client, f"/admin/directory/runs/{run.id}").get_data(as_text=True)
    assert "kerstin" in detail and "Ny" in detail


def test_other_roles_may_not_read_the_directory_pages(client, auth):
    auth.login("erik")
    assert get(client, "/admin/directory").status_code == 403
    assert get(client, "/admin/directory/rules").status_code == 403


def test_group_rules_are_edited_as_json_and_bad_input_keeps_the_old_rules(client, auth, session):
    auth.login("admin")
    good = '{"CN=IT-drift,OU=Grupper,DC=exempelby,DC=se": {"roles": ["agent"], "support_groups": ["IT-drift"]}}'
    assert post(client, "/admin/directory/rules", {"rules": good}).status_code == 302
    assert session.scalar(sa.select(GroupRule.group)) == "CN=IT-drift,OU=Grupper,DC=exempelby,DC=se"
    for bad, message in (("{inte json", "inte giltig JSON"),
                         ('{"x": {"roles": ["kung"]}}', "okänd roll"),
                         ('{"x": {"support_groups": ["Finns inte"]}}', "okänd grupp"),
                         ('["x"]', "JSON-objekt")):
        response = post(client, "/admin/directory/rules", {"rules": bad})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
        assert session.scalar(sa.select(sa.func.count()).select_from(GroupRule)) == 1


def test_saved_rules_replace_the_setting(client, auth, runner, ldap, session):
    auth.login("admin")
    post(client, "/admin/directory/rules", {
        "rules": '{"Alla-anstallda": {"roles": [], "support_groups": ["IT-drift"]}}'})
    runner.invoke(args=["directory", "sync"])
    from helpdesk.auth.models import User

    kerstin = session.scalar(sa.select(User).where(User.username == "kerstin"))
    assert kerstin.roles == set()  # the setting's Servicedesk-agenter rule no longer applies
    assert {m.group.name for m in session.scalars(
        sa.select(__import__("helpdesk.org.models", fromlist=["GroupMember"]).GroupMember)
        .where(sa.text(f"user_id = {kerstin.id}")))} == {"IT-drift"}


def test_directory_roles_are_shown_apart_from_roles_given_by_hand(client, auth, runner, ldap, session, users):
    runner.invoke(args=["directory", "sync"])
    from helpdesk.auth.models import User

    kerstin = session.scalar(sa.select(User).where(User.username == "kerstin"))
    with unit_of_work():
        kerstin.role_rows.append(UserRole(role=Role.MANAGER, source=RoleSource.MANUAL))
    auth.login("admin")
    page = get(client, f"/admin/users/{kerstin.id}").get_data(as_text=True)
    assert "Roller från katalogens gruppregler: Handläggare." in page
    listing = get(client, "/admin/users?q=kerstin").get_data(as_text=True)
    assert "Handläggare (katalogen)" in listing and "Chef (katalogen)" not in listing
    runner.invoke(args=["directory", "sync"])
    session.refresh(kerstin)
    assert kerstin.roles == {Role.AGENT, Role.MANAGER}  # the sync keeps the hand-given role


def test_admin_deactivation_ends_sessions_and_hands_over_open_tickets(client, auth, users, clock, session, app):
    sara_client = app.test_client()
    g.pop("_login_user", None)
    sara_client.post("/login", data={"username": "erik", "password": "demo"})
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="Skrivare och utskrift")
    with unit_of_work():
        tickets.assign(ticket, users["erik"], actor=users["erik"], now=clock.now())
    g.pop("_login_user", None)
    auth.login("admin")
    erik = users["erik"]
    form = {"username": "erik", "full_name": erik.full_name, "email": erik.email or "",
            "organisation_id": str(erik.organisation_id or 0), "department_id": str(erik.department_id or 0),
            "title": erik.title or "", "phone": "", "roles": ["agent"]}  # is_active left out: unchecked
    assert post(client, f"/admin/users/{erik.id}", form).location == "/admin/users"
    session.refresh(erik)
    assert not erik.is_active and erik.deactivation_source == "admin"
    assert "/login" in get(sara_client, "/").location
    # The lead of the Servicedesk group sees the ticket to hand over.
    lead = app.test_client()
    g.pop("_login_user", None)
    lead.post("/login", data={"username": "lena", "password": "demo"})
    start = get(lead, "/").get_data(as_text=True)
    assert "behöver en ny handläggare" in start  # erik had demo tickets too
    page = get(lead, "/handover").get_data(as_text=True)
    assert f"#{ticket.id}" in page and erik.full_name in page
    # A requester has no such page.
    g.pop("_login_user", None)
    requester = app.test_client()
    requester.post("/login", data={"username": "anna", "password": "demo"})
    assert get(requester, "/handover").status_code == 403
