"""The monthly report's outage section: notices and their duration per system, people affected per
major incident, reports avoided ("me too", an article helped), problems opened and resolved."""

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..catalogue.models import System
from ..extensions import db
from ..problems.models import Problem
from ..tickets.models import Ticket
from .models import (
    DeflectionKind, MajorIncident, MajorIncidentPerson, NoticeKind, OutageNotice, OutageNoticeSystem,
    ReportDeflection,
)


@dataclass
class SystemOutages:
    name: str
    unplanned: int = 0
    planned: int = 0
    unplanned_hours: float = 0.0
    planned_hours: float = 0.0


@dataclass
class MajorRow:
    number: int
    subject: str
    people: int
    departments: int


@dataclass
class OutageSection:
    systems: list = field(default_factory=list)  # [SystemOutages]
    majors: list = field(default_factory=list)  # [MajorRow]
    me_too: int = 0
    article_helped: int = 0
    problems_opened: int = 0
    problems_resolved: int = 0

    @property
    def avoided(self) -> int:
        return self.me_too + self.article_helped


def _systems_in(scope):
    """The systems the report's area covers (None: all)."""
    query = sa.select(System.id)
    clauses = []
    if scope.group_ids is not None:
        duty = ([System.support_group_id.in_(sorted(scope.group_ids))] if scope.group_ids else []) + \
            ([System.id.in_(sorted(scope.system_ids))] if scope.system_ids else [])
        clauses.append(sa.or_(*duty) if duty else sa.false())
    if scope.organisation_id is not None:
        clauses.append(System.organisation_id == scope.organisation_id)
    if not clauses:
        return None
    return set(db.session.scalars(query.where(*clauses)))


def month_section(scope, month, *, now) -> OutageSection:
    """The section's figures for the tickets and systems in scope."""
    section = OutageSection()
    systems = _systems_in(scope)
    end = min(month.end, now)
    notices = db.session.scalars(sa.select(OutageNotice).where(
        OutageNotice.starts_at < end,
        sa.or_(OutageNotice.ended_at.is_(None), OutageNotice.ended_at >= month.start))).all()
    links = defaultdict(list)
    if notices:
        for notice_id, system_id in db.session.execute(sa.select(
                OutageNoticeSystem.notice_id, OutageNoticeSystem.system_id).where(
                OutageNoticeSystem.notice_id.in_([n.id for n in notices]))):
            links[notice_id].append(system_id)
    names = dict(db.session.execute(sa.select(System.id, System.name)).all())
    rows: dict = {}
    for notice in notices:
        hours = (min(notice.ended_at or end, end) - max(notice.starts_at, month.start)).total_seconds() / 3600
        keys = [None] if notice.all_systems else [s for s in links[notice.id] if systems is None or s in systems]
        for key in keys:
            row = rows.setdefault(key, SystemOutages(names.get(key, "")))
            if notice.kind == NoticeKind.PLANNED:
                row.planned += 1
                row.planned_hours += max(hours, 0)
            else:
                row.unplanned += 1
                row.unplanned_hours += max(hours, 0)
    section.systems = sorted(rows.values(), key=lambda r: (r.name != "", r.name.lower()))
    people = sa.select(sa.func.count()).where(
        MajorIncidentPerson.major_incident_ticket_id == MajorIncident.ticket_id).scalar_subquery()
    departments = sa.select(sa.func.count(sa.distinct(MajorIncidentPerson.department_id))).where(
        MajorIncidentPerson.major_incident_ticket_id == MajorIncident.ticket_id).scalar_subquery()
    declared = sa.and_(MajorIncident.declared_at >= month.start, MajorIncident.declared_at < month.end)
    # The month's incidents name the tickets to look up: without that SQLite may scan every ticket
    # (the incident table has no statistics while it is empty or small).
    section.majors = [MajorRow(*row) for row in db.session.execute(
        sa.select(Ticket.id, Ticket.subject, people, departments).join(MajorIncident, MajorIncident.ticket_id == Ticket.id)
        .where(declared, Ticket.id.in_(sa.select(MajorIncident.ticket_id).where(declared)), scope.clause())
        .order_by(MajorIncident.declared_at))]
    deflections = sa.select(ReportDeflection.kind, sa.func.count()).where(
        ReportDeflection.created_at >= month.start, ReportDeflection.created_at < month.end)
    if scope.organisation_id is not None:
        deflections = deflections.where(ReportDeflection.organisation_id == scope.organisation_id)
    if systems is not None:
        deflections = deflections.where(ReportDeflection.system_id.in_(sorted(systems)))
    counts = dict(db.session.execute(deflections.group_by(ReportDeflection.kind)).all())
    section.me_too = counts.get(DeflectionKind.ME_TOO, 0)
    section.article_helped = counts.get(DeflectionKind.ARTICLE, 0)

    def problems(column):
        query = sa.select(sa.func.count()).select_from(Problem).where(column >= month.start, column < month.end)
        if systems is not None:
            query = query.where(Problem.system_id.in_(sorted(systems)))
        return db.session.scalar(query) or 0
    section.problems_opened = problems(Problem.created_at)
    section.problems_resolved = problems(Problem.resolved_at)
    return section
