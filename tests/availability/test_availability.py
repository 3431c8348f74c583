"""Availability per system: outages within service hours against the agreed level."""

from datetime import UTC, datetime, timedelta

from helpdesk.availability import queries
from helpdesk.availability.models import AvailabilityTarget
from helpdesk.outages.models import OutageNotice, OutageNoticeSystem
from helpdesk.reports.months import Month
from helpdesk.reports.queries import everything_scope
from tests import factories
from tests.suppliers.builders import weekday_calendar

FEBRUARY = Month(2026, 2)  # 20 weekdays; 08:00–16:30 gives 170 service hours
AFTER = datetime(2026, 4, 1, tzinfo=UTC)


def notice(session, system, start, hours, *, kind="unplanned", extent="whole", expected_hours=None):
    n = OutageNotice(title="Avbrott", kind=kind, extent=extent, starts_at=start,
                     ended_at=start + timedelta(hours=hours), created_at=start, updated_at=start,
                     expected_end_at=start + timedelta(hours=expected_hours) if expected_hours else None)
    session.add(n)
    session.flush()
    session.add(OutageNoticeSystem(notice_id=n.id, system_id=system.id))
    session.flush()
    return n


def system_with_hours(session):
    system = factories.system("Lönesystem")
    system.calendar_id = weekday_calendar("Lön servicetid", "08:00-16:30", holidays=False).id
    session.add(AvailabilityTarget(system_id=system.id, basis_points=9950))
    session.flush()
    return system


def row_for(system, month=FEBRUARY):
    (row,) = [r for r in queries.month_availability(everything_scope(), month, AFTER) if r.system.id == system.id]
    return row


def test_two_hour_outage_in_170_service_hours_is_98_8_percent_and_flagged(session):
    system = system_with_hours(session)
    notice(session, system, datetime(2026, 2, 10, 9, 0, tzinfo=UTC), 2)  # Tuesday 10:00–12:00 Stockholm
    row = row_for(system)
    assert row.measured.service == timedelta(hours=170)
    assert row.measured.down == timedelta(hours=2)
    assert round(row.percent, 1) == 98.8
    assert row.target_percent == 99.5
    assert row.flagged


def test_outage_outside_service_hours_costs_nothing(session):
    system = system_with_hours(session)
    notice(session, system, datetime(2026, 2, 14, 9, 0, tzinfo=UTC), 5)  # a Saturday
    row = row_for(system)
    assert row.percent == 100 and not row.flagged


def test_planned_maintenance_is_counted_apart_until_it_overruns(session):
    system = system_with_hours(session)
    notice(session, system, datetime(2026, 2, 11, 8, 0, tzinfo=UTC), 3, kind="planned", expected_hours=2)
    row = row_for(system)
    assert row.measured.planned == timedelta(hours=2)
    assert row.measured.down == timedelta(hours=1)  # the overrun


def test_partial_outage_is_degraded_time_not_down_time(session):
    system = system_with_hours(session)
    notice(session, system, datetime(2026, 2, 12, 8, 0, tzinfo=UTC), 2, extent="partial")
    row = row_for(system)
    assert row.measured.degraded == timedelta(hours=2) and row.measured.down == timedelta(0)


def test_overlapping_notices_count_once_and_all_systems_notices_count(session):
    system = system_with_hours(session)
    start = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    notice(session, system, start, 2)
    everywhere = OutageNotice(title="Nätet nere", kind="unplanned", extent="whole", all_systems=True,
                              starts_at=start + timedelta(hours=1), ended_at=start + timedelta(hours=3),
                              created_at=start, updated_at=start)
    session.add(everywhere)
    session.flush()
    assert row_for(system).measured.down == timedelta(hours=3)


def test_tier_target_applies_without_a_system_target_and_trend_has_twelve_months(session):
    session.add(AvailabilityTarget(tier="guld", basis_points=9990))
    session.flush()
    system = factories.system("E-post och kalender")
    row = row_for(system)
    assert row.target_percent == 99.9
    assert len(row.trend) == 12 and row.trend[-1][0] == FEBRUARY
