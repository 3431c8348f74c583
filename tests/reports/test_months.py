"""Report months: parsing, Stockholm bounds across summer time, hour ranges."""

from datetime import UTC, datetime

import pytest

from helpdesk.reports.months import InvalidMonth, Month, hour_ranges, parse_month

NOW = datetime(2026, 11, 18, 8, tzinfo=UTC)


def test_parse_accepts_begun_months(app):
    with app.test_request_context():
        assert parse_month("2026-10", now=NOW) == Month(2026, 10)
        assert parse_month(" 2026-11 ", now=NOW) == Month(2026, 11)  # the month in progress
        assert parse_month("2000-01", now=NOW) == Month(2000, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "abc", "", "2026-1", "202610", "2026-10-01", "2026-12",
                                  "1999-12"])
def test_parse_refuses_the_rest(app, text):
    with app.test_request_context(), pytest.raises(InvalidMonth) as raised:
        parse_month(text, now=NOW)
    assert raised.value.message


def test_the_month_turns_at_midnight_in_stockholm(app):
    # Summer time: midnight is 22:00 UTC the day before; winter time: 23:00.
    assert Month(2026, 10).start == datetime(2026, 9, 30, 22, tzinfo=UTC)
    assert Month(2026, 10).end == datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert Month(2026, 12).shift(1) == Month(2027, 1) and Month(2027, 1).shift(-13) == Month(2025, 12)
    assert Month.of(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == Month(2026, 11)
    assert [m.key for m in Month(2026, 2).trend(3)] == ["2025-12", "2026-01", "2026-02"]


def test_october_has_745_hours_and_march_743(app):
    assert len(list(Month(2026, 10).hours())) == 31 * 24 + 1
    assert len(list(Month(2026, 3).hours())) == 31 * 24 - 1


def test_hour_ranges_follow_local_time(app):
    # Monday 12:00 local in October 2026: the 5th, 12th, 19th (summer time) and the 26th (winter time).
    assert hour_ranges(Month(2026, 10), weekday=0, hour=12) == [
        (datetime(2026, 10, d, h, tzinfo=UTC), datetime(2026, 10, d, h + 1, tzinfo=UTC))
        for d, h in ((5, 10), (12, 10), (19, 10), (26, 11))]
    # The autumn night has two local hours 02:00; both belong to Sunday the 25th.
    assert hour_ranges(Month(2026, 10), weekday=6, hour=2)[-1] == (
        datetime(2026, 10, 25, 0, tzinfo=UTC), datetime(2026, 10, 25, 2, tzinfo=UTC))
    weekdays = hour_ranges(Month(2026, 10), weekday=3)  # Thursdays: the 1st, 8th, 15th, 22nd, 29th
    assert len(weekdays) == 5 and all((end - start).total_seconds() == 86400 for start, end in weekdays)
