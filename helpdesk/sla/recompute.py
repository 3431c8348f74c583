"""Rebuilding every ticket's SLA cache from its history, or checking that it matches."""

from collections import defaultdict

import sqlalchemy as sa

from ..database import unit_of_work
from ..extensions import db
from .services import cached_fields, clock_rules, state_of

BATCH = 2000


def recompute(*, now, check: bool, open_only: bool = False, on_difference=None, from_id: int = 0,
              on_batch=None) -> dict:
    """Walk all tickets (with id >= from_id) in id order; returns counts (tickets, differences, written).

    on_batch(counts) is called after each batch has committed (progress, lease renewal)."""
    from ..tickets.models import Ticket, TicketEvent

    counts = {"tickets": 0, "differences": 0, "written": 0}
    rules = clock_rules()
    last_id = from_id - 1 if from_id else 0
    while True:
        query = sa.select(Ticket).where(Ticket.id > last_id).order_by(Ticket.id).limit(BATCH)
        if open_only:
            query = query.where(Ticket.is_open)
        with unit_of_work():
            batch = db.session.scalars(query).all()
            # Held for the batch so that state_of's session.get() finds them in the identity
            # map (it keeps only weak references) instead of asking the database per ticket.
            catalogue = _catalogue()  # noqa: F841
            if not batch:
                break
            ids = [t.id for t in batch]
            changes, notified = defaultdict(list), defaultdict(set)
            for ticket_id, kind, at, new in db.session.execute(
                    sa.select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at, TicketEvent.new_value)
                    .where(TicketEvent.ticket_id.in_(ids), TicketEvent.kind.in_(("status", "sla_alert")))
                    .order_by(TicketEvent.ticket_id, TicketEvent.id)):
                if kind == "status":
                    changes[ticket_id].append((at, new))
                else:
                    notified[ticket_id].add(new)
            for ticket in batch:
                state = state_of(ticket, changes=changes[ticket.id], rules=rules)
                expected = cached_fields(state, frozenset(notified[ticket.id]))
                wrong = {k: (getattr(ticket, k), v) for k, v in expected.items() if getattr(ticket, k) != v}
                counts["tickets"] += 1
                if wrong:
                    counts["differences"] += 1
                    if on_difference:
                        on_difference(ticket.id, wrong)
                    if not check:
                        for name, (_old, value) in wrong.items():
                            setattr(ticket, name, value)
                        counts["written"] += 1
            last_id = ids[-1]
        if on_batch:
            on_batch(counts)
    return counts


def _catalogue() -> list:
    """The rows every ticket's SLA state is read from: systems, organisations, calendars."""
    from ..catalogue.models import System
    from ..org.models import Organisation
    from .models import Calendar

    return [row for model in (System, Organisation, Calendar) for row in db.session.scalars(sa.select(model))]
