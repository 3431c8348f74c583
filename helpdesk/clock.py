"""The one source of time. Everything else asks the app's clock."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to (tests, simulations)."""

    def __init__(self, at: datetime):
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, **kwargs) -> datetime:
        self._at += timedelta(**kwargs)
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)


def configured_clock(config):
    """The wall clock, or a FrozenClock at FROZEN_NOW (ISO time, UTC if no zone) when that test aid is set."""
    frozen = config.get("FROZEN_NOW")
    if not frozen:
        return SystemClock()
    at = frozen if isinstance(frozen, datetime) else datetime.fromisoformat(str(frozen))
    return FrozenClock(at if at.tzinfo else at.replace(tzinfo=UTC))


def get_clock():
    """The clock of the current app."""
    return current_app.extensions["helpdesk.clock"]


def utcnow() -> datetime:
    """Now, from the current app's clock."""
    return get_clock().now()


def local(at: datetime) -> datetime:
    """A stored UTC time shown in Stockholm time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(STOCKHOLM)
