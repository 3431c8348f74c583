"""Calendars, service levels and clock rules: the data the SLA engine works from."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class Calendar(db.Model):
    """Service hours: weekly opening, Swedish days off, local exceptions."""

    __tablename__ = "calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    zone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Stockholm")
    always_open: Mapped[bool] = mapped_column(default=False)
    use_holidays: Mapped[bool] = mapped_column(default=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # invalidates cached arithmetic

    organisation = relationship("Organisation", foreign_keys=[organisation_id])
    days: Mapped[list["CalendarDay"]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan", order_by="CalendarDay.weekday")
    exceptions: Mapped[list["CalendarException"]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan", order_by="CalendarException.day")

    def __str__(self):
        return self.name


class CalendarDay(db.Model):
    """Opening hours of one weekday (0 Monday … 6 Sunday), e.g. "08:00-12:00, 13:00-16:30"."""

    __tablename__ = "calendar_day"

    calendar_id: Mapped[int] = mapped_column(sa.ForeignKey("calendar.id", ondelete="CASCADE"), primary_key=True)
    weekday: Mapped[int] = mapped_column(primary_key=True)
    spans: Mapped[str] = mapped_column(sa.String(200), default="")

    calendar: Mapped[Calendar] = relationship(back_populates="days")


class CalendarException(db.Model):
    """One date with other hours: a short day, a klämdag, a closure ("") or an extra opening."""

    __tablename__ = "calendar_exception"
    __table_args__ = (sa.UniqueConstraint("calendar_id", "day", name="uq_calendar_exception_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(sa.ForeignKey("calendar.id", ondelete="CASCADE"))
    day: Mapped[date]
    spans: Mapped[str] = mapped_column(sa.String(200), default="")
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    calendar: Mapped[Calendar] = relationship(back_populates="exceptions")


class ServiceLevel(db.Model):
    """Targets for one service tier and priority, in business minutes of the calendar."""

    __tablename__ = "service_level"
    __table_args__ = (sa.UniqueConstraint("tier", "priority", name="uq_service_level_tier_priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[str] = mapped_column(sa.String(16))
    priority: Mapped[int]
    first_response_minutes: Mapped[int]
    update_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    warn_percent: Mapped[str] = mapped_column(sa.String(40), default="75,90")


class ClockAction(StrEnum):
    RUN = "run"
    PAUSE = "pause"
    STOP = "stop"


class ClockRule(db.Model):
    """What each status does to the first-response and resolution clocks."""

    __tablename__ = "clock_rule"

    status: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    first_response: Mapped[str] = mapped_column(sa.String(8))
    resolution: Mapped[str] = mapped_column(sa.String(8))


DEFAULT_CLOCK_RULES = {
    # status: (first response, resolution)
    "new": ("run", "run"),
    "open": ("run", "run"),
    "waiting_requester": ("pause", "pause"),
    "waiting_supplier": ("run", "pause"),
    "solved": ("stop", "stop"),
    "closed": ("stop", "stop"),
}

# Göteborgs Stad's published fix times (REGULATION.md) as the demo's resolution targets;
# priority 1 critical .. 4 low, hours of business time.
DEFAULT_LEVELS = {
    "guld": {1: (30, 120, 4 * 60), 2: (60, 240, 6 * 60), 3: (120, 480, 12 * 60), 4: (240, 960, 24 * 60)},
    "silver": {1: (60, 120, 6 * 60), 2: (120, 480, 12 * 60), 3: (240, 960, 24 * 60), 4: (480, 1440, 40 * 60)},
    "brons": {1: (120, 240, 12 * 60), 2: (240, 960, 24 * 60), 3: (480, 1440, 40 * 60), 4: (960, 2880, 80 * 60)},
}


class SlaRefresh(db.Model):
    """A request to bring open tickets' SLA times up to date after a calendar, service-level or
    clock-rule change, and the scheduler's progress on it (shown on the SLA admin pages)."""

    __tablename__ = "sla_refresh"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    total: Mapped[int] = mapped_column(default=0)  # open tickets when the run started
    done: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
