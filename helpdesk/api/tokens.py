"""Creating, checking and revoking API tokens.

A token is 32 random bytes (256 bits); only its SHA-256 is stored. A slow password hash
would add nothing against guessing such a secret and would cost every API request
milliseconds, so a plain digest looked up through a unique index is the right tool here.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from flask_babel import gettext as _

from ..audit.services import record
from ..errors import DomainError
from ..extensions import db
from .models import ApiToken, Scope

PREFIX = "hd_"
LAST_USE_RESOLUTION = timedelta(minutes=1)  # last use is written at most once a minute per token


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(*, user, name, scope, expires_at, actor, now, kind="personal") -> tuple[ApiToken, str]:
    """A new token for user; returns the row and the secret, which is shown once and never again."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Ange ett namn på nyckeln."))
    if scope not in {s.value for s in Scope}:
        raise DomainError(_("Okänd behörighetsnivå."))
    if expires_at is not None and expires_at <= now:
        raise DomainError(_("Utgångsdatumet måste ligga i framtiden."))
    if not user.is_active:
        raise DomainError(_("Användaren är inte aktiv."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:120], kind=kind, prefix=secret[:10], token_hash=digest(secret),
                     scope=scope, created_at=now, created_by_id=getattr(actor, "id", None), expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    record("api_token_created", actor=actor, now=now, object_type="api_token", object_id=token.id,
           user=user.username, scope=scope, kind=kind, expires_at=expires_at.isoformat() if expires_at else None)
    return token, secret


def revoke_token(token, *, actor, now) -> None:
    if token.revoked_at is None:
        token.revoked_at = now
        record("api_token_revoked", actor=actor, now=now, object_type="api_token", object_id=token.id)
        db.session.flush()


def find_token(secret: str):
    """The stored token for a presented secret, or None (unknown, malformed)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    # The user comes in the same round trip: every request needs both.
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(secret))
                             .options(joinedload(ApiToken.user)))


def touch(token, now) -> None:
    """Note the token's use, at most once a minute, so busy integrations do not write on every call."""
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                           .execution_options(synchronize_session=False))
        token.last_used_at = now
        return True
    return False


def tokens_of(user):
    return db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.id.desc())).all()
