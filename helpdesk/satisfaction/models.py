"""Satisfaction: the requester's one answer about how a solved ticket was handled."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db

SCORES = range(1, 6)


class SatisfactionRating(db.Model):
    """1 (very dissatisfied) to 5 (very satisfied) and an optional comment; one per ticket."""

    __tablename__ = "satisfaction_rating"
    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"), unique=True)
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    channel: Mapped[str] = mapped_column(sa.String(16))  # "link" (from the e-mail) or "portal"
    # Who answered when signed in; a link answer is the requester's by the link alone.
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    ticket = relationship("Ticket")
