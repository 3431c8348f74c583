"""Read side of access management: review schedules, lists per system, figures for the monthly report."""

import calendar
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from ..auth.permissions import reach_of
from ..catalogue.models import System
from ..clock import STOCKHOLM
from ..extensions import db
from .models import AccessGrant, AccessRequest, AccessReview, AccessReviewItem, RequestStatus


def review_interval(system) -> int:
    """Months between reviews: the system's own, else by its KLASSA confidentiality (configuration)."""
    if system.review_interval_months:
        return system.review_interval_months
    config = current_app.config
    if system.klassa_k >= config["ACCESS_REVIEW_HIGH_K"]:
        return config["ACCESS_REVIEW_MONTHS_HIGH"]
    return config["ACCESS_REVIEW_MONTHS_DEFAULT"]


def add_months(at: datetime, months: int) -> datetime:
    """The same Stockholm date and time months later (the month's last day when shorter), as UTC."""
    local = at.astimezone(STOCKHOLM)
    index = local.year * 12 + local.month - 1 + months
    year, month = index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(UTC)


def first_active_grant_at(system_id) -> datetime | None:
    return db.session.scalar(sa.select(sa.func.min(AccessGrant.provisioned_at)).where(
        AccessGrant.system_id == system_id, AccessGrant.revoked_at.is_(None)))


def next_review_at(system) -> datetime | None:
    """When the system's grants are next due for review: the interval after the last review, or after
    the oldest active grant when there has been none; None without active grants."""
    start = system.last_review_at or first_active_grant_at(system.id)
    return add_months(start, review_interval(system)) if start else None


def due_systems(now) -> list[tuple[int, datetime]]:
    """(system id, due time) of every system with active grants, no open review and a review due by now."""
    oldest = (sa.select(AccessGrant.system_id, sa.func.min(AccessGrant.provisioned_at).label("first"))
              .where(AccessGrant.revoked_at.is_(None)).group_by(AccessGrant.system_id).subquery())
    rows = db.session.execute(
        sa.select(System, oldest.c.first).join(oldest, oldest.c.system_id == System.id)
        .where(~sa.exists().where(AccessReview.system_id == System.id, AccessReview.completed_at.is_(None)))
        .order_by(System.id)).all()
    found = []
    for system, first in rows:  # a catalogue holds hundreds of systems, not millions
        due = add_months(system.last_review_at or first, review_interval(system))
        if due <= now:
            found.append((system.id, due))
    return found


def grace() -> timedelta:
    return timedelta(days=current_app.config["ACCESS_REVIEW_GRACE_DAYS"])


def is_overdue(review, now) -> bool:
    return review.completed_at is None and review.due_at < now - grace()


