"""Effort and cost of a month: per system, förvaltning, organisation, group and ticket type, with drill-down.

Förvaltning is the department that owns the ticket's system (the service that
the work was for); a ticket without a system is charged to the requester's
department. Cost is minutes × the group's hourly cost when the time was logged.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from ..catalogue.models import System
from ..extensions import db
from ..org.models import Department, Organisation, SupportGroup
from ..tickets.labels import TYPE_LABELS
from ..tickets.models import Ticket
from .models import TimeEntry

DEPARTMENT = sa.func.coalesce(System.department_id, Ticket.requester_department_id)
DIMENSIONS = {
    "system": Ticket.system_id,
    "department": DEPARTMENT,
    "organisation": Ticket.organisation_id,
    "group": TimeEntry.support_group_id,
    "type": Ticket.type,
}
NAMES = {"system": System, "department": Department, "organisation": Organisation, "group": SupportGroup}
COST = sa.func.sum(TimeEntry.minutes * TimeEntry.hourly_cost)  # kronor × minutes: divided by 60 once, at the end


@dataclass
class EffortRow:
    key: object
    label: str
    minutes: int
    cost_minutes: int  # Σ minutes × hourly cost
    tickets: int

    @property
    def cost(self) -> float:
        return round(self.cost_minutes / 60, 2)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def average_minutes(self) -> float | None:
        return round(self.minutes / self.tickets, 1) if self.tickets else None


def _base(scope, start, end):
    return (sa.select().select_from(TimeEntry).join(Ticket, Ticket.id == TimeEntry.ticket_id)
            .outerjoin(System, System.id == Ticket.system_id)
            .where(TimeEntry.worked_at >= start, TimeEntry.worked_at < end, scope.clause()))


def names(dimension) -> dict:
    if dimension == "type":
        return {key: str(label) for key, label in TYPE_LABELS.items()}
    model = NAMES.get(dimension)
    return dict(db.session.execute(sa.select(model.id, model.name)).all()) if model is not None else {}


def rows(scope, start, end, dimension, labels=None) -> list[EffortRow]:
    """Effort and cost per value of one dimension between start and end."""
    column = DIMENSIONS[dimension]
    query = _base(scope, start, end).add_columns(
        column.label("key"), sa.func.sum(TimeEntry.minutes), COST,
        sa.func.count(sa.distinct(TimeEntry.ticket_id))).group_by(column)
    found = names(dimension)
    result = [EffortRow(key, (labels or {}).get(key) or found.get(key, str(key) if key is not None else "–"),
                        int(m or 0), int(c or 0), int(n or 0))
              for key, m, c, n in db.session.execute(query)]
    return sorted(result, key=lambda r: (r.key is None, str(r.label).lower()))


def tables(scope, start, end, dimensions=tuple(DIMENSIONS)) -> dict:
    """{dimension: rows()} for several dimensions from one pass over the period's time entries.

    The entries are summed per ticket and group first, from the time entries alone (the lines
    come out in ticket order, so the tickets are then looked up in rowid order, each once);
    each such line knows the ticket's system, förvaltning, organisation and type, and whether
    it is the ticket's first line (its tickets are counted once per value of a dimension, but
    once per group for the group). The scope is a condition on the ticket, the same for all of
    a ticket's entries, so applying it after the summing keeps every line and every first line.
    The lines are then summed per combination of values, which the catalogue bounds, and each
    dimension's rows are added up from those here.
    """
    entries = (sa.select(  # the period's entries summed per ticket and group, from time_entry alone
        TimeEntry.ticket_id.label("ticket_id"), TimeEntry.support_group_id.label("group"),
        sa.func.sum(TimeEntry.minutes).label("minutes"), COST.label("cost"),
        sa.func.row_number().over(partition_by=TimeEntry.ticket_id, order_by=TimeEntry.support_group_id)
        .label("line")).where(TimeEntry.worked_at >= start, TimeEntry.worked_at < end)
        .group_by(TimeEntry.ticket_id, TimeEntry.support_group_id)).subquery()
    ticket_dimensions = [d for d in DIMENSIONS if d != "group"]
    per_ticket = (sa.select(entries.c.ticket_id, entries.c.group, *(DIMENSIONS[d].label(d) for d in ticket_dimensions),
                            entries.c.minutes, entries.c.cost, entries.c.line)
                  .select_from(entries).join(Ticket, Ticket.id == entries.c.ticket_id)
                  .outerjoin(System, System.id == Ticket.system_id).where(scope.clause())).subquery()
    keys = [per_ticket.c[d] for d in DIMENSIONS]
    query = sa.select(*keys, sa.func.sum(per_ticket.c.minutes), sa.func.sum(per_ticket.c.cost),
                      sa.func.count(), sa.func.sum(sa.case((per_ticket.c.line == 1, 1), else_=0))).group_by(*keys)
    sums = {d: {} for d in dimensions}
    for *values, minutes, cost, lines, tickets in db.session.execute(query):
        for d, key in zip(DIMENSIONS, values, strict=True):
            if d in sums:
                found = sums[d].setdefault(key, [0, 0, 0])
                found[0] += minutes or 0
                found[1] += cost or 0
                found[2] += lines if d == "group" else tickets
    result = {}
    for d in dimensions:
        found = names(d)
        result[d] = sorted((EffortRow(key, found.get(key, str(key) if key is not None else "–"), int(m), int(c), int(n))
                            for key, (m, c, n) in sums[d].items()), key=lambda r: (r.key is None, str(r.label).lower()))
    return result


def total(scope, start, end) -> EffortRow:
    query = _base(scope, start, end).add_columns(
        sa.func.sum(TimeEntry.minutes), COST, sa.func.count(sa.distinct(TimeEntry.ticket_id)))
    m, c, n = db.session.execute(query).one()
    return EffortRow("total", "", int(m or 0), int(c or 0), int(n or 0))


def total_of(rows) -> EffortRow:
    """The total from one dimension's rows: every ticket has one value of each dimension but the group,
    so its rows add up to the total (a query saved)."""
    return EffortRow("total", "", sum(r.minutes for r in rows), sum(r.cost_minutes for r in rows),
                     sum(r.tickets for r in rows))


def drilldown(scope, start, end, dimension, value) -> list[EffortRow]:
    """The tickets behind one row: each ticket's minutes and cost (they add up to the row)."""
    column = DIMENSIONS[dimension]
    query = (_base(scope, start, end).add_columns(
        Ticket.id, Ticket.subject, sa.func.sum(TimeEntry.minutes), COST)
        .where(column.is_(None) if value is None else column == value)
        .group_by(Ticket.id, Ticket.subject).order_by(Ticket.id))
    return [EffortRow(tid, subject, int(m), int(c), 1) for tid, subject, m, c in db.session.execute(query)]
