"""Problem records: root cause, workaround, status and the change that fixes them."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class ProblemStatus(StrEnum):
    OPEN = "open"  # being investigated
    KNOWN_ERROR = "known_error"  # root cause known, workaround available
    RESOLVED = "resolved"  # the fixing change is in
    CLOSED = "closed"


OPEN_PROBLEM_STATUSES = (ProblemStatus.OPEN, ProblemStatus.KNOWN_ERROR)


class Problem(db.Model):
    __tablename__ = "problems"
    __table_args__ = (sa.Index("ix_problems_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    system_id: Mapped[int | None] = mapped_column(sa.ForeignKey("system.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=ProblemStatus.OPEN)
    root_cause: Mapped[str] = mapped_column(sa.Text, default="")
    workaround: Mapped[str] = mapped_column(sa.Text, default="")
    change_reference: Mapped[str] = mapped_column(sa.String(300), default="")  # the fixing change, free text/URL
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    article_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kb_articles.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    system = relationship("System")
    owner = relationship("User", foreign_keys=[owner_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    article = relationship("KnowledgeArticle")


class ProblemTicket(db.Model):
    """An incident grouped under a problem."""

    __tablename__ = "problem_tickets"

    problem_id: Mapped[int] = mapped_column(sa.ForeignKey("problems.id", ondelete="CASCADE"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    ticket = relationship("Ticket")
