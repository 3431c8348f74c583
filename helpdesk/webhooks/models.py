"""Webhook subscriptions and their deliveries (the webhook outbox)."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class EventType(StrEnum):
    TICKET_CREATED = "ticket.created"
    TICKET_UPDATED = "ticket.updated"
    TICKET_SOLVED = "ticket.solved"
    TICKET_SLA_WARNING = "ticket.sla_warning"
    TICKET_SLA_BREACHED = "ticket.sla_breached"
    OUTAGE_PUBLISHED = "outage.published"
    OUTAGE_UPDATED = "outage.updated"
    MAJOR_INCIDENT_DECLARED = "major_incident.declared"
    SECURITY_INCIDENT_REGISTERED = "security_incident.registered"


CONFIDENTIAL_EVENTS = frozenset({EventType.SECURITY_INCIDENT_REGISTERED})


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last attempt
    WITHHELD = "withheld"  # its ticket became confidential after it was written; never sent


class WebhookSubscription(db.Model):
    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    url: Mapped[str] = mapped_column(sa.String(2000))
    events: Mapped[list] = mapped_column(sa.JSON, default=list)
    secret: Mapped[str] = mapped_column(sa.String(120))  # "whsec_" + base64; the receiver needs it in clear
    allow_confidential: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def wants(self, event_type: str) -> bool:
        if not self.is_active or self.paused_at is not None or event_type not in (self.events or []):
            return False
        return event_type not in CONFIDENTIAL_EVENTS or self.allow_confidential


class WebhookDelivery(db.Model):
    """One event to one subscription: written with the change, sent by the webhook job."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_delivery_subscription", "subscription_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_subscription.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(sa.String(64), unique=True)  # the webhook-id header
    event_type: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[str] = mapped_column(sa.Text)  # the exact JSON body that is signed and sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_status: Mapped[int | None]
    response_ms: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subscription = relationship("WebhookSubscription")
