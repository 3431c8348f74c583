"""The monthly report's SQL: who sees which tickets, each population, and the grouped aggregates.

Everything is counted by the database from the SLA outcome facts kept on each
ticket (helpdesk.sla.services.report_facts), so a report reads a month's rows
through indexes and never recomputes business time. Results are grouped by
the "cube" of all breakdown dimensions at once and summed up per dimension in
Python: the number of groups is bounded by the catalogue, not by tickets.
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.sql.selectable import Alias
from sqlalchemy.sql.util import ClauseAdapter

from ..auth.permissions import reach_of
from ..extensions import db
from ..org.models import SupportGroup
from ..tickets.models import Ticket
from ..tickets.queries import visible_tickets
from .definitions import DURATION, FIGURES
from .months import hour_ranges

CUBE = {
    "department": SupportGroup.department_id,  # the support group's: looked up in Python, not joined
    "requester_department": Ticket.requester_department_id,
    "system": Ticket.system_id,
    "group": Ticket.support_group_id,
    "priority": Ticket.priority,
}
CUBE_COLUMNS = {k: c for k, c in CUBE.items() if k != "department"}
REASON = sa.func.coalesce(sa.func.trim(Ticket.sla_breach_reason), "")


# Scope

@dataclass(frozen=True)
class Scope:
    """Which tickets a report counts: an area (confidentiality, groups, systems, organisation),
    and for a person also visible_tickets(user), which the area never goes beyond.

    The area alone is written on the report indexes' columns, so the twelve-month trend
    can be counted from an index; every query that reads whole tickets, and every list
    of tickets, also applies visible_tickets.
    """

    confidential: bool = False  # confidential tickets count too (security officers)
    group_ids: frozenset | None = None  # None: every group
    system_ids: frozenset | None = None  # with group_ids: tickets of either
    organisation_id: int | None = None
    visible: object = None  # visible_tickets(user); None on the command line

    def area(self, t=Ticket):
        """The area as a WHERE clause on the ticket table or an alias of it."""
        clauses = [] if self.confidential else [t.is_confidential.is_(False)]
        if self.group_ids is not None:
            duty = ([t.support_group_id.in_(sorted(self.group_ids))] if self.group_ids else []) + \
                ([t.system_id.in_(sorted(self.system_ids))] if self.system_ids else [])
            clauses.append(sa.or_(*duty) if duty else sa.false())
        if self.organisation_id is not None:
            clauses.append(t.organisation_id == self.organisation_id)
        return sa.and_(sa.true(), *clauses)

    def clause(self):
        """The whole scope on Ticket: the area and what visible_tickets allows."""
        return self.area() if self.visible is None else sa.and_(self.area(), self.visible)


def report_scope(user) -> Scope:
    """The tickets a user's report counts: their area, within what visible_tickets allows.

    Security officers count everything; administrators and the central service desk
    every ticket that is not confidential; everyone else the non-confidential tickets
    of their groups and systems (a manager: the department's groups and systems).
    A person's own tickets as requester do not make them part of their area.
    """
    reach = reach_of(user)
    visible = visible_tickets(user)
    if reach.is_security:
        return Scope(confidential=True, visible=visible)
    if reach.sees_all_open_cases:
        return Scope(visible=visible)
    return Scope(group_ids=frozenset(reach.group_ids | reach.area_group_ids),
                 system_ids=frozenset(reach.admin_system_ids | reach.owned_system_ids | reach.area_system_ids),
                 visible=visible)


def everything_scope(*, confidential: bool = False) -> Scope:
    """The whole desk (command line): every ticket, confidential ones only when asked."""
    return Scope(confidential=confidential)


def scoped(scope: Scope, organisation_id=None) -> Scope:
    """The scope narrowed to one organisation's tickets."""
    return scope if organisation_id is None else replace(scope, organisation_id=organisation_id)


# Populations

# Each population is the set of ticket ids that one time index finds; the queries
# that count a population look tickets up by those ids. On SQLite the plan must
# not depend on the planner, whose statistics may predate the facts (it would
# read every closed ticket through merged_into_id IS NULL): the index is named
# ("INDEXED BY") and the access rules are wrapped so that no index on them
# competes (a CASE is never indexed). PostgreSQL keeps its statistics current.
INDEXED = "report_by_"
CREATED, RESOLVED = "ix_ticket_created_at", "ix_ticket_sla_resolved_at"
RESPONDED = "ix_ticket_sla_first_response_stopped_at"
RESPONSE_BREACH, RESOLUTION_BREACH = "ix_ticket_sla_first_response_breach_at", "ix_ticket_sla_resolution_breach_at"


@cache
def anchor(index: str):
    """The ticket table under a name that tells SQLite which index to read it through."""
    return aliased(Ticket, name=INDEXED + index)


@compiles(Alias, "sqlite")
def _indexed_by(alias, compiler, **kw):
    text = compiler.visit_alias(alias, **kw)
    name = str(alias.name)
    if kw.get("asfrom") and name.startswith(INDEXED):
        text += f" INDEXED BY {name[len(INDEXED):]}"
    return text


def _within(column, start, end):
    return sa.and_(column >= start, column < end)


def opaque(clause):
    """The clause, hidden from SQLite's index selection (see above); PostgreSQL plans by its statistics."""
    if db.session.get_bind().dialect.name != "sqlite":
        return clause
    return sa.case((clause, 1), else_=0) == 1


def population_parts(key: str, month, now) -> list:
    """One population of the month as (time index, condition on a ticket table) parts, to be united.

    See definitions.POPULATIONS for what each counts; rated and satisfied come from answers.
    """
    a, b = month.start, month.end
    breach_end = min(b, now) if now is not None else b  # a breach is a moment that has come

    def resolved(more):
        return RESOLVED, lambda t: (_within(t.sla_resolved_at, a, b), t.merged_into_id.is_(None), *more(t))

    def responded(more):
        return RESPONDED, lambda t: (
            _within(t.sla_first_response_stopped_at, a, b), t.merged_into_id.is_(None), *more(t))

    response_breached = (RESPONSE_BREACH, lambda t: (
        _within(t.sla_first_response_breach_at, a, breach_end), t.merged_into_id.is_(None)))
    resolution_breached = (RESOLUTION_BREACH, lambda t: (
        _within(t.sla_resolution_breach_at, a, breach_end), t.merged_into_id.is_(None)))
    parts = {
        "opened": lambda: [(CREATED, lambda t: (_within(t.created_at, a, b),))],
        "closed": lambda: [(RESOLVED, lambda t: (_within(t.sla_resolved_at, a, b),))],
        "backlog": lambda: [  # open now, or solved only after the month
            (RESOLVED, lambda t: (t.sla_resolved_at.is_(None), t.created_at < b)),
            (RESOLVED, lambda t: (t.sla_resolved_at >= b, t.created_at < b))],
        "responded": lambda: [responded(lambda t: ())],
        "responded_in_time": lambda: [responded(lambda t: (t.sla_first_response_met.is_(True),))],
        "resolved": lambda: [resolved(lambda t: ())],
        "resolved_in_time": lambda: [resolved(lambda t: (t.sla_resolution_met.is_(True),))],
        "paused": lambda: [resolved(lambda t: (t.sla_paused_seconds > 0,))],
        "reopened": lambda: [resolved(lambda t: (t.sla_reopened_count > 0,))],
        "response_breached": lambda: [response_breached],
        "resolution_breached": lambda: [resolution_breached],
        "breached": lambda: [response_breached, resolution_breached],
    }
    return parts[key]()


def population(key: str, month, now):
    """The WHERE clause on Ticket selecting one population of the month.

    SQLite: the ids its named time index finds (see above). PostgreSQL: the
    conditions themselves, which its planner turns into index or bitmap scans.
    """
    if key in ("rated", "satisfied"):
        return Ticket.id.in_(_rated(month.start, month.end, satisfied=key == "satisfied"))
    parts = population_parts(key, month, now)
    if db.session.get_bind().dialect.name != "sqlite":
        return sa.or_(*(sa.and_(*condition(Ticket)) for _index, condition in parts))
    selects = [sa.select(anchor(index).id).where(*condition(anchor(index))) for index, condition in parts]
    return Ticket.id.in_(selects[0] if len(selects) == 1 else sa.union(*selects))


def _rated(start, end, *, satisfied=False):
    from ..satisfaction.models import SatisfactionRating

    query = sa.select(SatisfactionRating.ticket_id).where(_within(SatisfactionRating.answered_at, start, end))
    return query.where(SatisfactionRating.score >= 4) if satisfied else query


def dimension_filter(dimension: str, value, month):
    """The WHERE clause for one value of a dimension (None: the tickets without one)."""
    if dimension == "department":
        groups = sa.select(SupportGroup.id).where(
            SupportGroup.department_id.is_(None) if value is None else SupportGroup.department_id == value)
        return Ticket.support_group_id.in_(groups)
    if dimension in CUBE or dimension == "channel":
        column = CUBE.get(dimension, Ticket.channel)
        return column.is_(None) if value is None else column == value
    if dimension == "reason":
        return REASON == (value or "")
    weekday, hour = {"weekday": (value, None), "hour": (None, value), "weekday_hour": value}[dimension]
    ranges = hour_ranges(month, weekday=weekday, hour=hour)
    return sa.or_(sa.false(), *(_within(Ticket.created_at, s, e) for s, e in ranges))


# Drill-down

def _drilldown_where(scope, month, now, figure, dimension, value):
    rules = [scope.clause()] + ([dimension_filter(dimension, value, month)] if dimension else [])
    return [population(FIGURES[figure].population, month, now), opaque(sa.and_(*rules))]


def drilldown(scope, month, now, figure: str, dimension=None, value=None, *, page=1, page_size=100):
    """One page of the tickets behind a figure (newest first) and how many there are in all."""
    where = _drilldown_where(scope, month, now, figure, dimension, value)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(*where))
    rows = db.session.scalars(
        sa.select(Ticket).where(*where).order_by(Ticket.id.desc()).offset((page - 1) * page_size).limit(page_size)
        .options(joinedload(Ticket.support_group), joinedload(Ticket.system))).all()
    return rows, total


