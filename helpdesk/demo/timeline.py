"""When synthetic tickets are created, and how times are written to the database.

Times are whole seconds since the Unix epoch (UTC) while generating; `Stamps`
turns them into the text SQLAlchemy stores for UTCDateTime on SQLite, which
PostgreSQL also reads for its timestamp columns.
"""

import math
from datetime import UTC, date, datetime, timedelta

import holidays

from ..clock import STOCKHOLM

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HOUR = 3600
DAY = 86400

# Relative ticket volume per local hour of a working day.
HOUR_PROFILE = (0.02, 0.01, 0.01, 0.01, 0.01, 0.03, 0.1, 0.5, 1.0, 1.0, 0.9, 0.7,
                0.5, 0.9, 0.9, 0.7, 0.4, 0.15, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02)
DAY_OFF = 0.08  # weekends and public holidays
MONTH_FACTOR = {7: 0.5, 8: 0.9, 12: 0.85}  # summer holidays, Christmas


def seconds(at: datetime) -> int:
    """An aware datetime as whole seconds since the epoch."""
    return int((at - EPOCH).total_seconds())


def utc(s: int) -> datetime:
    """Epoch seconds as an aware UTC datetime."""
    return EPOCH + timedelta(seconds=s)


def db_value(value):
    """A value as the bulk writers store it: datetimes as Stamps' text (with their microseconds),
    booleans as 0/1, anything else unchanged."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, bool):
        return int(value)
    return value


class Stamps:
    """Format epoch seconds as 'YYYY-MM-DD HH:MM:SS.000000' (UTC) from cached date and time parts."""

    def __init__(self):
        self._days: dict = {}
        self._times = [f"{h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60)]

    def __call__(self, s: int | None) -> str | None:
        if s is None:
            return None
        day, rest = divmod(s, DAY)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = (date(1970, 1, 1) + timedelta(days=day)).isoformat() + " "
        return prefix + self._times[rest]


def hourly_weights(start: int, end: int):
    """(hour start, weight) for every hour from start to end, by Stockholm working patterns."""
    first = start - start % HOUR
    years = range(datetime.fromtimestamp(first, UTC).year, datetime.fromtimestamp(end, UTC).year + 1)
    days_off = holidays.country_holidays("SE", years=years)
    span = max(end - first, 1)
    slots = []
    for hour_start in range(first, end, HOUR):
        local = datetime.fromtimestamp(hour_start, STOCKHOLM)
        weight = HOUR_PROFILE[local.hour] * MONTH_FACTOR.get(local.month, 1.0)
        if local.weekday() >= 5 or local.date() in days_off:
            weight *= DAY_OFF
        weight *= 1.0 + 0.25 * (hour_start - first) / span  # the desk grows a little each year
        covered = min(end, hour_start + HOUR) - max(start, hour_start)
        slots.append((max(start, hour_start), covered, weight * covered / HOUR))
    return slots


def creation_times(rng, count: int, start: int, end: int):
    """count ascending creation times between start and end, following hourly_weights."""
    slots = hourly_weights(start, end)
    total = math.fsum(w for _, _, w in slots)
    done, running = 0, 0.0
    for slot_start, length, weight in slots:
        running += weight
        upto = min(count, round(count * running / total))
        n, done = upto - done, upto
        if n > 0:
            yield from sorted(slot_start + int(rng.random() * length) for _ in range(n))
    for _ in range(count - done):  # rounding left-overs
        yield end - 1
