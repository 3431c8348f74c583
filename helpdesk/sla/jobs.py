"""The SLA alerts job: warnings and breaches whose moment has come, in batches of tickets."""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from .. import reference
from ..database import is_sqlite, unit_of_work
from ..extensions import db
from .alert_batch import AlertBatch
from .alerts import send_alerts
from .services import state_of

log = logging.getLogger(__name__)
BATCH = 5000  # the most overdue first; the rest wait for the next run
CHUNK = 200  # tickets per transaction


def sla_alerts(clock) -> int:
    """Send every SLA warning and breach that is due; returns how many mails were queued.

    The due tickets are handled CHUNK at a time, each chunk in one transaction that locks its
    tickets, reads what their alerts need in a few queries (history, sent alerts, threads,
    reference data) and writes the events, the outbox rows and the moved alert times together.
    If a chunk fails, its transaction is rolled back whole and its tickets are handled again one
    by one, so that one broken ticket holds up nobody else's alerts.
    """
    now = clock.now()
    due = db.session.scalars(due_tickets(now)).all()
    db.session.rollback()  # end the read transaction; the chunks get their own
    mails = 0
    for start in range(0, len(due), CHUNK):
        chunk = due[start:start + CHUNK]
        try:
            mails += _send(chunk, now)
        except Exception:
            log.warning("SLA alerts for %s tickets failed together; trying them one by one", len(chunk),
                        exc_info=True)
            for ticket_id in chunk:
                try:
                    mails += _send([ticket_id], now)
                except Exception:  # one broken ticket must not hold up the others' alerts
                    log.exception("SLA alerts for ticket #%s failed", ticket_id)
    return mails


def _send(ticket_ids, now) -> int:
    """One transaction: the alerts of these tickets that are (still) due."""
    from ..tickets.models import TicketEvent

    with reference.scope(), unit_of_work():
        # Another scheduler may have handled some since the list was read: ask again under the lock.
        tickets = [t for t in _locked(ticket_ids) if t.sla_next_alert_at is not None and t.sla_next_alert_at <= now]
        if not tickets:
            return 0
        ids = [t.id for t in tickets]
        changes, notified = {i: [] for i in ids}, {i: set() for i in ids}
        for ticket_id, kind, at, value in db.session.execute(
                sa.select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at, TicketEvent.new_value)
                .where(TicketEvent.ticket_id.in_(ids), TicketEvent.kind.in_(("status", "sla_alert")))
                .order_by(TicketEvent.id)):
            if kind == "status":
                changes[ticket_id].append((at, value))
            else:
                notified[ticket_id].add(value)
        batch = AlertBatch(tickets, now=now)
        mails = sum(send_alerts(t, now=now, state=state_of(t, changes=changes[t.id]),
                                notified=frozenset(notified[t.id]), batch=batch) for t in tickets)
        batch.write()
    return mails


def due_tickets(now, limit=BATCH) -> sa.Select:
    """Ids of the tickets with an alert due, most overdue first.

    A range scan of ix_ticket_sla_next_alert_at: the work grows with the tickets that are
    due, not with the open tickets (whose next alerts all sit in that index too).
    """
    from ..tickets.models import Ticket

    return (sa.select(Ticket.id).where(Ticket.sla_next_alert_at <= now)
            .order_by(Ticket.sla_next_alert_at, Ticket.id).limit(limit))


def _locked(ticket_ids):
    """The tickets, reloaded with what their alerts name, and locked against other writers until the
    transaction ends.

    Two scheduler processes can both reach a ticket (a lease that ran out mid-run, clocks
    that disagree). Whoever locks first records the alerts; the other then sees them in the
    history and finds nothing left to send. PostgreSQL locks the rows (in id order, so two
    runs cannot deadlock); SQLite has no row locks, so the transaction writes first, which
    takes the database's write lock (waiting for busy_timeout) before anything is read,
    instead of reading a snapshot that a concurrent commit would make stale.
    """
    from ..auth.models import User
    from ..catalogue.models import System
    from ..tickets.models import Ticket

    if is_sqlite():
        db.session.execute(sa.update(Ticket).where(Ticket.id.in_(ticket_ids))
                           .values(sla_next_alert_at=Ticket.sla_next_alert_at)
                           .execution_options(synchronize_session=False))
    else:
        db.session.execute(sa.select(Ticket.id).where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id).with_for_update())
    return db.session.scalars(
        sa.select(Ticket).where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id)
        .options(joinedload(Ticket.assignee).lazyload(User.role_rows), joinedload(Ticket.support_group),
                 joinedload(Ticket.system).joinedload(System.admin).lazyload(User.role_rows),
                 selectinload(Ticket.participants))
        .execution_options(populate_existing=True)).unique().all()
