"""API tokens (hashed, scoped, expiring), idempotency keys and monitoring alarms."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"  # read and write
    ADMIN = "admin"  # read, write and the admin operations the token's user may do


SCOPE_ORDER = {Scope.READ: 1, Scope.WRITE: 2, Scope.ADMIN: 3}


class ApiToken(db.Model):
    """A personal access token or a service account's token; only the SHA-256 of the secret is kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16), default="personal")  # personal | service
    prefix: Mapped[str] = mapped_column(sa.String(16))  # shown in lists so people can tell tokens apart
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scope: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])

    def allows(self, scope: str) -> bool:
        return SCOPE_ORDER[Scope(self.scope)] >= SCOPE_ORDER[Scope(scope)]

    def is_valid(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotencyKey(db.Model):
    """A create request's Idempotency-Key and what it answered, so a retried POST makes nothing twice."""

    __tablename__ = "api_idempotency_key"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_api_idempotency_key_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int]
    location: Mapped[str | None] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Alarm(db.Model):
    """One monitoring fingerprint and the ticket its alarms go to."""

    __tablename__ = "api_alarm"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(255), unique=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))  # firing | resolved
    count: Mapped[int] = mapped_column(default=1)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