def overdue_reviews(now, organisation_id=None) -> list[AccessReview]:
    """Reviews still open ACCESS_REVIEW_GRACE_DAYS after their due date, oldest first (monthly report)."""
    query = (sa.select(AccessReview).join(System)
             .where(AccessReview.completed_at.is_(None), AccessReview.due_at < now - grace())
             .options(joinedload(AccessReview.system), selectinload(AccessReview.items))
             .order_by(AccessReview.due_at, AccessReview.id))
    if organisation_id is not None:
        query = query.where(System.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def reviews_completed(period, organisation_id=None) -> list[AccessReview]:
    """Reviews completed within period: anything with UTC .start and .end (a reports Month), or a pair."""
    start, end = (period.start, period.end) if hasattr(period, "start") else period
    query = (sa.select(AccessReview).join(System)
             .where(AccessReview.completed_at >= start, AccessReview.completed_at < end)
             .options(joinedload(AccessReview.system), selectinload(AccessReview.items))
             .order_by(AccessReview.completed_at, AccessReview.id))
    if organisation_id is not None:
        query = query.where(System.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def escalation_due(now) -> list[int]:
    """Ids of overdue reviews not yet escalated."""
    return list(db.session.scalars(sa.select(AccessReview.id).where(
        AccessReview.completed_at.is_(None), AccessReview.escalated_at.is_(None),
        AccessReview.due_at < now - grace()).order_by(AccessReview.id)))


def grants_to_flag() -> list[int]:
    """Ids of active grants whose holder's account is inactive and that have no removal task yet."""
    from ..auth.models import User

    return list(db.session.scalars(
        sa.select(AccessGrant.id).join(User, User.id == AccessGrant.user_id)
        .where(AccessGrant.revoked_at.is_(None), AccessGrant.removal_flagged_at.is_(None), ~User.is_active)
        .order_by(AccessGrant.id)))


def open_review(system_id) -> AccessReview | None:
    return db.session.scalar(sa.select(AccessReview).where(
        AccessReview.system_id == system_id, AccessReview.completed_at.is_(None)))


def active_grants(system_id) -> list[AccessGrant]:
    return list(db.session.scalars(
        sa.select(AccessGrant).where(AccessGrant.system_id == system_id, AccessGrant.revoked_at.is_(None))
        .options(joinedload(AccessGrant.user)).order_by(AccessGrant.id)))


def grants_of(system_id) -> list[AccessGrant]:
    """Every grant of a system, active first, then the newest."""
    return list(db.session.scalars(
        sa.select(AccessGrant).where(AccessGrant.system_id == system_id)
        .options(joinedload(AccessGrant.user), joinedload(AccessGrant.approved_by),
                 joinedload(AccessGrant.provisioned_by), joinedload(AccessGrant.revoked_by))
        .order_by(AccessGrant.revoked_at.is_not(None), AccessGrant.revoked_at.desc(), AccessGrant.id.desc())))


def requests_of(system_id, statuses=(RequestStatus.PENDING, RequestStatus.APPROVED)) -> list[AccessRequest]:
    return list(db.session.scalars(
        sa.select(AccessRequest).where(AccessRequest.system_id == system_id, AccessRequest.status.in_(statuses))
        .options(joinedload(AccessRequest.user)).order_by(AccessRequest.id)))


def reviews_of(system_id, limit=20) -> list[AccessReview]:
    return list(db.session.scalars(
        sa.select(AccessReview).where(AccessReview.system_id == system_id)
        .options(selectinload(AccessReview.items)).order_by(AccessReview.opened_at.desc()).limit(limit)))


def requests_by(user, limit=50) -> list[AccessRequest]:
    """Requests the user asked for or that are for them, newest first."""
    return list(db.session.scalars(
        sa.select(AccessRequest).where(sa.or_(AccessRequest.requested_by_id == user.id,
                                              AccessRequest.user_id == user.id))
        .options(joinedload(AccessRequest.system), joinedload(AccessRequest.user))
        .order_by(AccessRequest.id.desc()).limit(limit)))


def request_for_ticket(ticket_id) -> AccessRequest | None:
    return db.session.scalar(sa.select(AccessRequest).where(AccessRequest.ticket_id == ticket_id))


def visible_systems(user) -> list[System]:
    """Systems whose access the user may see: all for security officers and admins, else their own."""
    from ..auth.models import Role

    reach = reach_of(user)
    query = sa.select(System).order_by(System.name)
    if not (reach.is_security or Role.ADMIN in reach.roles):
        query = query.where(System.id.in_(reach.admin_system_ids | reach.owned_system_ids))
    return list(db.session.scalars(query))


def counts_by_system(system_ids) -> dict[int, dict[str, int]]:
    """Active grants, undecided requests and undecided review items per system."""
    counts = {sid: {"grants": 0, "pending": 0, "items": 0} for sid in system_ids}
    if not counts:
        return counts
    queries = {
        "grants": sa.select(AccessGrant.system_id, sa.func.count()).where(
            AccessGrant.revoked_at.is_(None), AccessGrant.system_id.in_(counts)).group_by(AccessGrant.system_id),
        "pending": sa.select(AccessRequest.system_id, sa.func.count()).where(
            AccessRequest.status.in_((RequestStatus.PENDING, RequestStatus.APPROVED)),
            AccessRequest.system_id.in_(counts)).group_by(AccessRequest.system_id),
        "items": sa.select(AccessReview.system_id, sa.func.count()).join(AccessReviewItem).where(
            AccessReview.completed_at.is_(None), AccessReviewItem.decision.is_(None),
            AccessReview.system_id.in_(counts)).group_by(AccessReview.system_id),
    }
    for key, query in queries.items():
        for system_id, n in db.session.execute(query):
            counts[system_id][key] = n
    return counts
