"""Swedish public holidays and de-facto days off (midsommar-, jul- and nyårsafton)."""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def swedish_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """Days off from the holidays package (PUBLIC and DE_FACTO); weekends come from opening hours."""
    found = holidays.SE(years=range(first_year, last_year + 1), categories=(holidays.PUBLIC, holidays.DE_FACTO))
    return frozenset(found.keys())


def holiday_names(year: int) -> dict[date, str]:
    """Holiday names in Swedish, for the calendar's year view."""
    found = holidays.SE(years=year, categories=(holidays.PUBLIC, holidays.DE_FACTO), language="sv")
    return dict(found.items())


def common_short_days(year: int) -> list[tuple[date, str]]:
    """The eves many kommuner close early on (a local decision, offered as a suggestion)."""
    days = {d: n for d, n in holiday_names(year).items()}
    good_friday = next(d for d, n in days.items() if "Långfredag" in n)
    all_saints = next(d for d, n in days.items() if "Alla helgons dag" in n)
    return [
        (date(year, 1, 5), "Trettondagsafton"),
        (good_friday - timedelta(days=1), "Skärtorsdagen"),
        (date(year, 4, 30), "Valborgsmässoafton"),
        (all_saints - timedelta(days=1), "Allhelgonaafton"),
    ]


class SwedishHolidays:
    """A container of every Swedish day off, loaded a year at a time."""

    def __contains__(self, day) -> bool:
        return day in swedish_holidays(day.year, day.year)
