"""Changing calendars, service levels and clock rules; every change is audited.

Tickets keep a cached copy of their SLA state. These services do not rewrite
it (there may be a million tickets): each change requests a refresh, which the
scheduler's jobs_refresh.refresh_open_tickets carries out (or `helpdesk sla
recompute --open-only` at once).
"""

import re
from datetime import timedelta
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.changes import apply_changes
from ..audit.services import record
from ..catalogue.models import SERVICE_TIERS
from ..errors import InvalidField
from ..extensions import db
from ..org.models import Organisation
from ..org.services import name_taken, reference, saved
from ..tickets.models import Status
from .calendar import BusinessCalendar, NoWorkingTime, format_span, format_spans, parse_spans
from .holidays import common_short_days, swedish_holidays
from .jobs_refresh import request_refresh
from .models import Calendar, CalendarDay, CalendarException, ClockAction, ClockRule, ServiceLevel

WEEKDAYS = range(7)
PRIORITIES = (1, 2, 3, 4)
TARGETS = ("first_response_minutes", "update_minutes", "resolution_minutes")
MAX_TARGET = 1000 * 60  # minutes; far longer targets walk past the engine's search limit
SHORT_DAY_CLOSES = 14 * 60
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?")


# Opening hours

def clean_spans(text: str, field: str) -> str:
    """Opening hours in the stored form ("08:00-12:00, 13:00-16:30"), or InvalidField in Swedish."""
    text = (text or "").strip()
    for dash in "–—−":  # typed or pasted dashes
        text = text.replace(dash, "-")
    text = text.replace(".", ":").replace(";", ",")
    try:
        return format_spans(parse_spans(text))
    except ValueError:
        raise InvalidField(field, _span_problem(text)) from None


def _span_problem(text):
    spans = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            spans.extend(parse_spans(part))
        except ValueError:
            start, dash, end = (p.strip() for p in part.partition("-"))
            if dash and _readable(start) and _readable(end):
                return _("Tiden %(span)s slutar innan den börjar.", span=part)
            return _("Kan inte läsa ”%(part)s”. Skriv tiderna som 08:00-16:30 och skilj flera tider åt med "
                     "kommatecken.", part=part)
    spans.sort()
    for first, second in zip(spans, spans[1:]):
        if second[0] < first[1]:
            return _("Tiderna %(first)s och %(second)s överlappar.", first=format_span(first),
                     second=format_span(second))
    return _("Kan inte läsa öppettiderna. Skriv till exempel 08:00-12:00, 13:00-16:30.")


def _readable(text):
    found = _TIME.fullmatch(text)
    return bool(found) and int(found[2] or 0) < 60 and int(found[1]) * 60 + int(found[2] or 0) <= 24 * 60


def _require_working_time(calendar_values, weekly, exceptions, field):
    """Refuse a calendar that never opens: no due time could ever be computed on it."""
    try:
        BusinessCalendar(weekly={d: parse_spans(s) for d, s in weekly.items()},
                         exceptions={day: parse_spans(s) for day, s in exceptions.items()},
                         always_open=calendar_values["always_open"], zone=calendar_values["zone"])
    except NoWorkingTime:
        raise InvalidField(field, _("Kalendern har ingen arbetstid alls. Ange öppettider för minst en veckodag, "
                                    "välj öppet dygnet runt eller lägg till ett undantag med öppettider.")) from None


def _touch(calendar, now):
    # The arithmetic cache keys on updated_at, so it must change on every save,
    # also when two saves share a timestamp (a frozen clock, the same microsecond).
    old = calendar.updated_at
    calendar.updated_at = now if old is None or now > old else old + timedelta(microseconds=1)


# Calendars

def _check_calendar(values, calendar=None) -> dict:
    """The weekly hours normalised by weekday; InvalidField on the first problem."""
    if name_taken(Calendar, values["name"], exclude=calendar):
        raise InvalidField("name", _("Det finns redan en kalender som heter %(name)s.", name=values["name"]))
    reference(Organisation, values["organisation_id"], "organisation_id",
              current=calendar.organisation_id if calendar else None, required=False)
    if values["zone"] not in available_timezones():
        raise InvalidField("zone", _("Okänd tidszon. Skriv till exempel Europe/Stockholm."))
    weekly = {d: clean_spans(values["weekly"].get(d, ""), f"weekday_{d}") for d in WEEKDAYS}
    exceptions = {e.day: e.spans for e in calendar.exceptions} if calendar else {}
    _require_working_time(values, weekly, exceptions, "weekly")
    return weekly


