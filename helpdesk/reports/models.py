"""What the monthly report job has sent, so that it sends each report once."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime
from ..extensions import db


class ReportRun(db.Model):
    """One report mailed to one person for one month, with the headline figures as sent."""

    __tablename__ = "report_run"
    __table_args__ = (sa.UniqueConstraint("kind", "month", "user_id", name="uq_report_run_kind_month_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))  # "monthly"
    month: Mapped[str] = mapped_column(sa.String(7))  # "2026-10"
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outbound_message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbound_message.id", ondelete="SET NULL"))
    figures: Mapped[dict] = mapped_column(sa.JSON, default=dict)
