"""Report months: calendar months in Stockholm time, their UTC bounds and their hours."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _

from ..clock import STOCKHOLM
from ..errors import DomainError

MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR = 2000
HOUR = timedelta(hours=1)


class InvalidMonth(DomainError):
    """A month that cannot be reported on (not YYYY-MM, or not begun yet)."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __str__(self):
        return self.key

    @property
    def start(self) -> datetime:
        """Midnight on the 1st in Stockholm, as UTC."""
        return datetime(self.year, self.month, 1, tzinfo=STOCKHOLM).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The start of the next month (the month is [start, end))."""
        return self.shift(1).start

    def shift(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def trend(self, length: int = 12) -> list["Month"]:
        """This month and the length - 1 before it, oldest first."""
        return [self.shift(-i) for i in range(length - 1, -1, -1)]

    def hours(self):
        """Every UTC hour of the month as (utc start, Stockholm local start)."""
        at = self.start
        while at < self.end:
            yield at, at.astimezone(STOCKHOLM)
            at += HOUR

    @classmethod
    def of(cls, at: datetime) -> "Month":
        local = at.astimezone(STOCKHOLM)
        return cls(local.year, local.month)


def parse_month(text: str, *, now: datetime) -> Month:
    """A YYYY-MM that has begun by now (Stockholm time); raises InvalidMonth with the reason."""
    match = MONTH_PATTERN.fullmatch((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidMonth(_("Ange månaden som ÅÅÅÅ-MM, till exempel 2026-10 (fick %(text)s).", text=text))
    month = Month(int(match.group(1)), int(match.group(2)))
    if month.year < FIRST_YEAR:
        raise InvalidMonth(_("Rapporter finns från år %(year)s.", year=FIRST_YEAR))
    if month > Month.of(now):
        raise InvalidMonth(_("Månaden %(month)s har inte börjat än.", month=month.key))
    return month


def hour_ranges(month: Month, *, weekday=None, hour=None) -> list[tuple[datetime, datetime]]:
    """The UTC intervals of the month whose Stockholm weekday (0 Monday) and hour match, merged."""
    ranges = []
    for utc, local in month.hours():
        if (weekday is None or local.weekday() == weekday) and (hour is None or local.hour == hour):
            if ranges and ranges[-1][1] == utc:
                ranges[-1] = (ranges[-1][0], utc + HOUR)
            else:
                ranges.append((utc, utc + HOUR))
    return ranges
