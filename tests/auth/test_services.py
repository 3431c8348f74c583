"""Login, rate limiting, audit of logins and role changes."""

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.auth.models import Role
from helpdesk.auth.services import LoginRefused, authenticate, create_user, set_roles
from helpdesk.errors import DomainError


def audit(session, action):
    return session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_valid_login_is_audited(session, clock):
    user = authenticate("Anna", "demo", address="10.0.0.1", now=clock.now())
    assert user.username == "anna" and user.last_login_at == clock.now()
    assert audit(session, "login")[-1].actor_id == user.id


def test_wrong_password_and_unknown_user_are_refused_alike(session, clock):
    with pytest.raises(LoginRefused) as wrong:
        authenticate("anna", "fel", address="10.0.0.1", now=clock.now())
    with pytest.raises(LoginRefused) as unknown:
        authenticate("ingen", "demo", address="10.0.0.1", now=clock.now())
    assert wrong.value.message == unknown.value.message
    assert len(audit(session, "login_failed")) == 2


def test_account_is_locked_after_repeated_failures_then_recovers(session, clock):
    for _ in range(5):
        with pytest.raises(LoginRefused):
            authenticate("anna", "fel", address="10.0.0.2", now=clock.now())
    with pytest.raises(LoginRefused, match="För många"):
        authenticate("anna", "demo", address="10.0.0.3", now=clock.now())
    clock.advance(minutes=16)
    assert authenticate("anna", "demo", address="10.0.0.3", now=clock.now()).username == "anna"


def test_address_is_limited_across_accounts(session, clock):
    for i in range(20):
        with pytest.raises(LoginRefused):
            authenticate(f"gissning{i}", "x", address="10.9.9.9", now=clock.now())
    with pytest.raises(LoginRefused, match="För många"):
        authenticate("erik", "demo", address="10.9.9.9", now=clock.now())


def test_inactive_user_cannot_log_in(users, clock):
    users["anna"].is_active = False
    with pytest.raises(LoginRefused):
        authenticate("anna", "demo", address="10.0.0.1", now=clock.now())


def test_role_change_is_audited(session, users, clock):
    set_roles(users["anna"], [Role.AGENT], actor=users["admin"], now=clock.now())
    entry = audit(session, "roles_changed")[-1]
    assert entry.actor_id == users["admin"].id and entry.details == {"added": ["agent"], "removed": []}
    assert users["anna"].roles == {Role.AGENT}


def test_duplicate_username_is_refused(clock):
    with pytest.raises(DomainError):
        create_user(username="ANNA", full_name="Annan Anna", actor=None, now=clock.now())


def test_password_is_hashed(clock):
    user = create_user(username="ny", full_name="Ny Person", password="hemligt", actor=None, now=clock.now())
    assert user.password_hash.startswith("$argon2") and "hemligt" not in user.password_hash
