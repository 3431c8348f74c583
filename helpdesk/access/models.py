"""Access management: requests, the grants they lead to, and periodic reviews of them."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class RequestStatus(StrEnum):
    PENDING = "pending"  # waiting for the administrator's or deputy's decision
    APPROVED = "approved"  # waiting for someone to set it up in the system
    REJECTED = "rejected"
    PROVISIONED = "provisioned"  # set up: a grant exists


class ItemDecision(StrEnum):
    CONFIRMED = "confirmed"
    REVOKED = "revoked"


class AccessRequest(db.Model):
    """Someone asks for a role in a system, for themselves or another person."""

    __tablename__ = "access_request"
    __table_args__ = (sa.Index("ix_access_request_system_status", "system_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The decision is documentation that outlives the ticket's retention: destroying the ticket keeps the row.
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket.id", ondelete="SET NULL"), unique=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("system.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)  # who is to have it
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    role: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.Text)
    valid_until: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(16), default=RequestStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)

    ticket = relationship("Ticket")
    system = relationship("System")
    user = relationship("User", foreign_keys=[user_id])
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    grant: Mapped["AccessGrant | None"] = relationship(back_populates="request", uselist=False)


class AccessGrant(db.Model):
    """A role a person holds in a system: who approved it, who set it up, and when it ended."""

    __tablename__ = "access_grant"
    __table_args__ = (sa.Index("ix_access_grant_system_active", "system_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("system.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(200))
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("access_request.id", ondelete="SET NULL"),
                                                   unique=True)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provisioned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    provisioned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[date | None]
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The task that asks the support group to remove it in the system (revoked, or its holder left).
    removal_ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket.id", ondelete="SET NULL"))
    removal_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    system = relationship("System")
    user = relationship("User", foreign_keys=[user_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    provisioned_by = relationship("User", foreign_keys=[provisioned_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])
    request: Mapped[AccessRequest | None] = relationship(back_populates="grant")
    removal_ticket = relationship("Ticket", foreign_keys=[removal_ticket_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AccessReview(db.Model):
    """One periodic review of every active grant of a system."""

    __tablename__ = "access_review"
    __table_args__ = (
        sa.Index("ix_access_review_system", "system_id", "completed_at"),
        # At most one open review per system: the database's guard should two schedulers race.
        sa.Index("uq_access_review_open", "system_id", unique=True,
                 sqlite_where=sa.text("completed_at IS NULL"), postgresql_where=sa.text("completed_at IS NULL")),
        # Open ones by due time (completed_at NULL), and the completed ones of a month.
        sa.Index("ix_access_review_completed_due", "completed_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("system.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # to be completed by
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    system = relationship("System")
    escalated_to = relationship("User")
    items: Mapped[list["AccessReviewItem"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="AccessReviewItem.id")

    @property
    def undecided(self) -> int:
        return sum(1 for item in self.items if item.decision is None)


class AccessReviewItem(db.Model):
    """One grant in a review: confirmed or revoked, with the reviewer's comment."""

    __tablename__ = "access_review_item"
    __table_args__ = (sa.UniqueConstraint("review_id", "grant_id", name="uq_access_review_item_grant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("access_review.id", ondelete="CASCADE"))
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("access_grant.id"), index=True)
    decision: Mapped[str | None] = mapped_column(sa.String(16))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    review: Mapped[AccessReview] = relationship(back_populates="items")
    grant: Mapped[AccessGrant] = relationship()
    decided_by = relationship("User")
