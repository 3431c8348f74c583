"""Sending the outbox: claim due rows atomically, send, record; retry with back-off.

One run keeps sending batch after batch while rows are due (a busy desk writes far more
than one batch between two runs), up to OUTBOX_RUN_SECONDS, renewing the job lease between
batches. A batch is claimed in one statement; each row's outcome is recorded right after its
send, so a crash can repeat at most the one message in flight. SMTP rows share one
connection per run. After OUTBOX_FAILURES_TO_PAUSE failures in a row (the relay is down) the
run stops and leaves the rest for the next run instead of waiting out a timeout per row.
"""

import logging
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g

from .. import leases
from ..database import unit_of_work
from ..extensions import db
from .models import OutboundMessage, OutboxStatus
from .services import WITHHELD_NOTE, readers_only
from .transports import smtp_connection, transport_for

log = logging.getLogger(__name__)
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720)
LEASE = timedelta(minutes=5)
BATCH = 50


def _due(now):
    return sa.or_(
        sa.and_(OutboundMessage.status == OutboxStatus.PENDING, OutboundMessage.next_attempt_at <= now),
        sa.and_(OutboundMessage.status == OutboxStatus.SENDING, OutboundMessage.lease_until < now),
    )


def send_outbox(clock) -> int:
    """Send every due outbox row once; returns how many were sent."""
    config = current_app.config
    budget = config.get("OUTBOX_RUN_SECONDS", 60)
    pause_after = config.get("OUTBOX_FAILURES_TO_PAUSE", 5)
    started = time.monotonic()  # a time budget for this run, not domain time
    sent = failures_in_a_row = 0
    tried = set()
    with smtp_connection():
        while True:
            now = clock.now()
            due = db.session.scalars(
                sa.select(OutboundMessage.id).where(_due(now))
                .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id).limit(BATCH)
            ).all()
            db.session.rollback()  # end the read transaction before claiming
            due = [i for i in due if i not in tried]
            if not due:
                break
            tried.update(due)
            claimed = _claim(due, now)
            for position, outbound_id in enumerate(claimed):
                if not _still_ours(outbound_id, now + LEASE, clock):
                    continue  # its lease ran out while earlier rows were sent, and another run took it
                ok = _send_one(outbound_id, clock)
                sent += ok
                failures_in_a_row = 0 if ok else failures_in_a_row + 1
                if failures_in_a_row >= pause_after:
                    log.warning("outbox: %s failures in a row; the rest waits for the next run", failures_in_a_row)
                    _give_back(claimed[position + 1:], now)
                    return sent
            if time.monotonic() - started >= budget:
                break
            try:
                leases.keep_alive(clock.now())
            except leases.LeaseLost:  # another scheduler runs the job now; rows it claims are its own
                break
    return sent


def _claim(ids, now) -> list[int]:
    """Take due rows for this process in one statement; a second scheduler's UPDATE then matches none of them."""
    with unit_of_work():
        claimed = db.session.scalars(
            sa.update(OutboundMessage)
            .where(OutboundMessage.id.in_(ids), _due(now))
            .values(status=OutboxStatus.SENDING, lease_until=now + LEASE, attempts=OutboundMessage.attempts + 1)
            .returning(OutboundMessage.id)
            .execution_options(synchronize_session=False)
        ).all()
    return sorted(claimed)


def _still_ours(outbound_id, held, clock) -> bool:
    """Renew the row's lease just before its send, if this run's claim still holds it.

    A batch is claimed at once but sent one row after another; on a slow relay the last rows
    can outlive their lease, and the other scheduler may then claim and send them. A claim
    always writes a later lease_until than the one it replaced, so lease_until still equal to
    ours means nobody else has taken the row."""
    db.session.rollback()
    with unit_of_work():
        return db.session.execute(
            sa.update(OutboundMessage)
            .where(OutboundMessage.id == outbound_id, OutboundMessage.status == OutboxStatus.SENDING,
                   OutboundMessage.lease_until == held)
            .values(lease_until=clock.now() + LEASE)
            .execution_options(synchronize_session=False)).rowcount == 1


def _give_back(ids, now) -> None:
    """Rows claimed by this run but not tried (the relay is down): pending again, the try not counted."""
    if not ids:
        return
    db.session.rollback()
    with unit_of_work():
        db.session.execute(
            sa.update(OutboundMessage)
            .where(OutboundMessage.id.in_(ids), OutboundMessage.status == OutboxStatus.SENDING,
                   OutboundMessage.lease_until == now + LEASE)
            .values(status=OutboxStatus.PENDING, lease_until=None, attempts=OutboundMessage.attempts - 1)
            .execution_options(synchronize_session=False))


def _send_one(outbound_id, clock) -> int:
    outbound = db.session.get(OutboundMessage, outbound_id)
    mailbox = None
    if outbound.mailbox_id:
        from ..intake.models import Mailbox

        mailbox = db.session.get(Mailbox, outbound.mailbox_id)
    attempts = outbound.attempts  # counted by our claim; nobody else touches the row while we hold it
    narrowed = _narrowed(outbound)
    if narrowed is not None and not narrowed["recipients"]:
        log.info("outbox #%s withheld: nobody it names may read its confidential ticket", outbound_id)
        _record(outbound_id, {"status": OutboxStatus.WITHHELD, "lease_until": None, "last_error": WITHHELD_NOTE})
        return 0
    if narrowed is not None:
        outbound.recipients, outbound.cc = narrowed["recipients"], narrowed["cc"]
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
                          "last_error": ""} | (narrowed or {}))
    return 1


def _narrowed(outbound) -> dict | None:
    """New recipients when the row's ticket is confidential and someone it names may not read it (else None).

    Checked at send time, not only when the ticket was raised: a mail written by a transaction
    that raced the raise would otherwise still reach a former follower."""
    if outbound.ticket_id is None:
        return None
    from ..tickets.models import Ticket

    ticket = db.session.get(Ticket, outbound.ticket_id)
    if ticket is None or not ticket.is_confidential:
        return None
    g.pop("_reach", None)  # the scheduler's app context outlives role changes: ask afresh (auth.permissions)
    to, cc = readers_only(outbound, ticket)
    if (to, cc) == (list(outbound.recipients), list(outbound.cc)):
        return None
    return {"recipients": to, "cc": cc}


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
