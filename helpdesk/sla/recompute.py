"""Rebuilding every ticket's SLA cache from its history, or checking that it matches.

Tickets are read in id order, a batch at a time, as plain rows: the batch's status changes
and alerts come from one range scan of the event index, the catalogue is read once
(facts.Resolver) and the calendar arithmetic is a table lookup, so a ticket costs the
engine's own work and no query. Only rows whose cache differs are written (executemany).
A writing batch runs in one transaction that also holds its reads, so a ticket changed by a
request meanwhile cannot get a cache computed from its older history.
"""

import sqlalchemy as sa

from ..database import unit_of_work
from ..extensions import db
from .facts import CACHE_COLUMNS, Resolver

BATCH = 2000
KINDS = ("status", "sla_alert")


def recompute(*, now, check: bool, open_only: bool = False, on_difference=None, from_id: int = 0,
              on_batch=None) -> dict:
    """Walk all tickets (with id >= from_id) in id order; returns counts (tickets, differences, written).

    on_batch(counts) is called after each batch has committed (progress, lease renewal)."""
    from ..tickets.models import Ticket, TicketEvent

    ticket, event = Ticket.__table__, TicketEvent.__table__
    counts = {"tickets": 0, "differences": 0, "written": 0}
    resolver = Resolver(db.session)
    db.session.commit()  # the catalogue's read transaction
    update = (sa.update(ticket).where(ticket.c.id == sa.bindparam("b_id"))
              .values({c: sa.bindparam(f"b_{c}") for c in CACHE_COLUMNS}))
    columns = [ticket.c[c] for c in ("id", "organisation_id", "system_id", "priority", "created_at",
                                     "first_response_at", "type", *CACHE_COLUMNS)]
    last_id = from_id - 1 if from_id else 0
    while True:
        query = sa.select(*columns).where(ticket.c.id > last_id).order_by(ticket.c.id).limit(BATCH)
        if open_only:
            query = query.where(ticket.c.is_open)
        with unit_of_work() if not check else _reading():
            rows = db.session.execute(query).all()
            if not rows:
                break
            first, last_id = rows[0][0], rows[-1][0]
            changes, notified = {}, {}
            events = sa.select(event.c.ticket_id, event.c.kind, event.c.at, event.c.new_value).where(
                event.c.kind.in_(KINDS)).order_by(event.c.ticket_id, event.c.id)
            # Few open tickets are spread over a wide range of ids: name them; else scan the range.
            events = events.where(event.c.ticket_id.in_([r[0] for r in rows]) if open_only
                                  else event.c.ticket_id.between(first, last_id))
            for ticket_id, kind, at, new in db.session.execute(events):
                if kind == "status":
                    changes.setdefault(ticket_id, []).append((at, new))
                else:
                    notified.setdefault(ticket_id, set()).add(new)
            writes = []
            for row in rows:
                ticket_id = row[0]
                expected = resolver.fields(
                    system_id=row[2], organisation_id=row[1], priority=row[3], created_at=row[4],
                    changes=changes.get(ticket_id, ()), first_response_at=row[5],
                    notified=frozenset(notified.get(ticket_id, ())), type=row[6])
                stored = dict(zip(CACHE_COLUMNS, row[7:]))
                counts["tickets"] += 1
                if stored == expected:
                    continue
                counts["differences"] += 1
                if on_difference:
                    on_difference(ticket_id, {k: (stored[k], v) for k, v in expected.items() if stored[k] != v})
                if not check:
                    writes.append({"b_id": ticket_id, **{f"b_{k}": v for k, v in expected.items()}})
            if writes:
                db.session.execute(update, writes)
                counts["written"] += len(writes)
        if on_batch:
            on_batch(counts)
    return counts


class _reading:
    """A check only reads: a plain (deferred) transaction per batch, without the write lock."""

    def __enter__(self):
        return db.session

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            db.session.commit()
        else:
            db.session.rollback()
        return False
