"""The monthly report as plain data: totals, breakdowns, trend, arrivals, from queries' aggregates."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.permissions import reach_of
from ..catalogue.models import System
from ..clock import STOCKHOLM
from ..extensions import db
from ..org.models import Department, SupportGroup
from ..tickets.labels import CHANNEL_LABELS, PRIORITY_LABELS
from ..tickets.models import Ticket
from . import followup, queries
from .definitions import BREAKDOWNS, COUNT, DURATION, FIGURES, SHARE, TOTAL
from .formatting import weekday_name
from .months import Month

NONE_LABELS = {
    "department": _l("Ingen förvaltning"), "requester_department": _l("Okänd förvaltning"),
    "system": _l("Inget system"), "group": _l("Ingen grupp"), "priority": _l("Ingen prioritet"),
    "channel": _l("Okänd kanal"), "reason": _l("Ingen orsak angiven"),
}
SATISFACTION_FIGURES = ("rated", "satisfied", "rating_average", "satisfied_share")
CELL_KEYS = {*queries.CUBE, "channel"}  # a cube cell's dimensions; its other keys are measures
RANKED = sorted({f.population for f in FIGURES.values() if f.kind == DURATION})  # responded, resolved


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return 100 * self.numerator / self.denominator if self.denominator else None


@dataclass
class Row:
    """One line of a table: a dimension value (None: tickets without one) and its figures."""

    key: object
    label: str
    values: dict


@dataclass
class TrendRow:
    month: Month
    values: dict


@dataclass
class MonthlyReport:
    month: Month
    generated_at: datetime
    goal_percent: float
    organisation: object = None
    total: Row | None = None
    breakdowns: dict = field(default_factory=dict)  # dimension -> [Row]
    channels: list = field(default_factory=list)
    trend: list = field(default_factory=list)
    arrivals: list = field(default_factory=list)  # [weekday][hour] -> opened
    reasons: list = field(default_factory=list)  # (reason, tickets)
    satisfaction: object = None  # satisfaction.queries.RatingSummary, or None without data
    missing_facts: int = 0  # tickets of the month whose SLA facts have not been computed
    incidents: object = None  # security.queries.IncidentSummary; only for scopes that count confidential tickets
    outages: object = None  # outages.report.OutageSection
    followup: object = None  # followup.FollowUp: availability, suppliers, effort

    @property
    def weekday_totals(self) -> list[int]:
        return [sum(hours) for hours in self.arrivals]

    @property
    def hour_totals(self) -> list[int]:
        return [sum(day[hour] for day in self.arrivals) for hour in range(24)]

    @property
    def complete(self) -> bool:
        """Whether the month was over when the report was made."""
        return self.generated_at >= self.month.end


def goal_percent() -> float:
    return float(current_app.config["REPORT_GOAL_PERCENT"])


def monthly_report(scope, month: Month, *, now, organisation=None) -> MonthlyReport:
    """Every figure of the month for the tickets in scope (already narrowed to the organisation)."""
    report = MonthlyReport(month=month, generated_at=now, goal_percent=goal_percent(), organisation=organisation)
    cells = queries.cube_counts(scope, month, now)
    total, per_dimension, channels = Counter(), {d: defaultdict(Counter) for d in BREAKDOWNS}, Counter()
    for cell in cells:  # thousands of cells at 1M tickets: plain loops, no Counter.update per cell
        measures = [(k, v) for k, v in cell.items() if v and k not in CELL_KEYS]
        for counter in (total, *(per_dimension[d][cell[d]] for d in BREAKDOWNS)):
            for k, v in measures:
                counter[k] += v
        if cell["opened"]:  # a cell holds every population's tickets; channels count the opened
            channels[cell["channel"]] += cell["opened"]
    sizes = {(pop, "total", 0): total[pop] for pop in RANKED}
    sizes |= {(pop, dimension, key): counts[pop] for dimension in BREAKDOWNS
              for key, counts in per_dimension[dimension].items() for pop in RANKED}
    ranks = queries.rank_values(scope, month, now, FIGURES, sizes)
    report.missing_facts = total.pop("missing_facts", 0)
    report.satisfaction = queries.satisfaction(scope, month)
    report.total = Row("total", "", figure_values(total, ranks, "total", 0, report.satisfaction))
    for dimension in BREAKDOWNS:
        names = dimension_names(dimension)
        rows = [Row(key, label_of(dimension, key, names), figure_values(counts, ranks, dimension, key))
                for key, counts in per_dimension[dimension].items()]
        report.breakdowns[dimension] = sorted(rows, key=lambda r: (r.key is None, _order(dimension, r)))
    report.channels = [Row(key, label_of("channel", key), {"opened": n}) for key, n in sorted(channels.items())]
    report.trend = trend(scope, month, now, backlog=total.get("backlog", 0), this_month=total)
    report.arrivals = arrivals(scope, month)
    report.reasons = queries.breach_reasons(scope, month, now)
    if scope.confidential:  # security officers (and the command line when asked): never anyone else
        from ..security.queries import month_summary

        report.incidents = month_summary(scope.clause(), month.start, month.end, now=now,
                                         organisation_id=scope.organisation_id)
    from ..outages.report import month_section

    report.outages = month_section(scope, month, now=now)
    report.followup = followup.build(scope, month, now)
    return report


def figure_values(counts, ranks, dimension, key, rating=None) -> dict:
    """Each figure's value for one group: counts, Share, seconds or None (no data)."""
    values = {}
    for figure in FIGURES.values():
        if figure.key in SATISFACTION_FIGURES:
            continue
        if figure.kind == COUNT:
            values[figure.key] = counts.get(figure.population, 0)
        elif figure.kind == SHARE:
            values[figure.key] = Share(counts.get(figure.numerator, 0), counts.get(figure.population, 0))
        elif figure.kind == DURATION:
            values[figure.key] = ranks.get((figure.key, dimension, key))
        elif figure.kind == TOTAL:
            values[figure.key] = counts.get(figure.key, 0)
    if dimension == "total":
        values |= satisfaction_values(rating)
    return values


