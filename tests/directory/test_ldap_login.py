"""Signing in with the directory password against a real slapd; bad input leaves every account as it was."""

import re

import sqlalchemy as sa
from flask import g

from helpdesk.auth.models import LoginAttempt, Role, RoleSource, User
from helpdesk.org.models import GroupMember
from helpdesk.tickets.models import Ticket
from tests.directory.slapd import free_port

PASSWORD = "Sommar2026!"


def login(client, username, password=PASSWORD):
    g.pop("_login_user", None)
    return client.post("/login", data={"username": username, "password": password})


def user(session, username):
    return session.scalar(sa.select(User).where(User.username == username))


def user_count(session):
    return session.scalar(sa.select(sa.func.count()).select_from(User))


def test_directory_only_employee_signs_in_lands_on_start_page_and_reports_a_fault(client, ldap, session):
    assert user(session, "kerstin") is None
    response = login(client, "kerstin")
    assert response.status_code == 302 and response.location == "/queue"  # an agent: staff start in the queue
    kerstin = user(session, "kerstin")
    assert kerstin.full_name == "Kerstin Ström" and kerstin.email == "kerstin@exempelby.se"
    assert kerstin.department.name == "Kommunledningskontoret" and kerstin.auth_source == "ldap"
    assert kerstin.roles == {Role.AGENT} and kerstin.directory_roles == {Role.AGENT}
    groups = session.scalars(sa.select(GroupMember).where(GroupMember.user_id == kerstin.id)).all()
    assert [(m.group.name, m.source) for m in groups] == [("Servicedesk", "directory")]
    g.pop("_login_user", None)
    assert "Kerstin Ström" in client.get("/").get_data(as_text=True)
    g.pop("_login_user", None)
    report = client.post("/tickets/new", content_type="multipart/form-data", data={
        "type": "incident", "system_id": "0", "subject": "Skärmen är svart", "description": "Inget syns.",
        "impact": "3", "urgency": "3"})
    assert report.status_code == 302
    ticket = session.scalar(sa.select(Ticket).where(Ticket.subject == "Skärmen är svart"))
    assert ticket.requester_id == kerstin.id


def test_short_name_of_the_department_matches(client, ldap, session):
    assert login(client, "petter").status_code == 302
    assert user(session, "petter").department.name == "Socialförvaltningen"


def test_existing_user_is_matched_by_email_not_duplicated_and_keeps_roles_given_by_hand(client, ldap, session):
    before = user_count(session)
    maria = user(session, "maria")
    assert login(client, "maria").status_code == 302
    assert user_count(session) == before
    session.refresh(maria)
    assert maria.auth_source == "ldap" and maria.directory_id
    assert maria.roles == {Role.MANAGER, Role.SYSTEM_OWNER}  # given by hand, kept
    assert all(r.source == RoleSource.MANUAL for r in maria.role_rows)


def refused(response, message):
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert message in text, text
    return text


def test_wrong_password_is_refused_and_no_account_is_made(client, ldap, session):
    before = user_count(session)
    refused(login(client, "linnea", "fel-lösenord"), "Fel användarnamn eller lösenord.")
    assert user(session, "linnea") is None and user_count(session) == before


def test_filter_injection_in_the_username_finds_nobody(client, ldap, session):
    before = user_count(session)
    refused(login(client, "*)(uid=*"), "Fel användarnamn eller lösenord.")
    refused(login(client, "*"), "Fel användarnamn eller lösenord.")
    refused(login(client, "linnea)(|(uid=*"), "Fel användarnamn eller lösenord.")
    assert user_count(session) == before


def test_empty_directory_password_is_never_an_anonymous_bind(app, ldap, session):
    from helpdesk.auth.methods import SignInFailed
    from helpdesk.auth.methods.ldap import LdapDirectory

    try:
        LdapDirectory.from_app().authenticate("linnea", "")
    except SignInFailed as error:
        assert error.message == "Fel användarnamn eller lösenord."
    else:
        raise AssertionError("an empty password signed in")


def test_disabled_account_is_refused_with_a_clear_message(client, ldap, session):
    before = user_count(session)
    refused(login(client, "gunnar"), "Ditt konto är avstängt i kommunens katalog. Kontakta servicedesken.")
    assert user(session, "gunnar") is None and user_count(session) == before


def test_server_down_refuses_directory_users_but_local_break_glass_login_works(app, client, ldap, session):
    app.config["LDAP_URL"] = f"ldap://127.0.0.1:{free_port()}"  # nothing listens there
    app.config["LDAP_TIMEOUT"] = 2
    before = user_count(session)
    refused(login(client, "linnea"), "Kommunens katalog svarar inte just nu. Försök igen om en stund.")
    assert user_count(session) == before
    # Not the person's fault: the outage does not count towards the lockout.
    assert not session.scalar(sa.select(LoginAttempt).where(LoginAttempt.username == "linnea"))
    response = login(client, "admin", "demo")
    assert response.status_code == 302 and response.location == "/queue"  # staff start in the queue


def test_local_wrong_password_during_an_outage_still_counts(app, client, ldap, session):
    app.config["LDAP_URL"] = f"ldap://127.0.0.1:{free_port()}"
    refused(login(client, "admin", "fel"), "Fel användarnamn eller lösenord.")
    assert session.scalar(sa.select(LoginAttempt).where(LoginAttempt.username == "admin", ~LoginAttempt.success))


def test_directory_user_cannot_use_an_old_local_password(client, ldap, session):
    # maria had the demo's local password; once the directory manages her, only the directory's counts.
    assert login(client, "maria").status_code == 302
    g.pop("_login_user", None)
    client.post("/logout")
    refused(login(client, "maria", "demo"), "Fel användarnamn eller lösenord.")


def test_login_page_offers_the_password_form(client, ldap):
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r'name="username"', page) and "Logga in med kommunens konto" not in page
