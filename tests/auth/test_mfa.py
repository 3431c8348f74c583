"""TOTP for local administrators: enrolment with a QR code, codes that work once, recovery codes."""

import re

import pyotp
import pytest
import sqlalchemy as sa
from flask import g

from helpdesk.auth.models import RecoveryCode


@pytest.fixture
def mfa_on(app):
    app.config["MFA_REQUIRED_ROLES"] = ["admin", "security_officer"]
    yield
    app.config["MFA_REQUIRED_ROLES"] = []


def get(client, path):
    g.pop("_login_user", None)
    return client.get(path)


def post(client, path, data):
    g.pop("_login_user", None)
    return client.post(path, data=data)


def enrol(client, clock):
    response = post(client, "/login", {"username": "admin", "password": "demo"})
    assert response.location == "/login/mfa/setup"
    page = get(client, "/login/mfa/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, inline as the CSP allows
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    code = pyotp.TOTP(secret).at(int(clock.now().timestamp()))
    page = post(client, "/login/mfa/setup", {"code": code}).get_data(as_text=True)
    return secret, re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page)


def test_administrator_enrols_with_a_qr_code_and_gets_recovery_codes(client, auth, users, clock, mfa_on, session):
    secret, codes = enrol(client, clock)
    assert len(codes) == 10
    assert get(client, "/admin/").status_code == 200
    session.refresh(users["admin"])
    assert users["admin"].mfa_secret == secret
    stored = session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == users["admin"].id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept


def test_password_alone_does_not_sign_an_administrator_in(client, clock, mfa_on, session):
    enrol(client, clock)
    post(client, "/logout", {})
    response = post(client, "/login", {"username": "admin", "password": "demo"})
    assert response.location == "/login/mfa"
    assert "/login" in get(client, "/admin/").location


def test_code_signs_in_once_and_a_wrong_one_is_refused(client, clock, mfa_on, session):
    secret, _codes = enrol(client, clock)
    post(client, "/logout", {})
    clock.advance(seconds=60)
    post(client, "/login", {"username": "admin", "password": "demo"})
    wrong = post(client, "/login/mfa", {"code": "000000"})
    assert wrong.status_code == 400 and "Koden stämmer inte" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).at(int(clock.now().timestamp()))
    assert post(client, "/login/mfa", {"code": code}).location == "/queue"  # an administrator: staff start in the queue
    post(client, "/logout", {})
    post(client, "/login", {"username": "admin", "password": "demo"})
    replay = post(client, "/login/mfa", {"code": code})  # the same code again within its 30 seconds
    assert replay.status_code == 400


def test_recovery_code_works_once(client, clock, mfa_on, session):
    _secret, codes = enrol(client, clock)
    post(client, "/logout", {})
    post(client, "/login", {"username": "admin", "password": "demo"})
    assert post(client, "/login/mfa", {"code": codes[0].upper()}).location == "/queue"
    post(client, "/logout", {})
    post(client, "/login", {"username": "admin", "password": "demo"})
    assert post(client, "/login/mfa", {"code": codes[0]}).status_code == 400


def test_pending_second_step_expires(client, clock, mfa_on, session):
    enrol(client, clock)
    post(client, "/logout", {})
    post(client, "/login", {"username": "admin", "password": "demo"})
    clock.advance(minutes=11)
    assert get(client, "/login/mfa").location == "/login"


def test_requesters_sign_in_with_the_password_alone(client, mfa_on):
    assert post(client, "/login", {"username": "anna", "password": "demo"}).location == "/"


def test_wrong_code_during_enrolment_is_refused(client, mfa_on):
    post(client, "/login", {"username": "ines", "password": "demo"})
    response = post(client, "/login/mfa/setup", {"code": "123456"})
    assert response.status_code == 400 and "Koden stämmer inte" in response.get_data(as_text=True)


def test_administrator_resets_a_lost_second_factor(client, clock, users, mfa_on, session):
    enrol(client, clock)  # admin signed in, enrolls
    post(client, "/login", {"username": "admin", "password": "demo"})
    assert get(client, f"/admin/users/{users['admin'].id}").status_code == 200
    page = get(client, f"/admin/users/{users['admin'].id}/mfa-reset")
    assert page.status_code == 200
    assert post(client, f"/admin/users/{users['admin'].id}/mfa-reset", {}).status_code == 302
    session.refresh(users["admin"])
    assert users["admin"].mfa_secret is None
    assert not session.scalars(sa.select(RecoveryCode).where(RecoveryCode.user_id == users["admin"].id)).all()


def test_signing_in_with_the_password_again_does_not_reset_the_count_of_wrong_codes(client, clock, mfa_on, session):
    """Someone holding the password must not get fresh free guesses at the code by signing in again."""
    enrol(client, clock)
    post(client, "/logout", {})
    clock.advance(seconds=60)
    post(client, "/login", {"username": "admin", "password": "demo"})
    for _guess in range(4):
        post(client, "/login/mfa", {"code": "000000"})
    clock.advance(seconds=1)
    # The right password again: still inside the delay the wrong codes earned, so not even checked.
    again = post(client, "/login", {"username": "admin", "password": "demo"})
    assert again.status_code == 429 and "För många misslyckade inloggningar" in again.get_data(as_text=True)
