"""The year in one document for the kommunstyrelse, with the year before beside it.

Service levels met per förvaltning, availability per critical system,
incidents and security incidents by MSB category, access reviews done on
time, supplier performance, effort and cost. Every figure is counted the way
the monthly report counts it, over the calendar year in Stockholm time.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from ..access.models import AccessReview
from ..availability.measure import measure
from ..availability.queries import notices_by_system, service_calendars, target_for, targets
from ..catalogue.models import System
from ..clock import STOCKHOLM
from ..effort import queries as effort
from ..extensions import db
from ..org.models import Department, SupportGroup
from ..security.models import SecurityIncident
from ..suppliers.models import Supplier, SupplierContract
from ..suppliers.queries import COUNTS, month_counts
from ..tickets.models import Ticket, TicketType

CRITICAL_TIER = "guld"
CRITICAL_AVAILABILITY_CLASS = 3  # KLASSA T (tillgänglighet) 3 or 4


@dataclass(frozen=True)
class Year:
    year: int

    @property
    def start(self) -> datetime:
        return datetime(self.year, 1, 1, tzinfo=STOCKHOLM).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime(self.year + 1, 1, 1, tzinfo=STOCKHOLM).astimezone(UTC)


def _within(column, year):
    return sa.and_(column >= year.start, column < year.end)


def service_levels(scope, year) -> list[dict]:
    """Per förvaltning (of the support group, as in the monthly report): first responses and resolutions in time.

    Counted per support group from the covering time indexes and added up per förvaltning here
    (the groups are few), so no row is joined to its group.
    """
    def per_group(column, met):
        return (sa.select(Ticket.support_group_id, sa.func.count(Ticket.id), sa.func.count(sa.case((met.is_(True), 1))))
                .where(_within(column, year), Ticket.merged_into_id.is_(None), scope.clause())
                .group_by(Ticket.support_group_id))
    departments = dict(db.session.execute(sa.select(SupportGroup.id, SupportGroup.department_id)).all())
    names = dict(db.session.execute(sa.select(Department.id, Department.name)).all())
    rows = {}
    for column, met, counted, in_time in (
            (Ticket.sla_resolved_at, Ticket.sla_resolution_met, "resolved", "resolved_in_time"),
            (Ticket.sla_first_response_stopped_at, Ticket.sla_first_response_met, "responded", "responded_in_time")):
        for group_id, n, in_time_n in db.session.execute(per_group(column, met)):
            if group_id not in departments:  # a ticket without a group has no förvaltning row (an inner join before)
                continue
            counts = rows.setdefault(departments[group_id], dict.fromkeys(
                ("resolved", "resolved_in_time", "responded", "responded_in_time"), 0))
            counts[counted] += n
            counts[in_time] += in_time_n
    return sorted(({"key": key, "label": names.get(key, "–"), **counts,
                    "resolution_share": _share(counts["resolved_in_time"], counts["resolved"]),
                    "response_share": _share(counts["responded_in_time"], counts["responded"])}
                   for key, counts in rows.items()), key=lambda r: r["label"].lower())


def _share(numerator, denominator):
    return round(100 * numerator / denominator, 1) if denominator else None


def critical_systems(scope) -> list[System]:
    query = sa.select(System).where(System.is_active, sa.or_(
        System.service_tier == CRITICAL_TIER, System.klassa_t >= CRITICAL_AVAILABILITY_CLASS)).order_by(System.name)
    if scope.organisation_id is not None:
        query = query.where(System.organisation_id == scope.organisation_id)
    return list(db.session.scalars(query))


def availability(scope, year, now) -> list[dict]:
    """Measured over the year's service hours for each critical system (guld tier or KLASSA T 3–4)."""
    systems = critical_systems(scope)
    notices = notices_by_system([s.id for s in systems], year.start, year.end)
    agreed = targets()
    calendars = service_calendars(systems)
    rows = []
    for system in systems:
        m = measure(notices[system.id], calendars[system.id], start=year.start, end=year.end, now=now)
        target = target_for(system, agreed)
        rows.append({"system_id": system.id, "system": system.name, "agreed_percent": target,
                     "measured_percent": None if m.percent is None else round(m.percent, 2),
                     "below_agreed": target is not None and m.percent is not None and m.percent < target,
                     "unplanned_hours": round(m.down.total_seconds() / 3600, 2),
                     "planned_hours": round(m.planned.total_seconds() / 3600, 2),
                     "outages": len({i.notice_id for i in m.intervals})})
    return rows


