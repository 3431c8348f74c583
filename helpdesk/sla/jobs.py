"""The SLA alerts job: warnings and breaches whose moment has come, each ticket in its own transaction."""

import logging

import sqlalchemy as sa

from ..database import is_sqlite, unit_of_work
from ..extensions import db
from .alerts import send_alerts

log = logging.getLogger(__name__)
BATCH = 5000  # the most overdue first; the rest wait for the next run


def sla_alerts(clock) -> int:
    """Send every SLA warning and breach that is due; returns how many mails were queued."""
    now = clock.now()
    due = db.session.scalars(due_tickets(now)).all()
    db.session.rollback()  # end the read transaction; each ticket gets its own
    mails = 0
    for ticket_id in due:
        try:
            with unit_of_work():
                ticket = _locked(ticket_id)
                # Another scheduler may have handled it since the list was read: ask again under the lock.
                if ticket is not None and ticket.sla_next_alert_at is not None and ticket.sla_next_alert_at <= now:
                    mails += send_alerts(ticket, now=now)
        except Exception:  # one broken ticket must not hold up the others' alerts
            log.exception("SLA alerts for ticket #%s failed", ticket_id)
    return mails


def due_tickets(now, limit=BATCH) -> sa.Select:
    """Ids of the tickets with an alert due, most overdue first.

    A range scan of ix_ticket_sla_next_alert_at: the work grows with the tickets that are
    due, not with the open tickets (whose next alerts all sit in that index too).
    """
    from ..tickets.models import Ticket

    return (sa.select(Ticket.id).where(Ticket.sla_next_alert_at <= now)
            .order_by(Ticket.sla_next_alert_at, Ticket.id).limit(limit))


def _locked(ticket_id):
    """The ticket, reloaded and locked against other writers until this transaction ends.

    Two scheduler processes can both reach a ticket (a lease that ran out mid-run, clocks
    that disagree). Whoever locks first records the alerts; the other then sees them in the
    history and finds nothing left to send. PostgreSQL locks the row; SQLite has no row
    locks, so the transaction writes first, which takes the database's write lock (waiting
    for busy_timeout) before anything is read, instead of reading a snapshot that a
    concurrent commit would make stale.
    """
    from ..tickets.models import Ticket

    if is_sqlite():
        db.session.execute(sa.update(Ticket).where(Ticket.id == ticket_id)
                           .values(sla_next_alert_at=Ticket.sla_next_alert_at)
                           .execution_options(synchronize_session=False))
    return db.session.scalar(sa.select(Ticket).where(Ticket.id == ticket_id).with_for_update()
                             .execution_options(populate_existing=True))
