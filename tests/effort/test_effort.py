"""Logging time and the month's effort and cost per system, förvaltning and organisation."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from helpdesk.catalogue.models import System
from helpdesk.effort import queries, services
from helpdesk.errors import InvalidField
from helpdesk.org.models import SupportGroup
from helpdesk.reports.months import Month
from helpdesk.reports.queries import everything_scope
from helpdesk.tickets.models import Message
from tests import factories

MONTH = Month(2026, 11)


def test_logged_time_is_priced_at_the_groups_rate_when_logged(session, clock, users):
    now = clock.now()
    ticket = factories.ticket(users["anna"], now=now, system_name="Lönesystem")
    services.set_rate(ticket.support_group, 600, now=now)
    entry = services.log_time(ticket, minutes=30, actor=users["per"], now=now)
    services.set_rate(ticket.support_group, 900, now=now)
    assert entry.hourly_cost == 600 and entry.cost == 300


def test_a_note_with_the_time_is_kept_as_an_internal_note(session, clock, users):
    now = clock.now()
    ticket = factories.ticket(users["anna"], now=now)
    entry = services.log_time(ticket, minutes=15, actor=users["erik"], now=now, note="Bytte toner.")
    message = session.get(Message, entry.message_id)
    assert message.kind == "internal" and message.body == "Bytte toner."


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1, None])
def test_minutes_out_of_bounds_are_refused(session, clock, users, minutes):
    ticket = factories.ticket(users["anna"], now=clock.now())
    with pytest.raises(InvalidField):
        services.log_time(ticket, minutes=minutes, actor=users["erik"], now=clock.now())


def test_month_cost_per_forvaltning_equals_the_sum_of_its_drilldown(session, clock, users):
    now = clock.now()
    work = [("Lönesystem", "per", 45), ("Lönesystem", "per", 20), ("Ekonomisystem", "per", 90),
            ("E-post och kalender", "erik", 35), (None, "erik", 10)]
    rates = {}
    for system_name, agent, minutes in work:
        ticket = factories.ticket(users["anna"], now=now, system_name=system_name)
        group = ticket.support_group
        rates.setdefault(group.id, services.set_rate(group, 500 + 100 * len(rates), now=now).hourly_cost)
        services.log_time(ticket, minutes=minutes, actor=users[agent], now=now)
    session.flush()
    scope, end = everything_scope(), now + timedelta(days=1)
    departments = queries.rows(scope, MONTH.start, MONTH.end, "department")
    assert departments
    expected_total = 0
    for row in departments:
        tickets = queries.drilldown(scope, MONTH.start, MONTH.end, "department", row.key)
        assert sum(t.cost_minutes for t in tickets) == row.cost_minutes
        assert round(sum(t.cost_minutes for t in tickets) / 60, 2) == row.cost
        expected_total += row.cost_minutes
    total = queries.total(scope, MONTH.start, MONTH.end)
    assert total.cost_minutes == expected_total
    assert total.minutes == sum(m for _s, _a, m in work)
    # Lönesystem and Ekonomisystem belong to the same förvaltning (KLK), as does the ticket without system
    # (the requester Anna is in SOC, so that one is charged to SOC).
    klk = session.get(System, factories.system("Lönesystem").id).department_id
    klk_row = next(r for r in departments if r.key == klk)
    assert klk_row.minutes == 45 + 20 + 90 + 35
    assert end > now


def test_average_effort_per_ticket_type(session, clock, users):
    now = clock.now()
    for minutes in (30, 90):
        ticket = factories.ticket(users["anna"], now=now)
        services.log_time(ticket, minutes=minutes, actor=users["erik"], now=now)
    (row,) = queries.rows(everything_scope(), MONTH.start, MONTH.end, "type")
    assert row.key == "incident" and row.tickets == 2 and row.average_minutes == 60


def test_department_rows_add_up_to_the_total(session, clock, users):
    now = clock.now()
    for system_name, minutes in (("Lönesystem", 30), (None, 20), ("Intranät", 10)):
        ticket = factories.ticket(users["anna"], now=now, system_name=system_name)
        services.log_time(ticket, minutes=minutes, actor=users["erik"], now=now)
    scope = everything_scope()
    rows = queries.rows(scope, MONTH.start, MONTH.end, "department")
    assert queries.total_of(rows) == queries.total(scope, MONTH.start, MONTH.end)



def test_a_ticket_worked_by_two_groups_counts_once_per_group_and_once_elsewhere(session, clock, users):
    now = clock.now()
    ticket = factories.ticket(users["anna"], now=now, system_name="Lönesystem")
    first = ticket.support_group_id
    services.log_time(ticket, minutes=30, actor=users["per"], now=now)
    services.log_time(ticket, minutes=15, actor=users["per"], now=now)
    ticket.support_group_id = session.scalar(sa.select(SupportGroup.id).where(SupportGroup.id != first).limit(1))
    services.log_time(ticket, minutes=20, actor=users["erik"], now=now)
    session.flush()
    scope = everything_scope()
    tables = queries.tables(scope, MONTH.start, MONTH.end)
    assert {r.key: (r.minutes, r.tickets) for r in tables["group"]} == {first: (45, 1), ticket.support_group_id: (20, 1)}
    for dimension in ("department", "system", "organisation", "type"):
        assert [(r.minutes, r.tickets) for r in tables[dimension]] == [(65, 1)], dimension
    for dimension, rows in tables.items():  # the same figures as one dimension at a time
        assert rows == queries.rows(scope, MONTH.start, MONTH.end, dimension), dimension
    assert queries.total_of(tables["department"]) == queries.total(scope, MONTH.start, MONTH.end)
