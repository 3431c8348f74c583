"""Measured availability: outage time within a system's service hours (pure given notices and a calendar).

Counted against the agreed level: unplanned outages of the whole system. A
planned maintenance window is counted apart, except the part that runs past
its announced end, which is an unplanned outage. A partial outage (some
functions work) is counted apart as degraded time, not as down time: how much
of the service was lost is not recorded, and counting it whole or by a guessed
fraction would invent the figure the system owner is held to.
Overlapping notices are counted once.
"""

from dataclasses import dataclass, field
from datetime import timedelta

DOWN, DEGRADED, PLANNED = "down", "degraded", "planned"


@dataclass(frozen=True)
class Interval:
    notice_id: int
    title: str
    start: object
    end: object  # clipped to the period and to now
    kind: str  # DOWN, DEGRADED or PLANNED


@dataclass
class Measured:
    service: timedelta
    down: timedelta = timedelta(0)
    degraded: timedelta = timedelta(0)
    planned: timedelta = timedelta(0)
    intervals: list = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        if not self.service:
            return None
        return 100 * (self.service - self.down) / self.service


def classify(notice, *, start, end, now) -> list[Interval]:
    """The stretches of one notice inside [start, end), each counted as DOWN, DEGRADED or PLANNED."""
    stop = min(notice.ended_at or now, end, now)
    begin = max(notice.starts_at, start)
    if stop <= begin:
        return []
    unplanned = DOWN if notice.extent == "whole" else DEGRADED
    if notice.kind != "planned":
        return [Interval(notice.id, notice.title, begin, stop, unplanned)]
    announced = notice.expected_end_at
    if announced is None or announced >= stop:
        return [Interval(notice.id, notice.title, begin, stop, PLANNED)]
    parts = []
    if announced > begin:
        parts.append(Interval(notice.id, notice.title, begin, announced, PLANNED))
    parts.append(Interval(notice.id, notice.title, max(begin, announced), stop, unplanned))
    return parts


def union_time(intervals, calendar) -> timedelta:
    """Service time covered by the intervals, overlaps counted once."""
    total, current = timedelta(0), None
    for a, b in sorted((i.start, i.end) for i in intervals):
        if current and a <= current[1]:
            current = (current[0], max(current[1], b))
            continue
        if current:
            total += calendar.between(*current)
        current = (a, b)
    if current:
        total += calendar.between(*current)
    return total


def measure(notices, calendar, *, start, end, now) -> Measured:
    """Availability of one system over [start, end) from the notices that concern it."""
    result = Measured(service=calendar.between(start, min(end, max(now, start))))
    intervals = [i for n in notices for i in classify(n, start=start, end=end, now=now)]
    result.intervals = sorted(intervals, key=lambda i: (i.start, i.notice_id))
    down = [i for i in intervals if i.kind == DOWN]
    result.down = union_time(down, calendar)
    result.degraded = union_time([i for i in intervals if i.kind == DEGRADED], calendar)
    result.planned = union_time([i for i in intervals if i.kind == PLANNED], calendar)
    return result
