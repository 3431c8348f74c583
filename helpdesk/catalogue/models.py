"""The catalogue of IT systems and services."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db

SERVICE_TIERS = ("guld", "silver", "brons")
KLASSA_LEVELS = (0, 1, 2, 3, 4)


class System(db.Model):
    __tablename__ = "system"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    keywords: Mapped[str] = mapped_column(sa.String(500), default="")
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    admin_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    deputy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    support_group_id: Mapped[int] = mapped_column(sa.ForeignKey("support_group.id"))
    calendar_id: Mapped[int | None] = mapped_column(sa.ForeignKey("calendar.id"))  # service hours
    service_tier: Mapped[str] = mapped_column(sa.String(16), default="silver")
    klassa_k: Mapped[int] = mapped_column(default=1)
    klassa_r: Mapped[int] = mapped_column(default=1)
    klassa_t: Mapped[int] = mapped_column(default=1)
    klassa_s: Mapped[int] = mapped_column(default=1)
    classified_on: Mapped[date | None]
    is_common: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Access reviews (helpdesk.access): months between reviews, None = from klassa_k and the
    # configuration; when the last one was completed.
    review_interval_months: Mapped[int | None]
    last_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    department = relationship("Department")
    owner = relationship("User", foreign_keys=[owner_id])
    admin = relationship("User", foreign_keys=[admin_id])
    deputy = relationship("User", foreign_keys=[deputy_id])
    support_group = relationship("SupportGroup")
    calendar = relationship("Calendar")

    def __str__(self):
        return self.name
