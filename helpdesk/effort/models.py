"""Time logged on tickets and the hourly cost of each support group."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class GroupRate(db.Model):
    """The hourly cost (kronor) of a support group's work: the basis of internal invoicing."""

    __tablename__ = "group_rate"

    support_group_id: Mapped[int] = mapped_column(sa.ForeignKey("support_group.id", ondelete="CASCADE"),
                                                  primary_key=True)
    hourly_cost: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    support_group = relationship("SupportGroup")


class TimeEntry(db.Model):
    """Minutes one person worked on a ticket, priced at the group's rate when logged."""

    __tablename__ = "time_entry"
    __table_args__ = (
        sa.CheckConstraint("minutes > 0", name="minutes"),
        sa.Index("ix_time_entry_worked_at", "worked_at", "ticket_id"),
        sa.Index("ix_time_entry_ticket", "ticket_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    support_group_id: Mapped[int] = mapped_column(sa.ForeignKey("support_group.id"))
    minutes: Mapped[int]
    hourly_cost: Mapped[int]  # the group's rate at logging: a later change of rate leaves past months alone
    worked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("message.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    ticket = relationship("Ticket")
    user = relationship("User")
    support_group = relationship("SupportGroup")

    @property
    def cost(self) -> float:
        return self.minutes * self.hourly_cost / 60
