"""Login, rate limiting, audit of logins and role changes."""

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.auth.models import Role
from helpdesk.auth.services import LoginRefused, LoginThrottled, authenticate, create_user, set_roles
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


def fail(username, address, clock, times=1):
    for _ in range(times):
        with pytest.raises(LoginRefused) as refused:
            authenticate(username, "fel", address=address, now=clock.now())
        assert not isinstance(refused.value, LoginThrottled), "a failure, not a throttled attempt"


def test_repeated_failures_throttle_with_growing_delays_then_the_right_password_works(session, clock):
    """Finding 6: five wrong passwords locked the account, even against the right password."""
    fail("anna", "10.0.0.2", clock, times=3)  # the first failures cost nothing
    with pytest.raises(LoginThrottled, match="För många misslyckade inloggningar") as first:
        authenticate("anna", "demo", address="10.0.0.2", now=clock.now())
    clock.advance(seconds=first.value.retry_after)
    fail("anna", "10.0.0.2", clock)
    with pytest.raises(LoginThrottled) as second:
        authenticate("anna", "fel", address="10.0.0.2", now=clock.now())
    assert second.value.retry_after > first.value.retry_after  # the delay grows
    clock.advance(seconds=second.value.retry_after)
    assert authenticate("anna", "demo", address="10.0.0.2", now=clock.now()).username == "anna"
    assert audit(session, "login_throttled")


def test_an_attacker_cannot_keep_a_victim_locked_out(session, clock):
    """Guessing at anna's account from elsewhere, without pause, never keeps her out for long."""
    for _minute in range(120):  # two hours of guessing, an attempt every ten seconds
        for _ in range(6):
            try:
                authenticate("anna", "fel", address="203.0.113.9", now=clock.now())
            except LoginRefused:
                pass
            clock.advance(seconds=10)
    # anna from a never-failing address: at most the short account-wide delay
    try:
        user = authenticate("anna", "demo", address="10.0.0.7", now=clock.now())
    except LoginThrottled as throttled:
        assert throttled.retry_after <= 60
        clock.advance(seconds=throttled.retry_after)
        user = authenticate("anna", "demo", address="10.0.0.7", now=clock.now())
    assert user.username == "anna"


def test_a_known_address_is_not_slowed_by_failures_elsewhere(session, clock):
    assert authenticate("anna", "demo", address="10.0.0.7", now=clock.now())
    clock.advance(hours=1)
    fail("anna", "203.0.113.9", clock, times=3)
    for i in range(20):
        try:
            authenticate("anna", "fel", address=f"198.51.100.{i}", now=clock.now())
        except LoginRefused:
            pass
    assert authenticate("anna", "demo", address="10.0.0.7", now=clock.now()).username == "anna"


def test_failures_from_one_address_throttle_that_address_only(session, clock):
    """Finding 6: twenty failures from one address locked everyone out."""
    for i in range(10):
        fail(f"gissning{i}", "10.9.9.9", clock)
    with pytest.raises(LoginThrottled) as throttled:
        authenticate("erik", "demo", address="10.9.9.9", now=clock.now())
    assert 0 < throttled.value.retry_after <= 300
    assert authenticate("erik", "demo", address="10.9.9.10", now=clock.now()).username == "erik"
    clock.advance(seconds=throttled.value.retry_after)
    assert authenticate("erik", "demo", address="10.9.9.9", now=clock.now()).username == "erik"


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
