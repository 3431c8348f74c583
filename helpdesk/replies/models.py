"""Canned replies (svarsmallar): texts an agent picks on the ticket page, per support group or personal."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class CannedReply(db.Model):
    """A reply text with placeholders; owned by a support group or by one agent (exactly one of them)."""

    __tablename__ = "canned_reply"
    __table_args__ = (
        sa.CheckConstraint("(support_group_id IS NULL) <> (owner_id IS NULL)", name="owner_or_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    support_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("support_group.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    set_status: Mapped[str | None] = mapped_column(sa.String(32))  # a Status the reply also sets, or none
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    support_group = relationship("SupportGroup")
    owner = relationship("User", foreign_keys=[owner_id])


class SavedQueueView(db.Model):
    """An agent's named queue filter and sort (the query string of /queue)."""

    __tablename__ = "saved_queue_view"
    __table_args__ = (sa.UniqueConstraint("user_id", "name", name="uq_saved_queue_view_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    query: Mapped[str] = mapped_column(sa.String(1000))  # the filters and sort, url-encoded
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