def _set_weekly(calendar, weekly) -> dict:
    days = {d.weekday: d for d in calendar.days}
    changes = {}
    for weekday, spans in weekly.items():
        day = days.get(weekday)
        if day is None:
            day = CalendarDay(weekday=weekday, spans="")
            calendar.days.append(day)
        if day.spans != spans:
            changes[f"weekday_{weekday}"] = [day.spans, spans]
            day.spans = spans
    return changes


def create_calendar(values: dict, *, actor, now) -> Calendar:
    """A new calendar of service hours."""
    weekly = _check_calendar(values)
    columns = {k: v for k, v in values.items() if k != "weekly"}
    calendar = Calendar(**columns, updated_at=now)
    db.session.add(calendar)
    _set_weekly(calendar, weekly)
    return saved(calendar, None, "calendar", "calendar", actor=actor, now=now)


def update_calendar(calendar, values: dict, *, actor, now) -> Calendar:
    """Change a calendar's name, zone, flags or weekly hours."""
    weekly = _check_calendar(values, calendar)
    changes = apply_changes(calendar, {k: v for k, v in values.items() if k != "weekly"})
    changes.update(_set_weekly(calendar, weekly))
    _touch(calendar, now)
    if changes:
        request_refresh(actor=actor, now=now, reason="calendar_updated")
    return saved(calendar, changes, "calendar", "calendar", actor=actor, now=now)


# Exceptions: short days, klämdagar and closures, extra openings

def _check_exception(calendar, values, exception=None) -> str:
    taken = db.session.scalar(sa.select(CalendarException.id).where(
        CalendarException.calendar_id == calendar.id, CalendarException.day == values["day"]))
    if taken is not None and (exception is None or taken != exception.id):
        raise InvalidField("day", _("Det finns redan ett undantag för %(day)s. Ändra det i stället.",
                                    day=values["day"].isoformat()))
    spans = clean_spans(values["spans"], "spans")
    others = {e.day: e.spans for e in calendar.exceptions if e is not exception}
    _require_working_time(_calendar_values(calendar), _weekly_of(calendar), {**others, values["day"]: spans}, "spans")
    return spans


def _calendar_values(calendar):
    return {"always_open": calendar.always_open, "zone": calendar.zone}


def _weekly_of(calendar):
    return {d.weekday: d.spans for d in calendar.days}


def _exception_audit(action, exception, *, actor, now, **details):
    record(f"calendar_exception_{action}", actor=actor, now=now, object_type="calendar",
           object_id=exception.calendar_id, day=exception.day.isoformat(), **details)
    request_refresh(actor=actor, now=now, reason=f"calendar_exception_{action}")


def add_calendar_exception(calendar, values: dict, *, actor, now) -> CalendarException:
    """Other hours on one date: a short day, a closure ("") or an extra opening."""
    spans = _check_exception(calendar, values)
    exception = CalendarException(day=values["day"], spans=spans, note=values["note"])
    calendar.exceptions.append(exception)
    _touch(calendar, now)
    db.session.flush()
    _exception_audit("added", exception, actor=actor, now=now, spans=spans, note=exception.note)
    return exception


def update_calendar_exception(exception, values: dict, *, actor, now) -> CalendarException:
    """Change the date, hours or note of an exception."""
    calendar = exception.calendar
    spans = _check_exception(calendar, values, exception)
    changes = apply_changes(exception, {"day": values["day"], "spans": spans, "note": values["note"]})
    if changes:
        _touch(calendar, now)
        db.session.flush()
        _exception_audit("updated", exception, actor=actor, now=now, changes=changes)
    return exception


def remove_calendar_exception(exception, *, actor, now) -> None:
    """Remove an exception; the date gets the calendar's ordinary hours again."""
    calendar = exception.calendar
    others = {e.day: e.spans for e in calendar.exceptions if e is not exception}
    _require_working_time(_calendar_values(calendar), _weekly_of(calendar), others, "spans")
    _exception_audit("removed", exception, actor=actor, now=now, spans=exception.spans, note=exception.note)
    calendar.exceptions.remove(exception)
    _touch(calendar, now)
    db.session.flush()


