"""The agreed availability of a service tier, or of one system (which wins)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class AvailabilityTarget(db.Model):
    """Agreed availability within service hours, in hundredths of a percent (99.5 % = 9950)."""

    __tablename__ = "availability_target"
    __table_args__ = (
        sa.CheckConstraint("(tier IS NULL) <> (system_id IS NULL)", name="tier_or_system"),
        sa.CheckConstraint("basis_points > 0 AND basis_points <= 10000", name="basis_points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    system_id: Mapped[int | None] = mapped_column(sa.ForeignKey("system.id", ondelete="CASCADE"), unique=True)
    basis_points: Mapped[int]

    system = relationship("System")

    @property
    def percent(self) -> float:
        return self.basis_points / 100
