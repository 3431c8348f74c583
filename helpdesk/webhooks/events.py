"""Emitting webhook events: delivery rows written in the transaction of the change that caused them.

Other domains call emit_event(); ticket changes are picked up from record_event() through
note_ticket_change() and turned into at most one event per ticket and type per transaction,
just before commit (as the mail notifications are).
"""

import json
import uuid

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..database import transaction_cached
from ..extensions import db
from .models import DeliveryStatus, EventType, WebhookDelivery, WebhookSubscription

KEY = "helpdesk_webhook_tickets"


def emit_event(event_type: str, data: dict, *, now, confidential: bool = False, session=None) -> int:
    """Queue event_type with data for every active subscription that wants it; returns how many.

    confidential events (and events about confidential tickets) reach only subscriptions an
    admin allowed for them. The body follows the Standard Webhooks shape {type, timestamp, data}.
    """
    session = session or db.session
    subscriptions = session.scalars(sa.select(WebhookSubscription).where(
        WebhookSubscription.is_active, WebhookSubscription.paused_at.is_(None))).all()
    body = json.dumps({"type": str(event_type), "timestamp": now.isoformat().replace("+00:00", "Z"),
                       "data": data}, ensure_ascii=False, separators=(",", ":"), default=str)
    count = 0
    for subscription in subscriptions:
        if not subscription.wants(event_type) or (confidential and not subscription.allow_confidential):
            continue
        session.add(WebhookDelivery(
            subscription_id=subscription.id, message_id="msg_" + uuid.uuid4().hex, event_type=str(event_type),
            payload=body, created_at=now, status=DeliveryStatus.PENDING, next_attempt_at=now))
        count += 1
    return count


def note_ticket_change(ticket, kind: str, *, now, new=None) -> None:
    """Called by record_event for every TicketEvent: remember what happened to the ticket."""
    changes = db.session.info.setdefault(KEY, {})
    entry = changes.setdefault(id(ticket), {"ticket": ticket, "kinds": [], "now": now})
    entry["kinds"].append((kind, None if new is None else str(new)))
    entry["now"] = now


def ticket_events(kinds) -> list[str]:
    """The webhook events a transaction's changes to one ticket amount to."""
    names = [k for k, _ in kinds]
    found = []
    if "created" in names:
        found.append(EventType.TICKET_CREATED)
    elif any(k == "status" and v == "solved" for k, v in kinds):
        found.append(EventType.TICKET_SOLVED)
    elif any(k not in ("sla_alert", "sla_breach", "automatic_mail") for k in names):
        found.append(EventType.TICKET_UPDATED)
    if "sla_breach" in names:
        found.append(EventType.TICKET_SLA_BREACHED)
    if any(k == "sla_alert" and not (v or "").endswith(":100") for k, v in kinds):
        found.append(EventType.TICKET_SLA_WARNING)
    return found


def ticket_payload(ticket) -> dict:
    """What a subscriber learns about a ticket; a confidential one shows only its number and state."""
    base = {"number": ticket.id, "type": ticket.type, "status": ticket.status, "priority": ticket.priority,
            "confidential": bool(ticket.is_confidential), "updated_at": ticket.updated_at.isoformat()}
    if ticket.is_confidential:
        return base
    return base | {
        "subject": ticket.subject, "channel": ticket.channel,
        "group": {"id": ticket.support_group_id, "name": ticket.support_group.name if ticket.support_group else None},
        "system": {"id": ticket.system_id, "name": ticket.system.name} if ticket.system else None,
        "assignee_id": ticket.assignee_id, "requester_id": ticket.requester_id,
        "created_at": ticket.created_at.isoformat(),
        "solved_at": ticket.solved_at.isoformat() if ticket.solved_at else None,
        "resolution_due_at": ticket.resolution_due_at.isoformat() if ticket.resolution_due_at else None,
    }


@event.listens_for(Session, "before_commit")
def _emit_before_commit(session):
    changes = session.info.pop(KEY, None)
    if not changes:
        return
    if not transaction_cached("webhooks_active", lambda: session.scalar(
            sa.select(sa.func.count()).select_from(WebhookSubscription).where(WebhookSubscription.is_active)) > 0,
            tables=(WebhookSubscription.__tablename__,), session=session):
        return
    for entry in changes.values():
        ticket = entry["ticket"]
        if ticket.id is None or ticket in session.deleted:
            continue
        changes = sorted({kind for kind, _ in entry["kinds"]})
        for event_type in ticket_events(entry["kinds"]):
            emit_event(event_type, ticket_payload(ticket) | {"changes": changes}, now=entry["now"],
                       confidential=bool(ticket.is_confidential), session=session)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session):
    session.info.pop(KEY, None)