def add_common_short_days(calendar, year: int, *, actor, now) -> list[CalendarException]:
    """The usual eves closing at 14:00, on dates that are open until later and have no exception yet."""
    weekly = {d: parse_spans(s) for d, s in _weekly_of(calendar).items()}
    days_off = swedish_holidays(year, year) if calendar.use_holidays else frozenset()
    existing = {e.day for e in calendar.exceptions}
    added = []
    for day, name in common_short_days(year):
        normal = () if day in days_off else weekly.get(day.weekday(), ())
        if calendar.always_open or day in existing or not normal or normal[-1][1] <= SHORT_DAY_CLOSES:
            continue
        spans = tuple((s, min(e, SHORT_DAY_CLOSES)) for s, e in normal if s < SHORT_DAY_CLOSES)
        exception = CalendarException(day=day, spans=format_spans(spans), note=name)
        calendar.exceptions.append(exception)
        added.append(exception)
    if added:
        _touch(calendar, now)
        db.session.flush()
        record("calendar_short_days_added", actor=actor, now=now, object_type="calendar", object_id=calendar.id,
               year=year, days=[e.day.isoformat() for e in added])
        request_refresh(actor=actor, now=now, reason="calendar_short_days_added")
    return added


# Service levels

def check_warnings(text: str, field: str) -> str:
    """Warning thresholds as stored ("75,90"): whole percentages 1-99, ascending; "" for none."""
    parts = [p.strip().rstrip("%").strip() for p in (text or "").split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise InvalidField(field, _("Skriv procenttal, till exempel 75, 90."))
    numbers = [int(p) for p in parts]
    if any(not 1 <= n <= 99 for n in numbers):
        raise InvalidField(field, _("Varje varning ska vara ett procenttal från 1 till 99."))
    if any(b <= a for a, b in zip(numbers, numbers[1:])):
        raise InvalidField(field, _("Skriv varningarna i stigande ordning, till exempel 75, 90."))
    return ",".join(str(n) for n in numbers)


def check_target(minutes, field: str) -> int:
    if not isinstance(minutes, int) or minutes <= 0:
        raise InvalidField(field, _("Tiden måste vara längre än 0:00."))
    if minutes > MAX_TARGET:
        raise InvalidField(field, _("Högst %(n)s timmar.", n=MAX_TARGET // 60))
    return minutes


def update_service_levels(values: dict, *, actor, now) -> list[ServiceLevel]:
    """Set every tier's targets; values maps (tier, priority) to the targets and "warn_percent"."""
    cleaned = {}
    for (tier, priority), row in values.items():
        if tier not in SERVICE_TIERS or priority not in PRIORITIES:
            raise InvalidField("levels", _("Okänd servicenivå."))
        prefix = f"{tier}_{priority}_"
        cleaned[tier, priority] = {
            **{name: check_target(row[name], prefix + name) for name in TARGETS},
            "warn_percent": check_warnings(row["warn_percent"], prefix + "warn_percent"),
        }
    rows = {(lv.tier, lv.priority): lv for lv in db.session.scalars(sa.select(ServiceLevel))}
    changes = {}
    for key, row in cleaned.items():
        level = rows.get(key)
        if level is None:
            level = rows[key] = ServiceLevel(tier=key[0], priority=key[1], **row)
            db.session.add(level)
            changed = {name: [None, value] for name, value in row.items()}
        else:
            changed = apply_changes(level, row)
        if changed:
            changes[f"{key[0]} {key[1]}"] = changed
    db.session.flush()
    if changes:
        record("service_levels_updated", actor=actor, now=now, object_type="service_level", changes=changes)
        request_refresh(actor=actor, now=now, reason="service_levels_updated")
    return list(rows.values())


# Clock rules

def update_clock_rules(values: dict, *, actor, now) -> list[ClockRule]:
    """Set what each status does to the clocks; values maps status to (first response, resolution)."""
    actions = {a.value for a in ClockAction}
    for status, pair in values.items():
        if status not in {s.value for s in Status}:
            raise InvalidField("rules", _("Okänd status."))
        for name, action in zip(("first_response", "resolution"), pair):
            if action not in actions:
                raise InvalidField(f"{status}_{name}", _("Välj går, pausas eller stoppas."))
    rows = {r.status: r for r in db.session.scalars(sa.select(ClockRule))}
    changes = {}
    for status, (first_response, resolution) in values.items():
        rule = rows.get(status)
        if rule is None:
            rule = rows[status] = ClockRule(status=status, first_response="", resolution="")
            db.session.add(rule)
        old = [rule.first_response, rule.resolution]
        if old != [first_response, resolution]:
            changes[status] = [old, [first_response, resolution]]
            rule.first_response, rule.resolution = first_response, resolution
    db.session.flush()
    if changes:
        record("clock_rules_updated", actor=actor, now=now, object_type="clock_rule", changes=changes)
        request_refresh(actor=actor, now=now, reason="clock_rules_updated")
    return list(rows.values())
