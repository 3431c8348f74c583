"""Business-time arithmetic: exact, DST-safe, and the same as a minute-by-minute walk."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.sla.calendar import BusinessCalendar, NoWorkingTime, parse_spans
from helpdesk.sla.holidays import swedish_holidays



@pytest.fixture(autouse=True)
def session():
    """Pure arithmetic: no database, so no run per database."""
    yield None


WEEKDAYS = {d: ((480, 990),) for d in range(5)}  # 08:00-16:30, Monday-Friday
HOLIDAYS = swedish_holidays(2025, 2028)
OFFICE = BusinessCalendar(weekly=WEEKDAYS, holidays=HOLIDAYS,
                          exceptions={date(2026, 4, 2): ((480, 840),)})  # Skärtorsdagen closes 14:00
SPLIT = BusinessCalendar(weekly={d: ((480, 720), (780, 990)) for d in range(5)}, holidays=HOLIDAYS)
ALWAYS = BusinessCalendar(weekly={}, always_open=True)
CALENDARS = [OFFICE, SPLIT, ALWAYS]


def at(*args):
    """Stockholm wall time as UTC."""
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)


def test_maundy_thursday_short_day_and_easter():
    # Reported 16:50 on Skärtorsdagen (closed at 14:00); Good Friday, the weekend and
    # Easter Monday are closed: 4 hours run from Tuesday 08:00.
    assert OFFICE.add(at(2026, 4, 2, 16, 50), timedelta(hours=4)) == at(2026, 4, 7, 12, 0)
    assert OFFICE.add(at(2026, 4, 2, 12, 0), timedelta(hours=4)) == at(2026, 4, 7, 10, 0)


def test_midsummer_christmas_and_new_year_eves_are_closed():
    assert OFFICE.between(at(2026, 6, 19, 0, 0), at(2026, 6, 20, 0, 0)) == timedelta(0)
    assert OFFICE.between(at(2026, 12, 24, 0, 0), at(2026, 12, 25, 0, 0)) == timedelta(0)
    assert OFFICE.between(at(2026, 12, 31, 0, 0), at(2027, 1, 1, 0, 0)) == timedelta(0)


def test_always_open_calendar_counts_real_hours_across_dst():
    # Spring forward 2026-03-29: the local day has 23 hours.
    assert ALWAYS.between(at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0)) == timedelta(hours=23)
    assert ALWAYS.between(at(2026, 10, 25, 0, 0), at(2026, 10, 26, 0, 0)) == timedelta(hours=25)


def test_long_span_is_exact():
    # 2026: 251 working days × 8.5 h, less 2.5 h for the short Skärtorsdagen.
    whole_year = OFFICE.between(at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0))
    working_days = sum(1 for i in range(365) if (date(2026, 1, 1) + timedelta(days=i)).weekday() < 5
                       and (date(2026, 1, 1) + timedelta(days=i)) not in HOLIDAYS)
    assert whole_year == timedelta(minutes=working_days * 510 - 150)


def test_calendar_without_opening_hours_is_refused():
    with pytest.raises(NoWorkingTime):
        BusinessCalendar(weekly={})


@pytest.mark.parametrize("text, error", [("08:00-07:00", "before"), ("08:00-12:00, 11:00-13:00", "overlap"),
                                         ("8-", "cannot read"), ("25:00-26:00", "cannot read")])
def test_bad_opening_hours_are_refused(text, error):
    with pytest.raises(ValueError, match=error):
        parse_spans(text)


def naive_between(calendar, a, b):
    total, t = timedelta(0), a
    while t < b:
        if calendar.is_open(t):
            total += timedelta(minutes=1)
        t += timedelta(minutes=1)
    return total


moments = st.datetimes(min_value=datetime(2026, 3, 20), max_value=datetime(2026, 11, 10)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC))
spans = st.integers(min_value=0, max_value=60 * 24 * 40).map(lambda m: timedelta(minutes=m))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CALENDARS), moments, spans)
def test_between_of_add_is_the_duration(calendar, a, d):
    assert calendar.between(a, calendar.add(a, d)) == d


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CALENDARS), moments, spans, spans)
def test_add_is_monotone_and_additive(calendar, a, d1, d2):
    small, large = sorted((d1, d2))
    assert calendar.add(a, small) <= calendar.add(a, large)
    assert calendar.add(calendar.add(a, d1), d2) == calendar.add(a, d1 + d2)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CALENDARS), moments, spans, spans)
def test_between_is_additive(calendar, a, d1, d2):
    b, c = a + d1, a + d1 + d2
    assert calendar.between(a, b) + calendar.between(b, c) == calendar.between(a, c)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(CALENDARS), moments, st.integers(min_value=0, max_value=60 * 24 * 5))
def test_matches_a_minute_by_minute_walk(calendar, a, minutes):
    b = a + timedelta(minutes=minutes)
    assert calendar.between(a, b) == naive_between(calendar, a, b)


@pytest.mark.parametrize("make", [
    lambda: BusinessCalendar(weekly=WEEKDAYS, holidays=HOLIDAYS),
    lambda: BusinessCalendar(weekly={}, always_open=True),
])
def test_answers_do_not_depend_on_what_was_asked_before(make):
    # The arithmetic table is built around the first moment asked about and widened later.
    moments = [at(2026, 6, 1, 9), at(2019, 1, 2, 10), at(2033, 12, 30, 15), at(2026, 10, 25, 1)]
    fresh = {m: (make().between(moments[0], m) if m > moments[0] else make().between(m, moments[0]),
                 make().add(m, timedelta(hours=30))) for m in moments}
    used = make()
    for m in moments:
        assert (used.between(moments[0], m) if m > moments[0] else used.between(m, moments[0]),
                used.add(m, timedelta(hours=30))) == fresh[m]


def test_add_ends_at_closing_time_when_the_time_runs_out_there():
    assert OFFICE.add(at(2026, 11, 18, 15, 0), timedelta(minutes=90)) == at(2026, 11, 18, 16, 30)
    assert OFFICE.add(at(2026, 11, 18, 15, 0), timedelta(minutes=91)) == at(2026, 11, 19, 8, 1)
    assert OFFICE.between(at(2026, 11, 18, 15, 0, 0, 250), at(2026, 11, 18, 15, 0, 1)) == timedelta(
        microseconds=999750)
