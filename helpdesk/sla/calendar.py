"""Business-time arithmetic on a calendar of opening hours, holidays and exceptions.

Pure functions of their inputs. Times are aware datetimes (UTC in, UTC out);
opening hours are wall-clock minutes of the calendar's zone, so DST changes
are handled by converting each day's wall-clock intervals to UTC. Long spans
skip whole ordinary weeks instead of walking day by day.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY = 1440  # minutes
MAX_DAYS = 3 * 366  # a target further away than this is a configuration error


class NoWorkingTime(ValueError):
    """The calendar never opens, so no due time exists."""


class BusinessCalendar:
    """Opening hours per weekday (0 = Monday) as (start, end) minute pairs, plus exceptions."""

    def __init__(self, *, weekly, exceptions=None, holidays=frozenset(), always_open=False,
                 zone="Europe/Stockholm"):
        self.tz = ZoneInfo(zone)
        self.always_open = always_open
        self.weekly = tuple(tuple(sorted(weekly.get(d, ()))) for d in range(7))
        self.exceptions = {d: tuple(sorted(spans)) for d, spans in (exceptions or {}).items()}
        self.holidays = holidays  # any container of dates (see sla.holidays.SwedishHolidays)
        self.week_minutes = DAY * 7 if always_open else sum(e - s for spans in self.weekly for s, e in spans)
        self._days: dict[date, tuple] = {}
        if self.week_minutes == 0 and not any(self.exceptions.values()):
            raise NoWorkingTime("the calendar has no opening hours")

    # One day

    def spans_on(self, day: date) -> tuple:
        """The day's opening as wall-clock minute pairs."""
        if self.always_open:
            return ((0, DAY),)
        if day in self.exceptions:
            return self.exceptions[day]
        if day in self.holidays:
            return ()
        return self.weekly[day.weekday()]

    def intervals_on(self, day: date) -> tuple:
        """The day's opening as UTC datetime pairs (cached)."""
        found = self._days.get(day)
        if found is None:
            midnight = datetime.combine(day, time(0), tzinfo=self.tz)
            found = tuple((self._utc(midnight, s), self._utc(midnight, e)) for s, e in self.spans_on(day))
            self._days[day] = found
        return found

    @staticmethod
    def _utc(midnight, minutes):
        # Wall-clock arithmetic on the local midnight, then to UTC.
        return (midnight + timedelta(minutes=minutes)).astimezone(UTC)

    def local_day(self, at: datetime) -> date:
        return at.astimezone(self.tz).date()

    def _ordinary_week(self, day: date) -> bool:
        """Seven days from day with weekly hours only and one UTC offset throughout."""
        days = [day + timedelta(days=i) for i in range(8)]
        if any(d in self.exceptions or d in self.holidays for d in days[:7]):
            return False
        first = datetime.combine(days[0], time(0), tzinfo=self.tz).utcoffset()
        last = datetime.combine(days[7], time(0), tzinfo=self.tz).utcoffset()
        return first == last

    # Arithmetic

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment duration of business time after start."""
        if duration <= timedelta(0):
            return start
        remaining = duration
        day = self.local_day(start)
        for _ in range(MAX_DAYS):
            week = timedelta(minutes=self.week_minutes)
            if (self.week_minutes and day > self.local_day(start) and remaining > week
                    and self._ordinary_week(day)):
                remaining -= week
                day += timedelta(days=7)
                continue
            for opens, closes in self.intervals_on(day):
                begin = max(opens, start)
                if closes <= begin:
                    continue
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
            day += timedelta(days=1)
        raise NoWorkingTime(f"no working time within {MAX_DAYS} days")

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Business time from a to b (zero when b is not after a)."""
        total = timedelta(0)
        if b <= a:
            return total
        day, last = self.local_day(a), self.local_day(b)
        while day <= last:
            if day > self.local_day(a) and (last - day).days > 7 and self._ordinary_week(day):
                total += timedelta(minutes=self.week_minutes)
                day += timedelta(days=7)
                continue
            for opens, closes in self.intervals_on(day):
                begin, end = max(opens, a), min(closes, b)
                if end > begin:
                    total += end - begin
            day += timedelta(days=1)
        return total

    def is_open(self, at: datetime) -> bool:
        return any(opens <= at < closes for opens, closes in self.intervals_on(self.local_day(at)))


def parse_spans(text: str) -> tuple:
    """ "08:00-12:00, 13:00-16:30" → ((480, 720), (780, 990)); "" → (). Raises ValueError."""
    spans = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        try:
            start, end = (p.strip() for p in part.split("-"))
            spans.append((_minutes(start), _minutes(end)))
        except ValueError:
            raise ValueError(f"cannot read {part!r}; write e.g. 08:00-16:30") from None
    spans.sort()
    for s, e in spans:
        if e <= s:
            raise ValueError(f"{format_span((s, e))} ends before it starts")
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        if s2 < e1:
            raise ValueError(f"{format_span((s1, e1))} and {format_span((s2, e2))} overlap")
    return tuple(spans)


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not 0 <= value <= DAY or not 0 <= int(minutes or 0) < 60:
        raise ValueError(text)
    return value


def format_span(span) -> str:
    s, e = span
    return f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}"


def format_spans(spans) -> str:
    return ", ".join(format_span(s) for s in spans)
