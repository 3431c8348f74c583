"""Business-time arithmetic on a calendar of opening hours, holidays and exceptions.

Pure functions of their inputs. Times are aware datetimes (UTC in, UTC out);
opening hours are wall-clock minutes of the calendar's zone, so DST changes
are handled by converting each day's wall-clock intervals to UTC.

add and between work on a table built once per calendar (and widened when a
moment falls outside it): every opening interval of a range of days as UTC
microseconds since the epoch, with the business time before each interval.
Business time up to any moment is then a bisection plus a subtraction, exact
in whole microseconds — the SLA engine asks millions of times when a million
tickets are recomputed.
"""

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY = 1440  # minutes
MAX_DAYS = 3 * 366  # a target further away than this is a configuration error
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
TABLE_DAYS = 2 * 366  # days on either side of the first moment asked about


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
        self._first_day = self._end_day = None  # the table covers local days [first, end)
        self._opens: list[int] = []  # interval starts, UTC microseconds, ascending
        self._closes: list[int] = []
        self._before: list[int] = []  # business microseconds before each interval
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

    # The table

    def _cover(self, first: date, end: date) -> None:
        """Make the table cover local days [first, end) at least (rebuilt wider when it grows)."""
        if self._first_day is not None and self._first_day <= first and end <= self._end_day:
            return
        if self._first_day is not None:
            first, end = min(first, self._first_day), max(end, self._end_day)
            width = (self._end_day - self._first_day).days
            first, end = min(first, self._first_day - timedelta(days=width // 2)), \
                max(end, self._end_day + timedelta(days=width // 2))
        opens, closes, before, total = [], [], [], 0
        day = first
        while day < end:
            for o, c in self.intervals_on(day):
                o, c = _micros(o), _micros(c)
                if c > o:
                    opens.append(o)
                    closes.append(c)
                    before.append(total)
                    total += c - o
            day += timedelta(days=1)
        self._first_day, self._end_day = first, end
        self._opens, self._closes, self._before = opens, closes, before
        self._start_us = _micros(datetime.combine(first, time(0), tzinfo=self.tz))
        self._end_us = _micros(datetime.combine(end, time(0), tzinfo=self.tz))

    def _covered(self, us: int, at: datetime) -> None:
        if self._first_day is None or not self._start_us <= us < self._end_us:
            day = self.local_day(at)
            self._cover(day - timedelta(days=TABLE_DAYS), day + timedelta(days=TABLE_DAYS))

    def _business_before(self, us: int) -> int:
        """Business microseconds from the table's start to us (us inside the table)."""
        i = bisect_right(self._opens, us) - 1
        if i < 0:
            return 0
        return self._before[i] + min(us, self._closes[i]) - self._opens[i]

    # Arithmetic

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment duration of business time after start (the earliest, so an interval's end
        rather than the next opening when the time runs out exactly there)."""
        if duration <= timedelta(0):
            return start
        us, wanted = _micros(start), duration // MICROSECOND
        self._covered(us, start)
        # As far as the day walk this replaced went: MAX_DAYS steps of a day or an ordinary week.
        limit = self.local_day(start) + timedelta(days=MAX_DAYS * (7 if self.week_minutes else 1))
        while True:
            target = self._business_before(us) + wanted  # counted from the table's start: after each widening
            i = _first_reaching(self._before, self._opens, self._closes, target)
            if i is not None:
                return EPOCH + timedelta(microseconds=self._opens[i] + target - self._before[i])
            if self._end_day >= limit:
                raise NoWorkingTime(f"no working time within {MAX_DAYS} days")
            self._cover(self._first_day, min(limit, self._end_day + timedelta(days=TABLE_DAYS)))

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Business time from a to b (zero when b is not after a)."""
        if b <= a:
            return timedelta(0)
        ua, ub = _micros(a), _micros(b)
        self._covered(ua, a)
        self._covered(ub, b)
        return timedelta(microseconds=self._business_before(ub) - self._business_before(ua))

    def is_open(self, at: datetime) -> bool:
        return any(opens <= at < closes for opens, closes in self.intervals_on(self.local_day(at)))


def _micros(at: datetime) -> int:
    return (at - EPOCH) // MICROSECOND


def _first_reaching(before, opens, closes, target) -> int | None:
    """The first interval by whose end target business microseconds have run, or None."""
    i = bisect_left(before, target) - 1  # the last interval starting with less than target before it
    if i < 0:
        i = 0
    while i < len(opens):
        if before[i] + closes[i] - opens[i] >= target:
            return i
        i += 1
    return None


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
