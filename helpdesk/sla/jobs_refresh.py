"""Bringing open tickets' cached SLA state up to date after calendars, levels or rules change.

A change on the SLA admin pages requests a refresh (a row in sla_refresh, in the change's own
transaction). The scheduler's refresh_open_tickets job takes the newest request, recomputes every
open ticket in batches (one transaction each), records its progress after each batch for the admin
pages, and renews its lease between batches. Requests made before the run started are covered by
it; a request made during the run is taken by the next one.
"""

import sqlalchemy as sa

from .. import leases
from ..database import unit_of_work
from ..extensions import db
from .models import SlaRefresh
from .recompute import recompute


def request_refresh(*, actor, now, reason: str) -> SlaRefresh:
    """Ask the scheduler to recompute open tickets; flushes (the caller's transaction commits)."""
    row = SlaRefresh(requested_at=now, requested_by_id=getattr(actor, "id", None), reason=reason[:64],
                     total=0, done=0, changed=0)
    db.session.add(row)
    db.session.flush()
    return row


def latest() -> SlaRefresh | None:
    """The newest request, for the admin pages' progress line."""
    return db.session.scalar(sa.select(SlaRefresh).order_by(SlaRefresh.id.desc()).limit(1))


def refresh_open_tickets(clock) -> int:
    """Carry out the newest pending request; returns how many tickets changed."""
    from ..tickets.models import Ticket

    with unit_of_work():
        run = db.session.scalar(sa.select(SlaRefresh).where(SlaRefresh.finished_at.is_(None))
                                .order_by(SlaRefresh.id.desc()).limit(1))
        if run is None:
            return 0
        run_id = run.id
        run.started_at = clock.now()
        run.total = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(Ticket.is_open))
        run.done = run.changed = 0

    def progress(counts):
        with unit_of_work():
            db.session.execute(sa.update(SlaRefresh).where(SlaRefresh.id == run_id)
                               .values(done=counts["tickets"], changed=counts["written"]))
        leases.keep_alive(clock.now())

    counts = recompute(now=clock.now(), check=False, open_only=True, on_batch=progress)
    with unit_of_work():
        finished = clock.now()
        db.session.execute(sa.update(SlaRefresh).where(SlaRefresh.id <= run_id, SlaRefresh.finished_at.is_(None))
                           .values(finished_at=finished))
        db.session.execute(sa.update(SlaRefresh).where(SlaRefresh.id == run_id)
                           .values(done=counts["tickets"], changed=counts["written"]))
    return counts["written"]
