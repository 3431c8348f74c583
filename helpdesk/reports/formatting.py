"""How report values are written for people: Swedish numbers, business hours, month names."""

from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _

from .definitions import AVERAGE, COUNT, DURATION, SHARE, TOTAL

WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)


def month_name(month) -> str:
    """ "oktober 2026" (in the current language)."""
    return format_date(date(month.year, month.month, 1), "LLLL yyyy")


def short_month(month) -> str:
    return format_date(date(month.year, month.month, 1), "LLL yy")


def weekday_name(weekday: int) -> str:
    return format_date(date(2024, 1, 1 + weekday), "EEEE")  # 2024-01-01 was a Monday


def duration(seconds) -> str:
    """Business time as "45 min" or "3 h 20 min"; "–" without data."""
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(m)s min", m=minutes)
    hours, minutes = divmod(minutes, 60)
    return _("%(h)s h %(m)s min", h=format_decimal(hours, "#,##0"), m=minutes)


def percent(value) -> str:
    return "–" if value is None else format_decimal(value, "#,##0.0") + " %"


def number(value) -> str:
    return "–" if value is None else format_decimal(value, "#,##0")


def value_text(figure, value) -> str:
    """A figure's value as shown on the page, in the PDF and in e-mail."""
    if value is None:
        return _("ingen data")
    if figure.kind == COUNT:
        return number(value)
    if figure.kind == SHARE:
        return percent(value.percent)
    if figure.kind in (DURATION, TOTAL):
        return duration(value)
    if figure.kind == AVERAGE:
        return format_decimal(value, "0.0")
    return str(value)
