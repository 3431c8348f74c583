"""The ticket page's database round trips stay few (issue 13): counted statements, never time.

Each panel added to the page tends to bring its own query, and reference data (groups,
members, the catalogue, calendars) asked for twice is read twice unless the page takes care.
These bounds are what the page needs today; raising one needs a reason.
"""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from helpdesk.extensions import db
from helpdesk.tickets import services
from helpdesk.tickets.models import MessageKind, Status
from tests import factories as f

AGENT_PAGE_MAX = 16
REQUESTER_PAGE_MAX = 3


@contextmanager
def counted():
    """The SQL statements the block sends (savepoints of the test's own transaction left out)."""
    found = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            found.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def worked_ticket(users, clock, session):
    """A ticket as an agent usually finds it: assigned, a conversation, a note, a status change or two."""
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    services.assign(t, users["erik"], actor=users["erik"], now=clock.now())
    for n in range(3):
        clock.advance(minutes=20)
        services.add_reply(t, body=f"Svar {n}", actor=users["erik"], now=clock.now(), staff=True)
        services.add_reply(t, body=f"Anteckning {n}", actor=users["erik"], now=clock.now(), staff=True,
                           kind=MessageKind.INTERNAL)
        services.add_reply(t, body=f"Fråga {n}", actor=users["anna"], now=clock.now(), staff=False)
    services.change_status(t, Status.WAITING_REQUESTER, actor=users["erik"], now=clock.now())
    session.commit()
    return t


def page_statements(client, session, number) -> list[str]:
    session.expunge_all()  # nothing left over from setting up: the request reads what it needs
    with counted() as statements:
        response = client.get(f"/tickets/{number}")
    assert response.status_code == 200
    print(f"{len(statements)} statements")  # shown with pytest -s
    return statements


def test_agent_ticket_page_takes_few_round_trips(client, auth, worked_ticket, session):
    auth.login("erik")
    statements = page_statements(client, session, worked_ticket.id)
    assert len(statements) <= AGENT_PAGE_MAX, "\n".join(statements)


def test_requester_ticket_page_takes_few_round_trips(client, auth, worked_ticket, session):
    auth.login("anna")
    statements = page_statements(client, session, worked_ticket.id)
    assert len(statements) <= REQUESTER_PAGE_MAX, "\n".join(statements)


def test_page_reads_each_reference_table_once(client, auth, worked_ticket, session):
    """Groups, members, systems, calendars and levels are read once however many panels show them."""
    auth.login("erik")
    statements = page_statements(client, session, worked_ticket.id)
    main_tables = [re.search(r"\bFROM\s+(\w+)", s.replace('"', "")) for s in statements]
    main_tables = [m.group(1) for m in main_tables if m]
    for table in ("support_group", "group_member", "system", "calendar", "service_level", "clock_rule",
                  "organisation"):
        assert main_tables.count(table) <= 1, (table, statements)


def test_rare_panels_cost_one_query_when_empty(client, auth, worked_ticket, session):
    """Legal hold, major incident, links, supplier escalations and time entries: one query says the
    ticket has none of them, and none of their rows is read."""
    auth.login("erik")
    statements = page_statements(client, session, worked_ticket.id)
    probes = [s for s in statements if re.match(r"\s*SELECT\s+EXISTS", s)]
    assert len(probes) == 1, statements
    main_tables = [m.group(1) for m in (re.search(r"\bFROM\s+(\w+)", s.replace('"', ""))
                                        for s in statements if s not in probes) if m]
    for table in ("legal_hold", "major_incidents", "major_incident_tickets", "ticket_link", "supplier_escalation",
                  "supplier_message", "time_entry"):
        assert table not in main_tables, (table, statements)