def incidents(scope, year) -> dict:
    """Incidents registered in the year, and security incidents by MSB category (awareness in the year).

    Security incidents are counted, never shown: the numbers include confidential tickets.
    """
    opened = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(
        _within(Ticket.created_at, year), Ticket.type == TicketType.INCIDENT, scope.clause()))
    aware = _within(SecurityIncident.awareness_at, year)
    # The year's incidents name the tickets to look up; otherwise SQLite may walk every ticket.
    query = (sa.select(SecurityIncident.category, sa.func.count()).join(Ticket, Ticket.id == SecurityIncident.ticket_id)
             .where(aware, Ticket.id.in_(sa.select(SecurityIncident.ticket_id).where(aware)))
             .group_by(SecurityIncident.category))
    if scope.organisation_id is not None:
        query = query.where(Ticket.organisation_id == scope.organisation_id)
    by_category = {("none" if c is None else str(c)): n for c, n in db.session.execute(query)}
    return {"incidents": opened, "security_incidents": sum(by_category.values()),
            "security_by_msb_category": dict(sorted(by_category.items()))}


def access_reviews(scope, year, now) -> dict:
    """Reviews due in the year: completed by their due date, completed late, still not done."""
    query = sa.select(AccessReview.due_at, AccessReview.completed_at).join(System).where(_within(AccessReview.due_at, year))
    if scope.organisation_id is not None:
        query = query.where(System.organisation_id == scope.organisation_id)
    due = on_time = late = open_ = 0
    for due_at, completed_at in db.session.execute(query):
        due += 1
        if completed_at is None:
            open_ += 1
        elif completed_at <= due_at:
            on_time += 1
        else:
            late += 1
    return {"due": due, "on_time": on_time, "late": late, "not_done": open_, "on_time_share": _share(on_time, due)}


def suppliers(scope, year, now) -> list[dict]:
    counts, seconds = month_counts(scope, year.start, year.end, now)
    if not counts:
        return []
    names = {c.id: (s, c.reference) for c, s in db.session.execute(
        sa.select(SupplierContract, Supplier.name).join(Supplier).where(SupplierContract.id.in_(counts)))}
    return sorted(({"supplier": names[cid][0], "contract": names[cid][1], **{k: c[k] for k in COUNTS},
                    "response_share": _share(c["responded_in_time"], c["responded"]),
                    "resolution_share": _share(c["resolved_in_time"], c["resolved"])}
                   for cid, c in counts.items()), key=lambda r: (r["supplier"].lower(), r["contract"]))


def effort_and_cost(scope, year) -> dict:
    rows = effort.rows(scope, year.start, year.end, "department")
    total = effort.total_of(rows)
    return {"minutes": total.minutes, "cost": total.cost, "tickets": total.tickets,
            "by_department": [{"key": r.key, "label": str(r.label), "minutes": r.minutes, "cost": r.cost,
                               "tickets": r.tickets} for r in rows]}


def one_year(scope, year, now) -> dict:
    return {"year": year.year, "complete": now >= year.end,
            "service_levels": service_levels(scope, year), "availability": availability(scope, year, now),
            "incidents": incidents(scope, year), "access_reviews": access_reviews(scope, year, now),
            "suppliers": suppliers(scope, year, now), "effort": effort_and_cost(scope, year)}


def yearly_report(scope, year: int, *, now, organisation=None) -> dict:
    """The year and the year before, as plain data (the JSON document; the PDF is drawn from it)."""
    return {"year": year, "generated_at": now.isoformat(),
            "organisation": organisation.name if organisation else None,
            "current": one_year(scope, Year(year), now), "previous": one_year(scope, Year(year - 1), now)}