def drilldown_ids(scope, month, now, figure, dimension=None, value=None) -> list[int]:
    """Every ticket number behind a figure (tests and exports of small lists)."""
    where = _drilldown_where(scope, month, now, figure, dimension, value)
    return list(db.session.scalars(sa.select(Ticket.id).where(*where).order_by(Ticket.id)))


# Aggregates

def _flag(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def member(key: str, month, now, t=Ticket):
    """Whether a ticket (of the ticket table t) is in one population of the month, as a SQL condition."""
    return sa.or_(*(sa.and_(*condition(t)) for _index, condition in population_parts(key, month, now)))


def _not(condition):
    """NOT condition, where a condition that is NULL (a missing time) counts as false."""
    return sa.case((condition, 1), else_=0) == 0


def month_parts(scope, keys, month, now, *, disjoint=False) -> list:
    """The tickets in scope of any of the populations, as parts to be added up: [(ticket table, [conditions])].

    SQLite: the ids the populations' time indexes find (named, see above), united, so that each
    ticket is read once. With disjoint, instead one part per time index, each leaving out the
    tickets an earlier part has: no set of ids is built, but a ticket row is read for each
    index entry that the index alone cannot rule out (cheaper for a few parts on few tickets,
    dearer when the populations overlap much). PostgreSQL: one part, the populations'
    conditions or-ed, which its planner turns into a bitmap of index scans.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return [(Ticket, [sa.or_(*(member(key, month, now) for key in keys)), scope.clause()])]
    if not disjoint:
        selects = [sa.select(anchor(index).id).where(*condition(anchor(index)))
                   for key in keys for index, condition in population_parts(key, month, now)]
        return [(Ticket, [Ticket.id.in_(selects[0] if len(selects) == 1 else sa.union(*selects)),
                          opaque(scope.clause())])]
    parts, earlier = [], []
    for key in keys:
        for index, condition in population_parts(key, month, now):
            t = anchor(index)
            rules = ClauseAdapter(sa.inspect(t).selectable).traverse(scope.clause())
            parts.append((t, [*condition(t), *(_not(sa.and_(*c(t))) for c in earlier), opaque(rules)]))
            earlier.append(condition)
    return parts


MONTH_POPULATIONS = ("opened", "closed", "responded", "backlog", "breached")  # every other is within one of these


# What the cube counts per cell: measure -> (population, what is counted: None a ticket, else a column summed).
# A ticket is read once for all of them; each measure counts the tickets of its population.
CUBE_MEASURES = {
    "opened": ("opened", None),
    "closed": ("closed", None), "resolved": ("resolved", None), "resolved_in_time": ("resolved_in_time", None),
    "paused": ("paused", None), "paused_time": ("resolved", "sla_paused_seconds"),
    "reopened": ("reopened", None),
    "responded": ("responded", None), "responded_in_time": ("responded_in_time", None),
    "backlog": ("backlog", None),
    "breached": ("breached", None), "response_breached": ("response_breached", None),
    "resolution_breached": ("resolution_breached", None),
}


def cube_counts(scope, month, now) -> list[dict]:
    """Rows of (cube dimensions…, channel, measure counts) for every count and sum of the month.

    One grouped pass over the month's tickets (every population at once, month_parts): each
    ticket is read once and counted in each population it belongs to (member: the same
    conditions that select the population). The department is the support group's, looked
    up here rather than joined in SQL.
    """
    (t, where), = month_parts(scope, MONTH_POPULATIONS, month, now)
    measures = {"missing_facts": _flag(sa.and_(member("opened", month, now, t), t.sla_reopened_count.is_(None)))}
    conditions = {}
    for key, (pop, column) in CUBE_MEASURES.items():
        condition = conditions.get(pop)
        if condition is None:
            condition = conditions[pop] = member(pop, month, now, t)
        measures[key] = _flag(condition) if column is None else \
            sa.func.sum(sa.case((condition, getattr(t, column)), else_=0))
    dimensions = [c.label(k) for k, c in CUBE_COLUMNS.items()] + [Ticket.channel.label("channel")]
    query = (sa.select(*dimensions, *(m.label(k) for k, m in measures.items()))
             .select_from(t).where(*where).group_by(*dimensions))
    departments = dict(db.session.execute(sa.select(SupportGroup.id, SupportGroup.department_id)).all())
    rows = []
    for row in db.session.execute(query):
        values = dict(row._mapping)
        values["department"] = departments.get(values["group"])
        rows.append(values)
    return rows


def rank_values(scope, month, now, figure_keys, sizes) -> dict:
    """{(figure, dimension, key): seconds} for the rank statistics (median, 90th percentile).

    Nearest rank: the value at position ceil(n * a / b) of a group's values sorted
    from the shortest. One statement reads the tickets of every ranked population
    (responded, resolved: mostly the same tickets) once, with each population's value;
    per population the values are sorted, then walked in order and appended to their
    groups' lists (the total and each value of each breakdown), so every list is sorted
    too, and the value at the wanted rank is picked. sizes gives each group's n:
    {(population, dimension, key): n}, from the same population's counts. Memory holds
    the month's values once per breakdown (plain numbers; a few megabytes at the largest months).
    """
    by_column = {}
    for key in figure_keys:
        figure = FIGURES[key]
        if figure.kind == DURATION:
            by_column.setdefault((figure.population, figure.column), []).append(figure)
    if not by_column:
        return {}
    ranked = list(by_column)
    selects = []
    for t, where in month_parts(scope, sorted({pop for pop, _column in ranked}), month, now):
        values = []
        for pop, column_name in ranked:
            column = getattr(t, column_name)
            values.append(sa.case((sa.and_(member(pop, month, now, t), column.is_not(None)), column)))
        selects.append(sa.select(*(getattr(t, c.key) for c in CUBE_COLUMNS.values()), *values)
                       .select_from(t).where(*where))
    query = selects[0] if len(selects) == 1 else sa.union_all(*selects)
    rows = db.session.connection().execute(query).all()  # plain rows: no ORM work per row
    departments = dict(db.session.execute(sa.select(SupportGroup.id, SupportGroup.department_id)).all())
    department_of = departments.get
    found = {}
    for i, (pop, _column) in enumerate(ranked):
        figures = by_column[pop, _column]
        at = len(CUBE_COLUMNS) + i  # the value's place in a row, after the CUBE_COLUMNS
        measured = sorted((row for row in rows if row[at] is not None), key=lambda row: row[at])
        lists = {dimension: defaultdict(list) for dimension in ("total", "department", *CUBE_COLUMNS)}
        total, by_department = lists["total"][0], lists["department"]
        by_requester, by_system, by_group, by_priority = (lists[d] for d in CUBE_COLUMNS)
        for row in measured:
            requester_department, system, group, priority, value = *row[:4], row[at]  # CUBE_COLUMNS order
            total.append(value)
            by_department[department_of(group)].append(value)
            by_requester[requester_department].append(value)
            by_system[system].append(value)
            by_group[group].append(value)
            by_priority[priority].append(value)
        for (p, dimension, key), n in sizes.items():
            if p != pop or not n:
                continue
            ordered = lists[dimension].get(key, ())
            for f in figures:
                rank = -(-n * f.rank[0] // f.rank[1])
                if rank <= len(ordered):
                    found[f.key, dimension, key] = ordered[rank - 1]
    return found


TREND_COUNTS = {  # what the trend counts per month: time index -> (column, {count: condition or None})
    CREATED: ("created_at", {"opened": None}),
    RESOLVED: ("sla_resolved_at", {
        "closed": None, "resolved": lambda t: t.merged_into_id.is_(None),
        "resolved_in_time": lambda t: sa.and_(t.merged_into_id.is_(None), t.sla_resolution_met.is_(True))}),
    RESPONDED: ("sla_first_response_stopped_at", {
        "responded": lambda t: t.merged_into_id.is_(None),
        "responded_in_time": lambda t: sa.and_(t.merged_into_id.is_(None), t.sla_first_response_met.is_(True))}),
}


TREND_KEYS = tuple(key for _column, measures in TREND_COUNTS.values() for key in measures)


def trend_counts(scope: Scope, months, now) -> list[dict]:
    """Per month of the trend: opened, closed, measured and in-time first responses and solutions.

    One statement: per time index and month, one range of the index, which also holds the
    area's columns and the flags counted, so the tickets themselves are never read (grouping
    a year of rows by month costs far more). Each range is read once for all its counts.
    """
    parts, indexes = [], list(TREND_COUNTS.items())
    for j, (index, (column, measures)) in enumerate(indexes):
        t = anchor(index)
        for i, month in enumerate(months):
            counts = [sa.func.count() if condition is None else _flag(condition(t)) for condition in measures.values()]
            counts += [sa.literal_column("0")] * (3 - len(counts))  # every part has the same columns
            parts.append(sa.select(sa.literal_column(str(j)).label("j"), sa.literal_column(str(i)).label("i"), *(
                c.label(f"n{k}") for k, c in enumerate(counts))).select_from(t).where(
                _within(getattr(t, column), month.start, month.end), scope.area(t)))
    result = [{key: 0 for _index, (_column, measures) in indexes for key in measures} for _ in months]
    for j, i, *values in db.session.execute(sa.union_all(*parts)):
        for key, value in zip(indexes[j][1][1], values, strict=False):
            result[i][key] = value or 0
    return result


def hour_counts(scope, month) -> dict:
    """Tickets opened per UTC hour of the month: {"YYYY-MM-DD HH": n} (at most 745 groups).

    Counted like the trend: from the creation time index alone, on the scope's area (which
    the index holds, and which never goes beyond what visible_tickets allows).
    """
    t = anchor(CREATED)
    if db.session.get_bind().dialect.name == "sqlite":
        hour = sa.func.strftime("%Y-%m-%d %H", t.created_at)
    else:
        hour = sa.func.to_char(t.created_at, "YYYY-MM-DD HH24")
    query = (sa.select(hour.label("h"), sa.func.count()).select_from(t)
             .where(_within(t.created_at, month.start, month.end), scope.area(t)).group_by(hour))
    return dict(db.session.execute(query).all())


def breach_reasons(scope, month, now) -> list[tuple[str, int]]:
    """(reason, tickets) for the month's breached tickets, most common first ("" when none was given)."""
    selects = [sa.select(sa.func.coalesce(sa.func.trim(t.sla_breach_reason), "").label("reason"))
               .select_from(t).where(*where)
               for t, where in month_parts(scope, ("breached",), month, now, disjoint=True)]
    tickets = (selects[0] if len(selects) == 1 else sa.union_all(*selects)).subquery()
    query = (sa.select(tickets.c.reason, sa.func.count().label("n")).group_by(tickets.c.reason)
             .order_by(sa.func.count().desc(), tickets.c.reason))
    return [(r.reason, r.n) for r in db.session.execute(query)]


def satisfaction(scope, month):
    """The month's satisfaction summary in scope, or None while there is no satisfaction data."""
    try:
        from ..satisfaction.queries import summary
    except ImportError:
        return None
    if not sa.inspect(db.session.get_bind()).has_table("satisfaction_rating"):
        return None
    from ..satisfaction.models import SatisfactionRating

    # Correlated: each answer of the month looks up its own ticket, instead of listing every ticket in scope.
    in_scope = sa.select(Ticket.id).where(scope.clause(), Ticket.id == SatisfactionRating.ticket_id)
    return summary(in_scope, start=month.start, end=month.end)

