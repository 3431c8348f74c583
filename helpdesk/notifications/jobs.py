"""Sending the outbox: claim due rows atomically, send, record; retry with back-off."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..database import unit_of_work
from ..extensions import db
from .models import OutboundMessage, OutboxStatus
from .transports import transport_for

log = logging.getLogger(__name__)
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720)
LEASE = timedelta(minutes=5)
BATCH = 50


def send_outbox(clock) -> int:
    """Send every due outbox row once; returns how many were sent."""
    now = clock.now()
    sent = 0
    due = db.session.scalars(
        sa.select(OutboundMessage.id).where(
            sa.or_(
                sa.and_(OutboundMessage.status == OutboxStatus.PENDING, OutboundMessage.next_attempt_at <= now),
                sa.and_(OutboundMessage.status == OutboxStatus.SENDING, OutboundMessage.lease_until < now),
            )
        ).order_by(OutboundMessage.next_attempt_at, OutboundMessage.id).limit(BATCH)
    ).all()
    db.session.rollback()  # end the read transaction before claiming
    for outbound_id in due:
        if _claim(outbound_id, now):
            sent += _send_one(outbound_id, clock)
    return sent


def _claim(outbound_id, now) -> bool:
    """Take a row for this process; a second scheduler's UPDATE then matches nothing."""
    with unit_of_work():
        result = db.session.execute(
            sa.update(OutboundMessage)
            .where(OutboundMessage.id == outbound_id, sa.or_(
                sa.and_(OutboundMessage.status == OutboxStatus.PENDING, OutboundMessage.next_attempt_at <= now),
                sa.and_(OutboundMessage.status == OutboxStatus.SENDING, OutboundMessage.lease_until < now)))
            .values(status=OutboxStatus.SENDING, lease_until=now + LEASE,
                    attempts=OutboundMessage.attempts + 1)
        )
    return result.rowcount == 1


def _send_one(outbound_id, clock) -> int:
    outbound = db.session.get(OutboundMessage, outbound_id)
    mailbox = None
    if outbound.mailbox_id:
        from ..intake.models import Mailbox

        mailbox = db.session.get(Mailbox, outbound.mailbox_id)
    attempts = outbound.attempts  # counted by our claim; nobody else touches the row while we hold it
    try:
        transport_for(outbound, mailbox)(outbound)
    except Exception as error:  # any failure is recorded and retried, never lost
        log.warning("outbox #%s failed: %s", outbound_id, error)
        values = {"last_error": f"{type(error).__name__}: {error}"[:2000], "lease_until": None}
        if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            values["status"] = OutboxStatus.FAILED
        else:
            step = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
            values |= {"status": OutboxStatus.PENDING, "next_attempt_at": clock.now() + timedelta(minutes=step)}
        _record(outbound_id, values)
        return 0
    _record(outbound_id, {"status": OutboxStatus.SENT, "sent_at": clock.now(), "lease_until": None,
                          "last_error": ""})
    return 1


def _record(outbound_id, values) -> None:
    """Store how a send went, in a transaction of its own that begins with the write.

    The row was read in the transaction the send happened in. On SQLite, writing after
    that read fails at once ("database is locked") if the other scheduler committed in
    the meantime, and the row, left "sending", would go out again when its lease ran out.
    """
    db.session.rollback()
    with unit_of_work():
        db.session.execute(sa.update(OutboundMessage).where(OutboundMessage.id == outbound_id).values(**values)
                           .execution_options(synchronize_session=False))


def retry_failed(outbound, *, now) -> None:
    """An admin sends a failed row again (after fixing the cause)."""
    outbound.status, outbound.attempts, outbound.next_attempt_at = OutboxStatus.PENDING, 0, now
    outbound.last_error = ""
