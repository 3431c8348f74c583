"""TOTP (RFC 6238, pyotp) for local accounts with administrative roles, with one-time recovery codes.

Directory accounts get their second factor from the directory's own sign-in.
"""

import hashlib
import secrets

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app

from ..audit.services import record
from ..extensions import db
from .models import RecoveryCode

RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)


def required(user) -> bool:
    """Local accounts holding a role in MFA_REQUIRED_ROLES sign in with a second factor."""
    wanted = set(current_app.config.get("MFA_REQUIRED_ROLES") or ())
    return user.auth_source == "local" and bool(wanted & {r.value for r in user.roles})


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=current_app.config.get("MFA_ISSUER"))


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an inline SVG data URI (the CSP allows img-src data:)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def _step(secret: str, code: str, now) -> int | None:
    """The time step a code belongs to (now, or one step either side), else None."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    at = int(now.timestamp())
    for offset in (0, -30, 30):
        if secrets.compare_digest(totp.at(at + offset), code):
            return (at + offset) // 30
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").replace(" ", "").encode()).hexdigest()


def enrol(user, secret: str, code: str, *, now) -> list[str] | None:
    """Turn TOTP on when code proves the app holds secret; returns the recovery codes to show once."""
    step = _step(secret, code, now)
    if step is None:
        return None
    user.mfa_secret, user.mfa_enabled_at, user.mfa_last_step = secret, now, step
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    for code_text in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(code_text)))
    record("mfa_enrolled", actor=user, now=now, object_type="user", object_id=user.id)
    db.session.flush()
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def verify(user, code: str, *, now) -> bool:
    """A current TOTP code not used before, or an unused recovery code (then spent)."""
    if not user.mfa_secret:
        return False
    step = _step(user.mfa_secret, code, now)
    if step is not None and step > (user.mfa_last_step or 0):
        user.mfa_last_step = step
        return True
    if step is not None:
        return False
    row = db.session.scalar(sa.select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code or ""), RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = now
    record("mfa_recovery_code_used", actor=user, now=now, object_type="user", object_id=user.id)
    return True


def reset(user, *, actor, now) -> None:
    """Turn the second factor off (lost phone); the next sign-in enrols again."""
    user.mfa_secret = user.mfa_enabled_at = user.mfa_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record("mfa_reset", actor=actor, now=now, object_type="user", object_id=user.id)
