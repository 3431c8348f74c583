"""Rules for changing calendars, service levels and clock rules, the year view, and refreshing open tickets."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from helpdesk.errors import InvalidField
from helpdesk.sla import admin
from helpdesk.sla.jobs_refresh import refresh_open_tickets
from helpdesk.sla.models import Calendar, ClockRule, ServiceLevel
from helpdesk.sla.services import business_calendar
from helpdesk.sla.year import CLOSED, EXTRA, OPEN, SHORT, week_groups, year_of
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Status
from tests import factories as f


def local(*args):
    return datetime(*args, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)


def office(session):
    return session.scalar(sa.select(Calendar).where(Calendar.name == "Kontorstid vardagar 08:00-16:30"))


def calendar_values(**overrides):
    values = {"name": "Växeln", "organisation_id": None, "zone": "Europe/Stockholm", "always_open": False,
              "use_holidays": True, "is_active": True, "weekly": dict.fromkeys(range(5), "08:00-16:30")}
    values.update(overrides)
    return values


def levels(session):
    return {(lv.tier, lv.priority): {"first_response_minutes": lv.first_response_minutes,
                                     "update_minutes": lv.update_minutes,
                                     "resolution_minutes": lv.resolution_minutes, "warn_percent": lv.warn_percent}
            for lv in session.scalars(sa.select(ServiceLevel))}


# Opening hours

@pytest.mark.parametrize("text, stored", [
    ("08:00-16:30", "08:00-16:30"),
    ("13:00–16:30, 8-12", "08:00-12:00, 13:00-16:30"),
    ("08.00 - 12.00; 13.00-16.30", "08:00-12:00, 13:00-16:30"),
    ("", ""),
    ("00:00-24:00", "00:00-24:00"),
])
def test_opening_hours_are_normalised(text, stored):
    assert admin.clean_spans(text, "weekday_0") == stored


@pytest.mark.parametrize("text, message", [
    ("08:00-12:00, 11:30-13:00", "Tiderna 08:00-12:00 och 11:30-13:00 överlappar."),
    ("12:00-12:00", "Tiden 12:00-12:00 slutar innan den börjar."),
    ("08:00", "Kan inte läsa ”08:00”."),
    ("08:61-09:00", "Kan inte läsa ”08:61-09:00”."),
])
def test_bad_opening_hours_have_swedish_messages(text, message):
    with pytest.raises(InvalidField) as error:
        admin.clean_spans(text, "weekday_3")
    assert error.value.field == "weekday_3" and error.value.message.startswith(message)


# Calendars

def test_calendar_edit_invalidates_the_cached_arithmetic_even_at_the_same_moment(session, users, clock):
    cal = office(session)
    before = business_calendar(cal)
    values = calendar_values(name=cal.name, weekly=dict.fromkeys(range(5), "08:00-12:00"))
    admin.update_calendar(cal, values, actor=users["admin"], now=cal.updated_at)  # a frozen clock
    after = business_calendar(cal)
    assert after is not before
    assert after.between(local(2026, 11, 18, 0, 0), local(2026, 11, 19, 0, 0)) == timedelta(hours=4)


def test_calendar_that_never_opens_is_refused_and_nothing_changes(session, users, clock):
    with pytest.raises(InvalidField) as error:
        admin.create_calendar(calendar_values(weekly={}), actor=users["admin"], now=clock.now())
    assert error.value.field == "weekly" and "ingen arbetstid" in error.value.message
    # An exception with hours is working time: a calendar only open on certain dates.
    cal = admin.create_calendar(calendar_values(always_open=True, weekly={}), actor=users["admin"], now=clock.now())
    admin.add_calendar_exception(cal, {"day": date(2026, 12, 1), "spans": "10:00-12:00", "note": "Mässa"},
                                 actor=users["admin"], now=clock.now())
    admin.update_calendar(cal, calendar_values(always_open=False, weekly={}), actor=users["admin"], now=clock.now())
    with pytest.raises(InvalidField) as error:
        admin.remove_calendar_exception(cal.exceptions[0], actor=users["admin"], now=clock.now())
    assert "ingen arbetstid" in error.value.message
    with pytest.raises(InvalidField):
        admin.update_calendar_exception(cal.exceptions[0], {"day": date(2026, 12, 1), "spans": "", "note": ""},
                                        actor=users["admin"], now=clock.now())


def test_exception_on_a_taken_date_is_refused(session, users, clock):
    cal = office(session)
    with pytest.raises(InvalidField) as error:
        admin.add_calendar_exception(cal, {"day": date(2026, 4, 2), "spans": "", "note": ""},
                                     actor=users["admin"], now=clock.now())
    assert error.value.field == "day"


def test_short_days_keep_the_lunch_break_and_skip_closed_and_taken_days(session, users, clock):
    cal = admin.create_calendar(calendar_values(weekly=dict.fromkeys(range(5), "08:00-12:00, 13:00-16:30")),
                                actor=users["admin"], now=clock.now())
    added = admin.add_common_short_days(cal, 2028, actor=users["admin"], now=clock.now())
    assert [(e.day, e.spans) for e in added] == [
        (date(2028, 1, 5), "08:00-12:00, 13:00-14:00"), (date(2028, 4, 13), "08:00-12:00, 13:00-14:00"),
        (date(2028, 11, 3), "08:00-12:00, 13:00-14:00")]  # Valborgsmässoafton 2028 is a Sunday
    assert admin.add_common_short_days(cal, 2028, actor=users["admin"], now=clock.now()) == []
    always = session.scalar(sa.select(Calendar).where(Calendar.always_open))
    assert admin.add_common_short_days(always, 2028, actor=users["admin"], now=clock.now()) == []


# The year view

def test_year_view_states(session, users, clock):
    cal = office(session)
    for day, spans, note in [(date(2026, 5, 15), "", "Klämdag"),
                             (date(2026, 6, 6), "10:00-14:00", "Nationaldagsfirande")]:
        admin.add_calendar_exception(cal, {"day": day, "spans": spans, "note": note},
                                     actor=users["admin"], now=clock.now())
    days = {d.day: d for month in year_of(cal, 2026) for week in month.weeks for d in week if d}
    assert len(days) == 365
    assert (days[date(2026, 6, 19)].state, days[date(2026, 6, 19)].holiday) == (CLOSED, "Midsommarafton")
    assert (days[date(2026, 4, 2)].state, days[date(2026, 4, 2)].hours) == (SHORT, "08:00-14:00")
    assert (days[date(2026, 5, 15)].state, days[date(2026, 5, 15)].note) == (CLOSED, "Klämdag")
    assert days[date(2026, 6, 6)].state == EXTRA  # a Saturday and Nationaldagen, opened anyway
    assert (days[date(2026, 6, 17)].state, days[date(2026, 6, 17)].hours) == (OPEN, "08:00-16:30")
    assert days[date(2026, 6, 20)].state == CLOSED and days[date(2026, 6, 21)].holiday == ""
    january = year_of(cal, 2026)[0]
    assert all(len(week) == 7 for week in january.weeks)
    assert january.weeks[0][:3] == [None] * 3 and january.weeks[0][3].day == date(2026, 1, 1)  # a Thursday
    assert week_groups(cal) == [(0, 4, "08:00-16:30")]


# Service levels and clock rules

def test_service_levels_are_refused_whole(session, users, clock):
    values = levels(session)
    values["guld", 1] = dict(values["guld", 1], resolution_minutes=600)
    values["brons", 4] = dict(values["brons", 4], first_response_minutes=0)
    with pytest.raises(InvalidField) as error:
        admin.update_service_levels(values, actor=users["admin"], now=clock.now())
    assert error.value.field == "brons_4_first_response_minutes"
    assert levels(session)["guld", 1]["resolution_minutes"] == 240
    values["brons", 4] = dict(values["brons", 4], first_response_minutes=60, warn_percent="90,75")
    with pytest.raises(InvalidField) as error:
        admin.update_service_levels(values, actor=users["admin"], now=clock.now())
    assert error.value.field == "brons_4_warn_percent"


def test_unknown_clock_action_is_refused(session, users, clock):
    with pytest.raises(InvalidField) as error:
        admin.update_clock_rules({"open": ("run", "sprint")}, actor=users["admin"], now=clock.now())
    assert error.value.field == "open_resolution"
    assert session.get(ClockRule, "open").resolution == "run"


def test_refresh_job_brings_open_tickets_up_to_date(session, users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    done = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    tickets.change_status(done, Status.SOLVED, actor=users["erik"], now=clock.now())
    values = levels(session)
    values["guld", 3] = dict(values["guld", 3], resolution_minutes=20 * 60)
    admin.update_service_levels(values, actor=users["admin"], now=clock.now())
    assert t.resolution_due_at == local(2026, 11, 19, 12, 30)
    assert refresh_open_tickets(clock) >= 1
    session.refresh(t)
    assert t.resolution_due_at == local(2026, 11, 20, 12, 0)
    assert refresh_open_tickets(clock) == 0
