"""Read side of the intake and outbox for administrators."""

import sqlalchemy as sa

from ..extensions import db
from ..notifications.models import OutboundMessage, OutboxStatus
from .models import InboundMessage, Mailbox, Outcome

PAGE = 50


def mailboxes():
    return db.session.scalars(sa.select(Mailbox).order_by(Mailbox.name)).all()


def inbound_page(outcome: str | None, page: int):
    """Received mail, newest first; "quarantined" lists only what is not yet handled."""
    query = sa.select(InboundMessage).order_by(InboundMessage.id.desc())
    if outcome == Outcome.QUARANTINED:
        query = query.where(InboundMessage.outcome == outcome, InboundMessage.released_at.is_(None))
    elif outcome in set(Outcome):
        query = query.where(InboundMessage.outcome == outcome)
    rows = db.session.scalars(query.offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    return rows[:PAGE], len(rows) > PAGE


def quarantine_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(InboundMessage).where(
        InboundMessage.outcome == Outcome.QUARANTINED, InboundMessage.released_at.is_(None)))


def outbox_problems():
    """Failed mail, and mail still waiting after a failed attempt."""
    return db.session.scalars(
        sa.select(OutboundMessage).where(sa.or_(
            OutboundMessage.status == OutboxStatus.FAILED,
            sa.and_(OutboundMessage.status == OutboxStatus.PENDING, OutboundMessage.attempts > 0)))
        .order_by(OutboundMessage.id.desc()).limit(200)).all()
