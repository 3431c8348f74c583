"""Sessions end with logout, a new password, deactivation, idleness and age (issue 8 finding 10, issue 9)."""

import pytest
from flask import g

from helpdesk.auth.lifecycle import deactivate
from helpdesk.auth.services import set_password


def get(client, path="/"):
    """A request as a new one would be: the tests share one app context, where Flask-Login keeps its user."""
    g.pop("_login_user", None)
    return client.get(path)


def cookie(client):
    return client.get_cookie("session").value


def replay(app, value):
    """A second browser holding a copy of the cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return get(other)


@pytest.fixture
def lifetimes(app):
    app.config.update(SESSION_IDLE_MINUTES=60, SESSION_MAX_HOURS=10)
    yield
    app.config.update(SESSION_IDLE_MINUTES=None, SESSION_MAX_HOURS=None)


def test_copied_cookie_stops_working_after_logout(app, client, auth):
    auth.login("anna")
    stolen = cookie(client)
    assert replay(app, stolen).status_code == 200
    auth.logout()
    response = replay(app, stolen)
    assert response.status_code == 302 and "/login" in response.location


def test_copied_cookie_stops_working_after_password_change(app, client, auth, users, clock, session):
    auth.login("anna")
    stolen = cookie(client)
    set_password(users["anna"], "ett nytt långt lösenord", actor=users["admin"], now=clock.now())
    session.flush()
    assert "/login" in replay(app, stolen).location


def test_deactivation_ends_the_session(app, client, auth, users, clock, session):
    auth.login("anna")
    assert get(client).status_code == 200
    deactivate(users["anna"], reason="slutat", source="admin", actor=users["admin"], now=clock.now())
    session.flush()
    users["anna"].is_active = True  # even switched on again, the old session stays ended
    session.flush()
    assert "/login" in get(client).location


def test_idle_session_ends(client, auth, clock, lifetimes):
    auth.login("anna")
    clock.advance(minutes=50)
    assert get(client).status_code == 200
    clock.advance(minutes=50)  # 50 minutes since the last request: still within the hour
    assert get(client).status_code == 200
    clock.advance(minutes=61)
    assert "/login" in get(client).location


def test_busy_session_still_ends_at_the_absolute_lifetime(client, auth, clock, lifetimes):
    auth.login("anna")
    for _ in range(19):
        clock.advance(minutes=30)
        assert get(client).status_code == 200
    clock.advance(minutes=31)  # 10 h 1 min after sign-in
    assert "/login" in get(client).location


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(app, client, auth, users, session):
    auth.login("admin")
    elsewhere = cookie(client)
    admin = users["admin"]
    form = {"username": "admin", "full_name": admin.full_name, "email": admin.email or "",
            "organisation_id": str(admin.organisation_id or 0), "department_id": str(admin.department_id or 0),
            "title": admin.title or "", "phone": "", "is_active": "y", "roles": ["admin"],
            "password": "ett nytt långt lösenord 2026", "password_again": "ett nytt långt lösenord 2026"}
    g.pop("_login_user", None)
    assert client.post(f"/admin/users/{admin.id}", data=form).location == "/admin/users"
    assert get(client, "/admin/").status_code == 200
    assert "/login" in replay(app, elsewhere).location
