"""Mailboxes and every e-mail received."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class MailChannel(StrEnum):
    EWS = "ews"
    GRAPH = "graph"
    IMAP = "imap"
    RELAY = "relay"  # MTA pipe or LMTP: mail is pushed to us
    FILES = "files"


class ClosedPolicy(StrEnum):
    REOPEN = "reopen"
    NEW_LINKED = "new_linked"


class Outcome(StrEnum):
    CREATED = "created"
    FOLLOWUP = "followup"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    QUARANTINED = "quarantined"


class Mailbox(db.Model):
    __tablename__ = "mailbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    address: Mapped[str] = mapped_column(sa.String(254), unique=True)
    channel: Mapped[str] = mapped_column(sa.String(16), default=MailChannel.RELAY)
    send_transport: Mapped[str] = mapped_column(sa.String(16), default="smtp")
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    default_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("support_group.id"))
    poll_seconds: Mapped[int] = mapped_column(default=60)
    closed_policy: Mapped[str] = mapped_column(sa.String(16), default=ClosedPolicy.REOPEN)
    # Comma-separated domains that may open tickets; empty: anyone.
    allowed_domains: Mapped[str] = mapped_column(sa.String(500), default="")
    # Connection settings without secrets (host, port, user, folders, tenant...).
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    is_active: Mapped[bool] = mapped_column(default=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    default_group = relationship("SupportGroup")

    def __str__(self):
        return self.name


class InboundMessage(db.Model):
    """One e-mail as received, its raw bytes kept, with what became of it."""

    __tablename__ = "inbound_message"
    __table_args__ = (
        sa.Index("ix_inbound_message_outcome", "outcome", "id"),
        sa.Index("ix_inbound_message_sender_at", "sender", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mailbox.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    message_id: Mapped[str] = mapped_column(sa.String(998), index=True)
    # Indexed: retention removes raw mail only when no row names it any more; "" once removed.
    raw_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    raw_size: Mapped[int]
    sender: Mapped[str] = mapped_column(sa.String(254), default="")
    subject: Mapped[str] = mapped_column(sa.String(500), default="")
    outcome: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    automatic: Mapped[bool] = mapped_column(default=False)
    acknowledged: Mapped[bool] = mapped_column(default=False)
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket.id"), index=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # quarantine handled
    thread_key: Mapped[str | None] = mapped_column(sa.String(64), index=True)  # Outlook conversation

    mailbox = relationship("Mailbox")


class MessageKey(db.Model):
    """The first arrival of each distinct message: the database refuses a second."""

    __tablename__ = "message_key"

    key: Mapped[str] = mapped_column(sa.String(998), primary_key=True)
    inbound_id: Mapped[int] = mapped_column(sa.ForeignKey("inbound_message.id"))


class SwallowedError(db.Model):
    """How often the mail parser tolerated a fault at one place (a catch-all that logs, then goes on).

    Counted per site by helpdesk.intake.swallowed and shown on the mail admin page, so that the web
    process sees what the intake and scheduler processes swallowed.
    """

    __tablename__ = "intake_swallowed_error"

    site: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
