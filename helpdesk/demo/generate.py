"""Synthetic tickets at scale: `helpdesk generate --tickets N`.

Adds employees and N tickets with messages, history, search documents and
their SLA cache to a database that holds the demo organisation. Tickets are
made in chunks, each from its own seeded random generator, so a chunk can be
made in a worker process while the main process writes the previous one; the
data depends on the seed and the chunk size only, not on how many workers
made it. The SLA cache is computed from the same synthetic history by the
code `helpdesk sla recompute` uses (sla.facts), so `--check` agrees.
Rows are written with each database's bulk path (never the ORM per row).
"""

import multiprocessing
import os
import random
import time
from collections import deque
from contextlib import nullcontext

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..sla.facts import CACHE_COLUMNS, Resolver
from ..tickets.services import priority_for, provisional_due
from .bulk import writer_for
from .lifecycle import TICKET_COLUMNS, Batch
from .synth import TicketMaker
from .timeline import DAY, Stamps, creation_times, seconds
from .world import add_requesters, employee_count, employee_rows, load_world, organisation_domains

BATCH_SIZE = 20_000  # tickets per chunk (and per transaction)
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


class Plan:
    """Everything a chunk is made from; forked workers inherit it (see _PLAN)."""

    def __init__(self, world, *, now, seed, resolver):
        self.world, self.now, self.seed, self.resolver = world, now, seed, resolver
        self.priorities, self.due = _priority_rules()
        self.stamp = Stamps()

    def make(self, index: int, first_ticket: int, times) -> Batch:
        """Chunk number index: tickets first_ticket… created at times."""
        maker = TicketMaker(self.world, random.Random(f"{self.seed}:{index}"), now=self.now,
                            priorities=self.priorities, due_seconds=self.due, stamp=self.stamp,
                            resolver=self.resolver)
        batch = Batch(first_ticket)
        for t0 in times:
            maker.add(batch, t0)
        return batch


_PLAN: Plan | None = None


def _make_in_worker(index, first_ticket, times) -> Batch:
    return _PLAN.make(index, first_ticket, times)


def default_workers(count: int) -> int:
    """Worker processes for a run: none for small runs, else one per core."""
    return 0 if count < 50_000 else max(1, min(4, os.cpu_count() or 1))


def generate(count: int, *, batch_size: int = BATCH_SIZE, derive_sla: bool = True, bulk: bool = False,
             workers: int = 0) -> dict:
    """Add count synthetic tickets (and a few thousand employees); commit per chunk.

    bulk: load under the writer's bulk mode (SQLite: a fresh database from the command line;
    it closes the session's connections). workers: processes that make chunks (0: this one)."""
    global _PLAN
    started = time.perf_counter()
    session = db.session
    now = seconds(utcnow())
    writer = writer_for(session)
    writer.begin()
    world = load_world(session)
    first_ticket = _next_id(session, "ticket")
    rng = random.Random(f"helpdesk-generate:{first_ticket}:{count}")
    users = employee_rows(world, rng, first_id=_next_id(session, "user"), count=employee_count(count),
                          created_at=Stamps()(now - SPAN), domains=organisation_domains(session))
    writer.insert("user", USER_COLUMNS, users)
    add_requesters(world, session, rng)
    message_base, event_base = _next_id(session, "message"), _next_id(session, "ticket_event")
    resolver = Resolver(session) if derive_sla else None
    columns = TICKET_COLUMNS[:-1] + CACHE_COLUMNS if derive_sla else TICKET_COLUMNS
    session.commit()

    times = list(creation_times(rng, count, now - SPAN, now))
    jobs = [(i, first_ticket + start, times[start:start + batch_size])
            for i, start in enumerate(range(0, count, batch_size))]
    _PLAN = Plan(world, now=now, seed=rng.getrandbits(64), resolver=resolver)
    totals = {"messages": 0, "events": 0}
    try:
        with writer.bulk() if bulk else nullcontext():
            for batch in _chunks(jobs, workers):
                writer.begin()
                writer.write_chunk(batch, columns, message_base=message_base + totals["messages"],
                                   event_base=event_base + totals["events"])
                writer.sequences()
                writer.commit()
                totals["messages"] += len(batch.messages)
                totals["events"] += len(batch.events)
            writer.build_indexes()
            writer.finish(bulk=count >= first_ticket)  # at least half of all tickets are new
            if not bulk:
                session.commit()
    finally:
        _PLAN = None
    return {"tickets": count, "users": len(users), "messages": totals["messages"], "events": totals["events"],
            "seconds": time.perf_counter() - started}


def _chunks(jobs, workers: int):
    """The chunks in order, made here or by workers (at most two per worker ahead of the writer)."""
    if workers <= 0:
        for job in jobs:
            yield _PLAN.make(*job)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending, todo = deque(), iter(jobs)
        for job in todo:
            pending.append(pool.apply_async(_make_in_worker, job))
            if len(pending) >= 2 * workers:
                break
        while pending:
            batch = pending.popleft().get()
            job = next(todo, None)
            if job is not None:
                pending.append(pool.apply_async(_make_in_worker, job))
            yield batch
