"""Defects found by trying the desk as its users would (issue 10, "Bugs"); each test failed before its fix."""

import sqlalchemy as sa

from helpdesk.database import unit_of_work
from helpdesk.notifications.models import OutboundMessage
from helpdesk.tickets import services
from tests import factories as f


def mails(session, ticket_id, kind):
    return session.scalars(sa.select(OutboundMessage).where(
        OutboundMessage.ticket_id == ticket_id, OutboundMessage.kind == kind)).all()


def test_assignment_notice_goes_to_the_new_assignee(session, users, clock):
    erik, lena = users["erik"], users["lena"]
    with unit_of_work():
        ticket = f.ticket(users["anna"], now=clock.now())
        services.move_to_group(ticket, f.group("Servicedesk"), actor=erik, now=clock.now())
        services.assign(ticket, erik, actor=erik, now=clock.now())
    assert not mails(session, ticket.id, "assigned")  # taking it oneself sends nothing
    _ = ticket.assignee  # the page had loaded the old assignee
    with unit_of_work():
        services.assign(ticket, lena, actor=erik, now=clock.now())
    sent = mails(session, ticket.id, "assigned")
    assert [m.recipients for m in sent] == [[lena.email]]


def test_first_response_clock_warns_at_75_and_90_percent(users, session, clock):
    from helpdesk.sla.jobs import sla_alerts
    from helpdesk.tickets.models import TicketEvent

    start = clock.now()
    # A critical e-mail fault taken by Erik without answering: first response due in 30 business minutes.
    with unit_of_work():
        ticket = f.ticket(users["anna"], now=start, system_name="E-post och kalender", impact=1, urgency=1)
        services.assign(ticket, users["erik"], actor=users["erik"], now=start)
    due = ticket.first_response_due_at
    assert due is not None
    clock.set(start + (due - start) * 0.8)
    sla_alerts(clock)
    alerted = set(session.scalars(sa.select(TicketEvent.new_value).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "sla_alert")))
    assert "first_response:75" in alerted and "first_response:90" not in alerted
    warning, = mails(session, ticket.id, "sla_warning")
    assert warning.recipients == [users["erik"].email]
    clock.set(start + (due - start) * 0.95)
    sla_alerts(clock)
    assert len(mails(session, ticket.id, "sla_warning")) == 2
