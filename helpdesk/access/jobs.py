"""Scheduled access work: open due reviews, escalate overdue ones, flag grants of deactivated accounts.

Each system, review or grant is handled in its own transaction; a claim inside it (a conditional
UPDATE, or the one-open-review index) keeps a second scheduler from doing the same item twice.
"""

import logging

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..catalogue.models import System
from ..database import unit_of_work
from ..extensions import db
from . import queries, services
from .models import AccessGrant, AccessReview

log = logging.getLogger(__name__)


def open_due_reviews(clock) -> int:
    """Open a review for every system whose grants are due; returns how many were opened."""
    now = clock.now()
    due = queries.due_systems(now)
    db.session.rollback()  # end the read transaction; each system gets its own
    opened = 0
    for system_id, due_at in due:
        try:
            with unit_of_work():
                if queries.open_review(system_id) is None:  # another scheduler may have been first
                    services.open_review(db.session.get(System, system_id), due_at=due_at, now=now)
                    opened += 1
        except IntegrityError:
            log.info("access review for system %s was opened elsewhere", system_id)
        except Exception:  # one broken system must not hold up the others
            log.exception("opening the access review of system %s failed", system_id)
    return opened


def escalate_overdue_reviews(clock) -> int:
    """Tell the owner about each review open past its grace days, once; returns how many."""
    now = clock.now()
    ids = queries.escalation_due(now)
    db.session.rollback()
    done = 0
    for review_id in ids:
        try:
            with unit_of_work():
                if _claim(AccessReview, review_id, AccessReview.escalated_at, now,
                          AccessReview.completed_at.is_(None)):
                    services.escalate_review(_fresh(AccessReview, review_id), now=now)
                    done += 1
        except Exception:
            log.exception("escalating access review %s failed", review_id)
    return done


def flag_deactivated_grants(clock) -> int:
    """One removal task per active grant of a deactivated account, once; returns how many."""
    now = clock.now()
    ids = queries.grants_to_flag()
    db.session.rollback()
    done = 0
    for grant_id in ids:
        try:
            with unit_of_work():
                if _claim(AccessGrant, grant_id, AccessGrant.removal_flagged_at, now,
                          AccessGrant.revoked_at.is_(None)):
                    services.flag_for_removal(_fresh(AccessGrant, grant_id), now=now)
                    done += 1
        except Exception:
            log.exception("flagging access grant %s failed", grant_id)
    return done


def _claim(model, row_id, column, now, *conditions) -> bool:
    """Set column to now where it is still empty; False when someone else already did."""
    result = db.session.execute(
        sa.update(model).where(model.id == row_id, column.is_(None), *conditions)
        .values({column.key: now}).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _fresh(model, row_id):
    return db.session.scalar(sa.select(model).where(model.id == row_id).execution_options(populate_existing=True))
