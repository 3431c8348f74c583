"""A calendar's year day by day, as the administration's year view shows it."""

import calendar as months
from dataclasses import dataclass
from datetime import date

from .calendar import DAY, format_spans, parse_spans
from .holidays import holiday_names

OPEN, SHORT, EXTRA, CLOSED = "open", "short", "extra", "closed"


@dataclass(frozen=True)
class Day:
    day: date
    state: str  # OPEN, SHORT (fewer hours than usual), EXTRA (more hours or normally closed), CLOSED
    hours: str  # "08:00-14:00"; "" when closed
    holiday: str  # the day off's Swedish name, when the calendar follows Swedish days off
    note: str  # the exception's note
    is_exception: bool


@dataclass(frozen=True)
class Month:
    number: int
    weeks: list  # weeks Monday first, each seven Day or None (a day of another month)
    special: list  # the month's days off and exceptions, for the list under the grid


def _minutes(spans):
    return sum(e - s for s, e in spans)


def day_of(calendar, day: date, weekly: dict, exceptions: dict, names: dict) -> Day:
    """One date's opening, the way the engine's BusinessCalendar.spans_on decides it."""
    holiday = names.get(day, "") if calendar.use_holidays else ""
    if calendar.always_open:
        return Day(day, OPEN, format_spans(((0, DAY),)), holiday, "", False)
    normal = () if holiday else weekly.get(day.weekday(), ())
    exception = exceptions.get(day)
    if exception is None:
        return Day(day, OPEN if normal else CLOSED, format_spans(normal), holiday, "", False)
    spans = parse_spans(exception.spans)
    if not spans:
        state = CLOSED
    elif _minutes(spans) < _minutes(normal):
        state = SHORT
    elif _minutes(spans) > _minutes(normal):
        state = EXTRA
    else:
        state = OPEN
    return Day(day, state, format_spans(spans), holiday, exception.note, True)


def year_of(calendar, year: int) -> list[Month]:
    """Twelve months of Monday-first weeks with each day's opening."""
    weekly = {d.weekday: parse_spans(d.spans) for d in calendar.days}
    exceptions = {e.day: e for e in calendar.exceptions if e.day.year == year}
    names = holiday_names(year)
    result = []
    for number in range(1, 13):
        weeks = [[day_of(calendar, d, weekly, exceptions, names) if d.month == number else None for d in week]
                 for week in months.Calendar(firstweekday=0).monthdatescalendar(year, number)]
        special = [d for week in weeks for d in week if d is not None and (d.holiday or d.is_exception)]
        result.append(Month(number, weeks, special))
    return result


def week_groups(calendar) -> list[tuple[int, int, str]]:
    """Runs of weekdays with the same hours, closed days left out: [(0, 4, "08:00-16:30")]."""
    hours = {d.weekday: d.spans for d in calendar.days}
    groups = []
    for weekday in range(7):
        spans = hours.get(weekday, "")
        if groups and groups[-1][1] == weekday - 1 and groups[-1][2] == spans:
            groups[-1] = (groups[-1][0], weekday, spans)
        elif spans:
            groups.append((weekday, weekday, spans))
    return groups
