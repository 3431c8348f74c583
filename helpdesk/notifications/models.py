"""The outbox: every e-mail to send, written in the transaction that caused it."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime
from ..extensions import db


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry
    WITHHELD = "withheld"  # nobody it was written to may read its (now confidential) ticket any more


class OutboundMessage(db.Model):
    __tablename__ = "outbound_message"
    __table_args__ = (
        sa.Index("ix_outbound_message_due", "status", "next_attempt_at"),
        sa.Index("ix_outbound_message_rate", "rate_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(sa.String(40))  # the template name
    mailbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mailbox.id"))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket.id"), index=True)
    sender: Mapped[str] = mapped_column(sa.String(254))
    recipients: Mapped[list] = mapped_column(sa.JSON)
    cc: Mapped[list] = mapped_column(sa.JSON, default=list)
    subject: Mapped[str] = mapped_column(sa.String(500))
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set on mail that is rate-limited per recipient (acknowledgements).
    rate_key: Mapped[str | None] = mapped_column(sa.String(300))
