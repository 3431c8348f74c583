"""Read side of satisfaction: the answers for reports, and the questions a requester has open.

For the monthly report: `ratings()` is a query to run or join further, `summary()` the
figures. Both take the tickets to count (a select of ticket ids, e.g. the report's scope
or one department's tickets) and/or the period the answers were given in, [start, end).
"""

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from ..extensions import db
from .models import SCORES, SatisfactionRating
from .services import ANSWER_DAYS


def ratings(tickets=None, *, start=None, end=None) -> sa.Select:
    """SELECT ticket_id, score, comment, channel, answered_at of the answers in scope, oldest first."""
    query = sa.select(SatisfactionRating.ticket_id, SatisfactionRating.score, SatisfactionRating.comment,
                      SatisfactionRating.channel, SatisfactionRating.answered_at)
    return _scoped(query, tickets, start, end).order_by(SatisfactionRating.answered_at, SatisfactionRating.id)


@dataclass
class RatingSummary:
    answers: int = 0
    average: float | None = None  # None without answers
    by_score: dict = field(default_factory=lambda: dict.fromkeys(SCORES, 0))

    @property
    def satisfied_share(self) -> float | None:
        """Share of answers that are 4 or 5 (satisfied or very satisfied)."""
        return (self.by_score[4] + self.by_score[5]) / self.answers if self.answers else None


def summary(tickets=None, *, start=None, end=None) -> RatingSummary:
    """Number of answers, average score and the count per score, in one grouped query."""
    query = _scoped(sa.select(SatisfactionRating.score, sa.func.count()), tickets, start, end) \
        .group_by(SatisfactionRating.score)
    result = RatingSummary()
    for score, count in db.session.execute(query):
        result.by_score[score] = count
    result.answers = sum(result.by_score.values())
    if result.answers:
        result.average = sum(s * n for s, n in result.by_score.items()) / result.answers
    return result


def _scoped(query, tickets, start, end):
    if tickets is not None:
        query = query.where(SatisfactionRating.ticket_id.in_(tickets))
    if start is not None:
        query = query.where(SatisfactionRating.answered_at >= start)
    if end is not None:
        query = query.where(SatisfactionRating.answered_at < end)
    return query


def unrated_tickets(user, *, now, limit: int = 5):
    """The requester's lately finished tickets that still wait for their answer, newest first."""
    from ..tickets.models import Status, Ticket

    since = now - timedelta(days=ANSWER_DAYS)
    finished = sa.func.coalesce(Ticket.closed_at, Ticket.solved_at)
    query = (
        sa.select(Ticket).where(
            Ticket.requester_id == user.id, Ticket.status.in_((Status.SOLVED, Status.CLOSED)),
            Ticket.merged_into_id.is_(None), sa.or_(Ticket.solved_at >= since, Ticket.closed_at >= since),
            ~sa.exists().where(SatisfactionRating.ticket_id == Ticket.id))
        .order_by(finished.desc(), Ticket.id.desc()).limit(limit)
    )
    return db.session.scalars(query).all()