def satisfaction_values(rating) -> dict:
    """The satisfaction figures from a RatingSummary; all None when there is no data source."""
    if rating is None:
        return dict.fromkeys(SATISFACTION_FIGURES)
    satisfied = rating.by_score.get(4, 0) + rating.by_score.get(5, 0)
    return {"rated": rating.answers, "satisfied": satisfied, "rating_average": rating.average,
            "satisfied_share": Share(satisfied, rating.answers)}


def trend(scope, month, now, *, backlog: int, this_month=None) -> list[TrendRow]:
    """The main figures for the month and the eleven before it; backlog by the identity
    open at the end = open at the previous end + opened - closed, from this month's end back.

    this_month: the report month's own counts when they are at hand (the cube's totals, which
    count the same populations), so that only the eleven months before are counted here.
    """
    months = month.trend()
    if this_month is None:
        counts = queries.trend_counts(scope, months, now)
    else:
        counts = [*queries.trend_counts(scope, months[:-1], now),
                  {key: this_month.get(key, 0) for key in queries.TREND_KEYS}]
    rows = []
    for m, c in zip(reversed(months), reversed(counts), strict=True):
        rows.append(TrendRow(m, {
            "opened": c["opened"], "closed": c["closed"], "backlog": backlog,
            "response_share": Share(c["responded_in_time"], c["responded"]),
            "resolution_share": Share(c["resolved_in_time"], c["resolved"])}))
        backlog = backlog - c["opened"] + c["closed"]
    return rows[::-1]


def trend_only(scope, month, now) -> list[TrendRow]:
    """The trend without the rest of the report (the trend charts)."""
    backlog = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(
        queries.population("backlog", month, now), queries.opaque(scope.clause())))
    return trend(scope, month, now, backlog=backlog)


def arrivals(scope, month) -> list[list[int]]:
    """Tickets opened per Stockholm weekday (0 Monday) and hour."""
    matrix = [[0] * 24 for _ in range(7)]
    for text, n in queries.hour_counts(scope, month).items():
        local = datetime.strptime(text, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(STOCKHOLM)
        matrix[local.weekday()][local.hour] += n
    return matrix


def channel_rows(scope, month) -> list[Row]:
    query = (sa.select(Ticket.channel, sa.func.count())
             .where(queries.population("opened", month, None), queries.opaque(scope.clause()))
             .group_by(Ticket.channel).order_by(Ticket.channel))
    return [Row(key, label_of("channel", key), {"opened": n}) for key, n in db.session.execute(query)]


def dimension_names(dimension) -> dict:
    """Names of a dimension's values, read once per report (small tables)."""
    model = {"department": Department, "requester_department": Department, "system": System,
             "group": SupportGroup}.get(dimension)
    if model is None:
        return {}
    return dict(db.session.execute(sa.select(model.id, model.name)).all())


def label_of(dimension, key, names=None) -> str:
    """How one value of a dimension is shown."""
    if key is None or key == "":
        return str(NONE_LABELS.get(dimension, "–"))
    if dimension == "priority":
        return f"{key} – {PRIORITY_LABELS.get(key, '')}"
    if dimension == "channel":
        return str(CHANNEL_LABELS.get(key, key))
    if dimension == "weekday":
        return weekday_name(key)
    if dimension == "hour":
        return f"{key:02d}.00–{key:02d}.59"
    if dimension == "weekday_hour":
        return f"{weekday_name(key[0])} {key[1]:02d}.00–{key[1]:02d}.59"
    if dimension == "reason":
        return key
    if names is None:
        names = dimension_names(dimension)
    return names.get(key, str(key))


def _order(dimension, row):
    return row.key if dimension == "priority" and row.key is not None else row.label.lower()


def scope_description(user) -> str:
    """Which tickets the user's report counts, in a sentence."""
    reach = reach_of(user)
    if reach.is_security:
        return _("Alla ärenden, även sekretessmarkerade.")
    if reach.sees_all_open_cases:
        return _("Alla ärenden utom sekretessmarkerade.")
    groups = sorted(db.session.scalars(sa.select(SupportGroup.name).where(
        SupportGroup.id.in_(reach.group_ids | reach.area_group_ids))))
    systems = sorted(db.session.scalars(sa.select(System.name).where(
        System.id.in_(reach.admin_system_ids | reach.owned_system_ids | reach.area_system_ids))))
    if not groups and not systems:
        return _("Inga ärenden: du har inga grupper eller system att följa upp.")
    if groups and systems:
        return _("Ärenden hos grupperna %(groups)s och på systemen %(systems)s, utom sekretessmarkerade.",
                 groups=", ".join(groups), systems=", ".join(systems))
    if groups:
        return _("Ärenden hos grupperna %(groups)s, utom sekretessmarkerade.", groups=", ".join(groups))
    return _("Ärenden på systemen %(systems)s, utom sekretessmarkerade.", systems=", ".join(systems))
