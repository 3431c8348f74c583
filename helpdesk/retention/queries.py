"""Read side of retention: which tickets a rule reaches now, rules, holds and protocols."""

import calendar
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..database import built_once
from ..extensions import db
from ..tickets.models import Status, Ticket, TicketType
from .models import LegalHold, RetentionAction, RetentionRule, RetentionRun, RetentionRunTicket, RunStatus


def months_before(at: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (the 31st becomes the month's last day)."""
    index = at.year * 12 + at.month - 1 - months
    year, month = divmod(index, 12)
    day = min(at.day, calendar.monthrange(year, month + 1)[1])
    return at.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class Terms:
    """What one application of a rule selects: closed tickets of one type and organisation, closed before cutoff."""

    organisation_id: int
    ticket_type: str
    action: str
    cutoff: datetime

    @classmethod
    def of_rule(cls, rule, now):
        return cls(rule.organisation_id, rule.ticket_type, rule.action, months_before(now, rule.months))

    @classmethod
    def of_run(cls, run):
        return cls(run.organisation_id, run.ticket_type, run.action, run.cutoff)


def held():
    """Tickets under a standing legal hold (gallringsstopp)."""
    return sa.exists().where(LegalHold.ticket_id == Ticket.id, LegalHold.lifted_at.is_(None))


def _conditions(terms: Terms) -> list:
    conditions = [
        Ticket.organisation_id == terms.organisation_id, Ticket.type == terms.ticket_type,
        Ticket.closed_at < terms.cutoff, Ticket.status == Status.CLOSED, ~held(),
    ]
    incidents = db.metadata.tables.get("security_incident")
    if incidents is not None and terms.ticket_type != TicketType.SECURITY_INCIDENT:
        # A security incident (and its breach-register entry) follows only a security_incident rule,
        # whatever type its ticket carries.
        conditions.append(~sa.exists().where(incidents.c.ticket_id == Ticket.id))
    if terms.action == RetentionAction.PSEUDONYMISE:
        # A ticket in a pseudonymisation protocol is done; a destroy rule may still reach it later.
        conditions.append(~sa.exists().where(
            RetentionRunTicket.ticket_number == Ticket.id, RetentionRunTicket.run_id == RetentionRun.id,
            RetentionRun.action == RetentionAction.PSEUDONYMISE))
    return conditions


def due_batch(terms: Terms, *, after=None, limit: int) -> list[tuple[int, datetime]]:
    """The next (ticket number, closed_at) pairs the terms reach, in closing order after `after`.

    Keyset paging on (closed_at, id) along ix_ticket_retention: each batch costs the
    same however many tickets the database holds or the run has already handled.
    """
    query = sa.select(Ticket.id, Ticket.closed_at).where(*_conditions(terms))
    if after is not None:
        closed_at, number = after
        query = query.where(sa.tuple_(Ticket.closed_at, Ticket.id)
                            > sa.tuple_(sa.literal(closed_at, Ticket.closed_at.type), sa.literal(number)))
    query = query.order_by(Ticket.closed_at, Ticket.id).limit(limit)
    return [(row.id, row.closed_at) for row in db.session.execute(query)]


def next_after(rows):
    """The keyset position after a batch of (number, closed_at) rows."""
    number, closed_at = rows[-1]
    return closed_at, number


def due_count(terms: Terms) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(*_conditions(terms)))


def has_due(terms: Terms) -> bool:
    return db.session.scalar(sa.select(Ticket.id).where(*_conditions(terms)).limit(1)) is not None


def due_numbers(terms: Terms, *, batch: int = 1000):
    """Every ticket number the terms reach, read batch by batch (a dry run never loads them all)."""
    after = None
    while rows := due_batch(terms, after=after, limit=batch):
        yield from (number for number, _closed in rows)
        after = next_after(rows)


def ranges(numbers) -> str:
    """Ticket numbers as compact ranges: "12–14, 20"."""
    parts, start, last = [], None, None
    for n in sorted(numbers):
        if last is not None and n == last + 1:
            last = n
            continue
        if start is not None:
            parts.append(str(start) if start == last else f"{start}–{last}")
        start = last = n
    if start is not None:
        parts.append(str(start) if start == last else f"{start}–{last}")
    return ", ".join(parts)


def rules():
    return db.session.scalars(sa.select(RetentionRule).options(joinedload(RetentionRule.organisation))
                              .order_by(RetentionRule.organisation_id, RetentionRule.ticket_type)).all()


def active_rules(*, automatic_only=False):
    query = sa.select(RetentionRule).where(RetentionRule.is_active).order_by(RetentionRule.id)
    if automatic_only:
        query = query.where(RetentionRule.automatic)
    return db.session.scalars(query).all()


def active_hold(ticket_id: int):
    return db.session.scalar(_active_hold_query(), {"ticket_id": ticket_id})


@built_once
def _active_hold_query():
    return sa.select(LegalHold).where(LegalHold.ticket_id == sa.bindparam("ticket_id"), LegalHold.lifted_at.is_(None))


def standing_holds():
    return db.session.scalars(sa.select(LegalHold).where(LegalHold.lifted_at.is_(None))
                              .options(joinedload(LegalHold.placed_by)).order_by(LegalHold.ticket_id)).all()


def approved_run_ids() -> list[int]:
    return db.session.scalars(sa.select(RetentionRun.id).where(RetentionRun.status == RunStatus.APPROVED)
                              .order_by(RetentionRun.id)).all()


def runs_page(*, before: int | None, size: int):
    """One page of protocols, newest first, and the id to continue before (keyset on id)."""
    query = sa.select(RetentionRun).options(joinedload(RetentionRun.organisation)).order_by(RetentionRun.id.desc())
    if before:
        query = query.where(RetentionRun.id < before)
    rows = db.session.scalars(query.limit(size + 1)).all()
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def run_numbers(run_id: int) -> list[int]:
    return db.session.scalars(sa.select(RetentionRunTicket.ticket_number)
                              .where(RetentionRunTicket.run_id == run_id)
                              .order_by(RetentionRunTicket.ticket_number)).all()


def protocol_rows(run_id: int | None = None, *, batch: int = 5000):
    """(run, ticket number, closed_at) for the CSV protocol, read in batches by keyset."""
    after = (0, 0)
    while True:
        query = (sa.select(RetentionRun, RetentionRunTicket.ticket_number, RetentionRunTicket.closed_at)
                 .outerjoin(RetentionRunTicket)
                 .where(sa.tuple_(RetentionRun.id, sa.func.coalesce(RetentionRunTicket.ticket_number, 0))
                        > sa.tuple_(*after))
                 .order_by(RetentionRun.id, RetentionRunTicket.ticket_number).limit(batch))
        if run_id is not None:
            query = query.where(RetentionRun.id == run_id)
        rows = db.session.execute(query).all()
        if not rows:
            return
        yield from rows
        last = rows[-1]
        after = (last[0].id, last[1] or 0)
