"""Read side: current and planned notices, the latest update, a person's major incidents, the status board."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..catalogue.models import System
from ..database import built_once
from ..extensions import db
from ..org.models import Department
from ..tickets.models import Ticket
from .models import (
    MajorIncident, MajorIncidentPerson, MajorIncidentTicket, OutageNotice, OutageNoticeSystem,
    OutageSubscription, OutageUpdate, UpdateKind,
)

RECENTLY_RESOLVED = timedelta(days=3)


@dataclass
class NoticeView:
    notice: OutageNotice
    latest: OutageUpdate | None = None
    system_names: list[str] = field(default_factory=list)


def _on_system(system_id):
    return sa.or_(OutageNotice.all_systems, OutageNotice.id.in_(
        sa.select(OutageNoticeSystem.notice_id).where(OutageNoticeSystem.system_id == system_id)))


def notices(*, now, system_id=None, planned=False, limit=50) -> list[NoticeView]:
    """Open notices that have started (or, planned=True, that start later), newest first."""
    query = sa.select(OutageNotice).where(OutageNotice.ended_at.is_(None)).options(
        selectinload(OutageNotice.systems))
    if planned:
        query = query.where(OutageNotice.starts_at > now).order_by(OutageNotice.starts_at, OutageNotice.id)
    else:
        query = query.where(OutageNotice.starts_at <= now).order_by(OutageNotice.starts_at.desc(),
                                                                     OutageNotice.id.desc())
    if system_id is not None:
        query = query.where(_on_system(system_id))
    return with_latest(db.session.scalars(query.limit(limit)).all())


def open_notices(*, now, limit=20) -> tuple[list[NoticeView], list[NoticeView]]:
    """Current and planned notices in one round trip: (started, newest first; planned, soonest first)."""
    rows = db.session.scalars(sa.select(OutageNotice).where(OutageNotice.ended_at.is_(None))
                              .options(selectinload(OutageNotice.systems))
                              .order_by(OutageNotice.starts_at.desc(), OutageNotice.id.desc()).limit(limit * 2)).all()
    current = [n for n in rows if n.starts_at <= now][:limit]
    planned = sorted((n for n in rows if n.starts_at > now), key=lambda n: (n.starts_at, n.id))[:limit]
    views = {v.notice.id: v for v in with_latest(current + planned)}
    return [views[n.id] for n in current], [views[n.id] for n in planned]


def with_latest(rows) -> list[NoticeView]:
    """Each notice with its latest update (one query for all)."""
    ids = [n.id for n in rows]
    latest = {}
    if ids:
        newest = sa.select(sa.func.max(OutageUpdate.id)).where(
            OutageUpdate.notice_id.in_(ids), OutageUpdate.kind == UpdateKind.UPDATE).group_by(OutageUpdate.notice_id)
        latest = {u.notice_id: u for u in db.session.scalars(sa.select(OutageUpdate).where(OutageUpdate.id.in_(newest)))}
    return [NoticeView(n, latest.get(n.id), [s.name for s in n.systems]) for n in rows]


def ended_notices(*, now, days=7, limit=20) -> list[NoticeView]:
    rows = db.session.scalars(sa.select(OutageNotice).where(OutageNotice.ended_at >= now - timedelta(days=days))
                              .options(selectinload(OutageNotice.systems))
                              .order_by(OutageNotice.ended_at.desc()).limit(limit)).all()
    return with_latest(rows)


def affected_notice_ids(user, notice_ids) -> set[int]:
    """Which of these notices the user already said "me too" to (or is affected by)."""
    if not notice_ids:
        return set()
    return set(db.session.scalars(
        sa.select(OutageNotice.id).join(MajorIncidentPerson, MajorIncidentPerson.major_incident_ticket_id
                                        == OutageNotice.major_incident_ticket_id)
        .where(OutageNotice.id.in_(notice_ids), MajorIncidentPerson.user_id == user.id)))


@dataclass
class Affected:
    ticket: Ticket
    major: MajorIncident
    latest: OutageUpdate | None


def my_major_incidents(user, *, now) -> list[Affected]:
    """Major incidents the user is affected by: open ones, and those resolved in the last days."""
    rows = db.session.execute(
        sa.select(MajorIncident, Ticket).join(Ticket, Ticket.id == MajorIncident.ticket_id)
        .join(MajorIncidentPerson, MajorIncidentPerson.major_incident_ticket_id == MajorIncident.ticket_id)
        .where(MajorIncidentPerson.user_id == user.id,
               sa.or_(MajorIncident.resolved_at.is_(None), MajorIncident.resolved_at >= now - RECENTLY_RESOLVED))
        .order_by(MajorIncident.declared_at.desc()).limit(20)).all()
    ids = [t.id for _m, t in rows]
    latest = {}
    if ids:
        newest = sa.select(sa.func.max(OutageUpdate.id)).where(
            OutageUpdate.major_incident_ticket_id.in_(ids)).group_by(OutageUpdate.major_incident_ticket_id)
        latest = {u.major_incident_ticket_id: u
                  for u in db.session.scalars(sa.select(OutageUpdate).where(OutageUpdate.id.in_(newest)))}
    return [Affected(t, m, latest.get(t.id)) for m, t in rows]


def major_of(ticket_id) -> MajorIncident | None:
    return db.session.get(MajorIncident, ticket_id)


def major_above(ticket_id) -> int | None:
    """The major incident a ticket lies under, if any."""
    return db.session.scalar(_major_above_query(), {"ticket_id": ticket_id})


@built_once
def _major_above_query():
    return sa.select(MajorIncidentTicket.major_incident_ticket_id).where(
        MajorIncidentTicket.ticket_id == sa.bindparam("ticket_id"))


@dataclass
class MajorSummary:
    people: int
    departments: list[tuple[str, int]]
    tickets: list[Ticket]
    persons: list[MajorIncidentPerson]
    updates: list[OutageUpdate]
    notices: list[OutageNotice]


def major_summary(major) -> MajorSummary:
    """How many people and departments are affected, the linked tickets and the timeline."""
    tid = major.ticket_id
    persons = db.session.scalars(
        sa.select(MajorIncidentPerson).where(MajorIncidentPerson.major_incident_ticket_id == tid)
        .options(selectinload(MajorIncidentPerson.user)).order_by(MajorIncidentPerson.created_at)).all()
    departments = db.session.execute(
        sa.select(sa.func.coalesce(Department.name, ""), sa.func.count())
        .select_from(MajorIncidentPerson).outerjoin(Department, Department.id == MajorIncidentPerson.department_id)
        .where(MajorIncidentPerson.major_incident_ticket_id == tid)
        .group_by(Department.name).order_by(sa.func.count().desc(), Department.name)).all()
    tickets = db.session.scalars(
        sa.select(Ticket).join(MajorIncidentTicket, MajorIncidentTicket.ticket_id == Ticket.id)
        .where(MajorIncidentTicket.major_incident_ticket_id == tid).order_by(Ticket.id)).all()
    updates = db.session.scalars(sa.select(OutageUpdate).where(OutageUpdate.major_incident_ticket_id == tid)
                                 .options(selectinload(OutageUpdate.author)).order_by(OutageUpdate.id)).all()
    notices = db.session.scalars(sa.select(OutageNotice).where(OutageNotice.major_incident_ticket_id == tid)
                                 .order_by(OutageNotice.id)).all()
    return MajorSummary(len(persons), [(n, c) for n, c in departments], tickets, persons, updates, notices)


def open_major_incidents() -> list[tuple[MajorIncident, Ticket, int]]:
    """Unresolved major incidents with how many people they affect."""
    people = sa.select(sa.func.count()).where(
        MajorIncidentPerson.major_incident_ticket_id == MajorIncident.ticket_id).scalar_subquery()
    return db.session.execute(
        sa.select(MajorIncident, Ticket, people).join(Ticket, Ticket.id == MajorIncident.ticket_id)
        .where(MajorIncident.resolved_at.is_(None)).order_by(MajorIncident.declared_at.desc())).all()


def status_board(*, now):
    """The status page: current and planned notices, and each affected system's notices."""
    current, planned = open_notices(now=now, limit=50)
    by_system = defaultdict(list)
    for view in current + planned:
        for name in (view.system_names or ["*"]):
            by_system[name].append(view)
    return current, planned, dict(sorted(by_system.items()))


def subscribed_system_ids(user) -> set[int]:
    return set(db.session.scalars(sa.select(OutageSubscription.system_id)
                                  .where(OutageSubscription.user_id == user.id)))


def subscribable_systems() -> list[System]:
    return list(db.session.scalars(sa.select(System).where(System.is_active).order_by(System.name)))
