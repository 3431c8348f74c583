"""Availability per system for a month: agreed level, measured figure, the outages behind it, the trend."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..catalogue.models import System
from ..extensions import db
from ..outages.models import OutageNotice, OutageNoticeSystem
from ..sla.models import Calendar
from ..sla.services import business_calendar
from .measure import Measured, measure
from .models import AvailabilityTarget


@dataclass
class SystemAvailability:
    system: System
    target_percent: float | None
    measured: Measured
    trend: list = field(default_factory=list)  # [(Month, percent or None)], oldest first

    @property
    def percent(self) -> float | None:
        return self.measured.percent

    @property
    def flagged(self) -> bool:
        """Below the agreed level (compared unrounded)."""
        return self.target_percent is not None and self.percent is not None and self.percent < self.target_percent


def targets() -> tuple[dict, dict]:
    """Agreed levels in percent: (per system id, per tier)."""
    by_system, by_tier = {}, {}
    for t in db.session.scalars(sa.select(AvailabilityTarget)):
        if t.system_id is not None:
            by_system[t.system_id] = t.percent
        else:
            by_tier[t.tier] = t.percent
    return by_system, by_tier


def target_for(system, agreed=None) -> float | None:
    by_system, by_tier = agreed or targets()
    return by_system.get(system.id, by_tier.get(system.service_tier))


def systems_in(scope) -> list[System]:
    """The active systems a report scope follows: all of them, or those of its groups and systems."""
    query = sa.select(System).where(System.is_active).order_by(System.name)
    if scope.organisation_id is not None:
        query = query.where(System.organisation_id == scope.organisation_id)
    if scope.group_ids is not None:
        query = query.where(sa.or_(System.support_group_id.in_(sorted(scope.group_ids)),
                                   System.id.in_(sorted(scope.system_ids or ()))))
    return list(db.session.scalars(query))


def notices_by_system(system_ids, start, end) -> dict:
    """Notices overlapping [start, end) per system id (a notice on all systems goes to each)."""
    overlapping = sa.and_(OutageNotice.starts_at < end,
                          sa.or_(OutageNotice.ended_at.is_(None), OutageNotice.ended_at > start))
    notices = db.session.scalars(sa.select(OutageNotice).where(overlapping).order_by(OutageNotice.starts_at)).all()
    links = db.session.execute(sa.select(OutageNoticeSystem.notice_id, OutageNoticeSystem.system_id).where(
        OutageNoticeSystem.notice_id.in_([n.id for n in notices]))).all() if notices else []
    result = {sid: [] for sid in system_ids}
    by_id = {n.id: n for n in notices}
    for notice_id, system_id in links:
        if system_id in result and not by_id[notice_id].all_systems:
            result[system_id].append(by_id[notice_id])
    for notice in notices:
        if notice.all_systems:
            for sid in result:
                result[sid].append(notice)
    return result


class ServiceTime:
    """A calendar whose between() is remembered per period: the systems that share a calendar
    are measured over the same months, and a month's service time takes a walk over its days."""

    def __init__(self, calendar):
        self.calendar, self.known = calendar, {}

    def between(self, a, b):
        key = (a, b)
        if key not in self.known:
            self.known[key] = self.calendar.between(a, b)
        return self.known[key]


def service_calendars(systems) -> dict:
    """{system id: ServiceTime} with the systems' calendars read in one query, shared between systems."""
    ids = {s.calendar_id for s in systems if s.calendar_id is not None}
    rows = {c.id: c for c in db.session.scalars(sa.select(Calendar).where(Calendar.id.in_(ids)))} if ids else {}
    shared = {}
    for system in systems:
        arithmetic = business_calendar(rows.get(system.calendar_id))
        shared.setdefault(id(arithmetic), (arithmetic, ServiceTime(arithmetic)))
    return {s.id: shared[id(business_calendar(rows.get(s.calendar_id)))][1] for s in systems}


def month_availability(scope, month, now, *, with_trend=True, systems=None) -> list[SystemAvailability]:
    """Every followed system's availability in the month, and (with_trend) in the eleven months before."""
    systems = systems if systems is not None else systems_in(scope)
    months = month.trend() if with_trend else [month]
    notices = notices_by_system([s.id for s in systems], months[0].start, month.end)
    agreed = targets()
    calendars = service_calendars(systems)
    result = []
    for system in systems:
        calendar = calendars[system.id]
        own = notices[system.id]
        figures = [(m, measure(own, calendar, start=m.start, end=m.end, now=now)) for m in months]
        row = SystemAvailability(system, target_for(system, agreed), figures[-1][1])
        row.trend = [(m, f.percent) for m, f in figures] if with_trend else []
        result.append(row)
    return result
