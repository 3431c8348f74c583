"""Accounts: password hashing, rate-limited login, roles."""

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from ..audit.services import record
from ..errors import DomainError
from ..extensions import db
from . import mfa, throttle
from .methods import DirectoryUnavailable, SignInFailed, check_password
from .models import Role, User, UserRole
from .throttle import LoginRefused, LoginThrottled  # noqa: F401  (the login view's errors)

_hasher = PasswordHasher()
# Verified when the account is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("not-a-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash or _DUMMY_HASH, password) and bool(user.password_hash)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(username: str, password: str, *, address: str, now) -> User:
    """The user behind valid credentials, or LoginRefused (LoginThrottled during a delay after
    failures, see throttle.py); every checked attempt is recorded."""
    username = throttle.normalise(username)
    throttle.check(username, address, now=now)
    try:
        user = check_password(username, password, now=now)  # local, or the directory (auth/methods)
        refusal = None if user is not None else _("Fel användarnamn eller lösenord.")
    except DirectoryUnavailable as error:  # not the person's fault: it does not count as a failure
        record("login_unavailable", actor=None, now=now, address=address, username=username)
        raise LoginRefused(error.message) from None
    except SignInFailed as error:
        user, refusal = None, error.message
    ok = user is not None
    if not (ok and mfa.required(user)):
        # A right password where a second factor follows is not a success yet: counting it would reset
        # the failures, and wrong codes could then be tried forever (mfa_verify notes the outcome).
        throttle.note(username, address, now=now, success=ok)
    if not ok:
        record("login_failed", actor=None, now=now, address=address, username=username)
        raise LoginRefused(refusal)
    user.last_login_at = now
    record("login", actor=user, now=now, address=address, object_type="user", object_id=user.id)
    return user


def create_user(*, username, full_name, email=None, password=None, roles=(), department=None,
                organisation=None, actor, now, is_contact=False) -> User:
    """A new account; the password is hashed, roles are audited."""
    username = username.strip().lower()
    # Stored lower-cased by Python: SQLite's lower() would not fold Å, Ä and Ö.
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise DomainError(_("Användarnamnet %(u)s finns redan.", u=username))
    if email and db.session.scalar(sa.select(User.id).where(User.email == email.lower())):
        raise DomainError(_("E-postadressen %(e)s används redan.", e=email))
    user = User(
        username=username, full_name=full_name, email=email.lower() if email else None,
        password_hash=hash_password(password) if password else None,
        department_id=department.id if department else None,
        organisation_id=(organisation.id if organisation else department.organisation_id if department else None),
        is_contact=is_contact, created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    set_roles(user, roles, actor=actor, now=now)
    return user


def set_roles(user, roles, *, actor, now) -> None:
    """Replace a user's roles, auditing what was added and removed."""
    wanted = {Role(r) for r in roles}
    current = user.roles
    if wanted == current:
        return
    user.role_rows = [r for r in user.role_rows if Role(r.role) in wanted]
    for role in sorted(wanted - current):
        user.role_rows.append(UserRole(role=role, source="manual"))
    record("roles_changed", actor=actor, now=now, object_type="user", object_id=user.id,
           added=sorted(wanted - current), removed=sorted(current - wanted))
    db.session.flush()


def set_password(user, password: str, *, actor, now) -> None:
    """A new password; every session of the account ends (a stolen cookie must not outlive the change)."""
    from .lifecycle import end_sessions
    from .sessions import keep_current

    user.password_hash = hash_password(password)
    end_sessions(user)
    if actor is not None and actor.id == user.id:
        keep_current(user)  # whoever changed their own password stays signed in here, and only here
    record("password_set", actor=actor, now=now, object_type="user", object_id=user.id)
