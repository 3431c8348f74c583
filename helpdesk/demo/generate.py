"""Synthetic tickets at scale: `helpdesk generate --tickets N`.

Adds employees and N tickets with messages, history and search documents to
a database that holds the demo organisation. Rows are built in Python with a
seeded random generator and written in batches, one transaction per batch,
with each database's bulk path (never the ORM unit of work per row).
"""

import random
import time

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..tickets.services import priority_for, provisional_due
from .bulk import writer_for
from .lifecycle import EVENT_COLUMNS, MESSAGE_COLUMNS, PARTICIPANT_COLUMNS, TICKET_COLUMNS, Batch
from .synth import TicketMaker
from .timeline import DAY, Stamps, creation_times, seconds
from .world import add_requesters, employee_count, employee_rows, load_world, organisation_domains

BATCH_SIZE = 10_000
SPAN = 3 * 365 * DAY  # tickets are spread over the last three years
USER_COLUMNS = ("id", "username", "email", "full_name", "organisation_id", "department_id", "title",
                "is_active", "is_contact", "created_at")


def _next_id(session, table: str) -> int:
    return session.execute(sa.text(f'SELECT coalesce(max(id), 0) + 1 FROM "{table}"')).scalar_one()


def _priority_rules():
    """The configured priority per (impact, urgency) and due time in seconds per priority."""
    priorities = {(i, u): priority_for(i, u) for i in (1, 2, 3) for u in (1, 2, 3)}
    base = utcnow()
    due = {p: int((provisional_due(p, base) - base).total_seconds()) for p in set(priorities.values())}
    return priorities, due


def generate(count: int, *, batch_size: int = BATCH_SIZE, derive_sla: bool = True) -> dict:
    """Add count synthetic tickets (and a few thousand employees); commit per batch."""
    started = time.perf_counter()
    session = db.session
    now = seconds(utcnow())
    stamp = Stamps()
    writer = writer_for(session)
    writer.begin()
    world = load_world(session)
    first_ticket = _next_id(session, "ticket")
    rng = random.Random(f"helpdesk-generate:{first_ticket}:{count}")
    users = employee_rows(world, rng, first_id=_next_id(session, "user"), count=employee_count(count),
                          created_at=stamp(now - SPAN), domains=organisation_domains(session))
    writer.insert("user", USER_COLUMNS, users)
    add_requesters(world, session, rng)
    session.commit()

    priorities, due = _priority_rules()
    maker = TicketMaker(world, rng, now=now, priorities=priorities, due_seconds=due, stamp=stamp)
    batch = Batch(first_ticket, _next_id(session, "message"), _next_id(session, "ticket_event"))
    messages = 0
    for t0 in creation_times(rng, count, now - SPAN, now):
        maker.add(batch, t0)
        if len(batch.tickets) >= batch_size:
            messages += _write(writer, batch)
    messages += _write(writer, batch)
    writer.finish(bulk=count >= first_ticket)  # at least half of all tickets are new
    session.commit()
    if derive_sla:
        # The SLA cache (due times, breaches, report facts) is derived from the history
        # just written, by the same code as `helpdesk sla recompute`, so --check agrees.
        from ..sla.recompute import recompute

        recompute(now=utcnow(), check=False, from_id=first_ticket)
    return {"tickets": count, "users": len(users), "messages": messages,
            "events": batch.event_id - batch.events_start, "seconds": time.perf_counter() - started}


def _write(writer, batch) -> int:
    """Write one batch in its own transaction; returns how many messages it held."""
    if not batch.tickets:
        return 0
    writer.begin()
    writer.insert("ticket", TICKET_COLUMNS, batch.tickets)
    writer.insert("message", MESSAGE_COLUMNS, batch.messages)
    writer.insert("ticket_event", EVENT_COLUMNS, batch.events)
    writer.insert("ticket_participant", PARTICIPANT_COLUMNS, batch.participants)
    writer.documents(batch.documents)
    writer.sequences()
    db.session.commit()
    written = len(batch.messages)
    batch.clear()
    return written
