"""The SLA alerts job: warnings and breaches recorded once, mailed to the right people, cache moved on."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from helpdesk.notifications.models import OutboundMessage
from helpdesk.scheduler import job_table
from helpdesk.sla.jobs import due_tickets, sla_alerts
from helpdesk.sla.recompute import recompute
from helpdesk.tickets import services
from helpdesk.tickets.models import Status, TicketEvent
from tests import factories as f


def local(*args):
    return datetime(*args, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)


def events(session, ticket, kind="sla_alert"):
    return session.scalars(sa.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == kind).order_by(TicketEvent.id)).all()


def alerts(session, ticket):
    return sorted(e.new_value for e in events(session, ticket))


def mails(session, ticket, kind):
    """(recipients, subject, text) of the ticket's outbox rows of one kind."""
    rows = session.scalars(sa.select(OutboundMessage).where(
        OutboundMessage.ticket_id == ticket.id, OutboundMessage.kind == kind).order_by(OutboundMessage.id))
    return [(r.recipients, r.subject, r.body_text) for r in rows]


def recipients(session, ticket, kind):
    return sorted(a for to, _subject, _text in mails(session, ticket, kind) for a in to)


@pytest.fixture
def mail_ticket(users, clock, session):
    """A critical e-mail fault at 09:00 on a Wednesday, taken by Erik: first response due 09:30, solution 13:00."""
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", impact=1, urgency=1)
    services.assign(t, users["erik"], actor=users["erik"], now=clock.now())
    session.commit()
    return t


def test_warning_goes_to_the_assignee_and_a_breach_to_the_lead_once(mail_ticket, session, clock):
    clock.set(local(2026, 11, 18, 12, 1))  # 75 % of the four hours has passed, and the 30 minutes
    assert sla_alerts(clock) >= 2
    assert alerts(session, mail_ticket) == ["first_response:100", "first_response:75", "first_response:90", "resolution:75"]
    assert recipients(session, mail_ticket, "sla_warning") == ["erik@exempelby.se"]
    # Lena leads the service desk and administers the system: one mail, not two.
    assert recipients(session, mail_ticket, "sla_breach") == ["lena@exempelby.se"]
    (_to, subject, text), = mails(session, mail_ticket, "sla_warning")
    assert "75 %" in subject and "lösning" in subject and "2026-11-18 13:00" in text
    assert mail_ticket.sla_next_alert_at == local(2026, 11, 18, 12, 36)  # 90 %, the next unsent alert


def test_running_again_at_the_same_moment_sends_nothing(mail_ticket, session, clock):
    clock.set(local(2026, 11, 18, 12, 1))
    sla_alerts(clock)
    before = session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage))
    assert sla_alerts(clock) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)) == before
    assert alerts(session, mail_ticket) == ["first_response:100", "first_response:75", "first_response:90", "resolution:75"]


def test_each_alert_is_sent_as_its_moment_comes_and_history_agrees(mail_ticket, session, clock):
    for hour, minute, expected in [(12, 1, "resolution:75"), (12, 37, "resolution:90"), (13, 1, "resolution:100")]:
        clock.set(local(2026, 11, 18, hour, minute))
        sla_alerts(clock)
        assert expected in alerts(session, mail_ticket)
    assert alerts(session, mail_ticket) == ["first_response:100", "first_response:75", "first_response:90",
                                           "resolution:100", "resolution:75", "resolution:90"]
    assert mail_ticket.sla_next_alert_at is None
    assert len(mails(session, mail_ticket, "sla_warning")) == 2
    assert recompute(now=clock.now(), check=True)["differences"] == 0


def test_breach_records_clock_and_due_time_and_goes_to_leads_and_system_admin(users, session, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="Verksamhetssystem socialtjänst", impact=1, urgency=1)
    session.commit()
    clock.advance(days=2)
    sla_alerts(clock)
    # The warnings that were missed meanwhile are history, but only the breaches are mailed.
    assert alerts(session, t) == ["first_response:100", "first_response:75", "first_response:90",
                                 "resolution:100", "resolution:75", "resolution:90"]
    assert mails(session, t, "sla_warning") == []
    assert recipients(session, t, "sla_breach") == ["olle@exempelby.se", "olle@exempelby.se",
                                                    "sara@exempelby.se", "sara@exempelby.se"]
    reasons = {e.new_value: json.loads(e.reason) for e in events(session, t, "sla_breach")}
    assert reasons == {
        "first_response": {"clock": "first_response", "due_at": local(2026, 11, 18, 9, 30).isoformat()},
        "resolution": {"clock": "resolution", "due_at": local(2026, 11, 18, 13, 0).isoformat()},
    }
    assert t.sla_next_alert_at is None


def test_unassigned_warning_goes_to_the_group_address(users, session, clock):
    t = f.ticket(users["fatima"], now=clock.now(), system_name="Lönesystem", impact=1, urgency=1)  # silver: 6 h
    session.commit()
    clock.set(local(2026, 11, 18, 13, 31))
    sla_alerts(clock)
    assert recipients(session, t, "sla_warning") == ["ekonomisystem@exempelby.se"]
    assert recipients(session, t, "sla_breach") == ["per@exempelby.se"]  # lead and administrator


def test_unassigned_warning_goes_to_every_member_when_the_group_address_is_our_own(users, session, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", impact=1, urgency=1)
    session.commit()
    clock.set(local(2026, 11, 18, 12, 1))
    sla_alerts(clock)
    assert recipients(session, t, "sla_warning") == ["erik@exempelby.se", "lena@exempelby.se"]


def test_paused_ticket_is_not_warned_and_a_stale_alert_time_is_corrected(mail_ticket, users, session, clock):
    clock.set(local(2026, 11, 18, 9, 10))
    services.add_reply(mail_ticket, body="Vilken version?", actor=users["erik"], now=clock.now(), staff=True)
    services.change_status(mail_ticket, Status.WAITING_REQUESTER, actor=users["erik"], now=clock.now())
    assert mail_ticket.sla_next_alert_at is None
    mail_ticket.sla_next_alert_at = local(2026, 11, 18, 10, 0)  # a cache gone wrong
    session.commit()
    clock.set(local(2026, 11, 19, 12, 0))
    sla_alerts(clock)
    assert alerts(session, mail_ticket) == []
    assert mails(session, mail_ticket, "sla_warning") == mails(session, mail_ticket, "sla_breach") == []
    assert mail_ticket.sla_next_alert_at is None


def test_the_database_refuses_a_second_copy_of_an_alert(mail_ticket, session, clock):
    for _ in range(2):
        services.record_event(mail_ticket, "sla_alert", actor=None, now=clock.now(), new="resolution:75")
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_the_job_is_scheduled_every_minute():
    assert ("sla_alerts", sla_alerts, 60) in job_table()


def test_history_names_alerts_and_breaches(client, auth, mail_ticket, clock):
    clock.set(local(2026, 11, 18, 12, 1))
    sla_alerts(clock)
    auth.login("erik")
    html = client.get(f"/tickets/{mail_ticket.id}").get_data(as_text=True)
    assert "SLA-avisering: 75 % av tiden för lösning" in html
    assert "tidsgränsen för första svar passerades" in html


def test_agent_records_the_reason_of_a_breach(client, auth, mail_ticket, session, clock):
    clock.set(local(2026, 11, 18, 10, 0))  # the first response is half an hour late
    auth.login("erik")
    page = client.get(f"/tickets/{mail_ticket.id}").get_data(as_text=True)
    assert "Servicenivån hölls inte" in page and "Första svar: tidsgränsen passerades 2026-11-18 09:30" in page
    empty = client.post(f"/tickets/{mail_ticket.id}/breach-reason", data={"breach-reason": " "})
    assert empty.status_code == 400 and "Skriv orsaken." in empty.get_data(as_text=True)
    done = client.post(f"/tickets/{mail_ticket.id}/breach-reason",
                       data={"breach-reason": "Exchange-störning hos leverantören"})
    assert done.status_code == 302
    session.refresh(mail_ticket)
    assert mail_ticket.sla_breach_reason == "Exchange-störning hos leverantören"
    (event,) = events(session, mail_ticket, "sla_breach_reason")
    assert event.reason == "Exchange-störning hos leverantören" and event.actor.username == "erik"
    assert "Exchange-störning hos leverantören" in client.get(f"/tickets/{mail_ticket.id}").get_data(as_text=True)


def test_reason_is_refused_without_a_breach_and_from_the_requester(client, auth, mail_ticket):
    auth.login("erik")
    early = client.post(f"/tickets/{mail_ticket.id}/breach-reason", data={"breach-reason": "I förväg"})
    assert early.status_code == 400 and "Ärendet har ingen överskriden tidsgräns." in early.get_data(as_text=True)
    auth.logout()
    auth.login("anna")
    assert client.post(f"/tickets/{mail_ticket.id}/breach-reason",
                       data={"breach-reason": "Jag tycker"}).status_code == 403


def test_due_tickets_are_found_through_the_alert_index(session, clock):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the plan is checked on SQLite; PostgreSQL chooses by table statistics (see benchmarks/sla.py)")
    compiled = due_tickets(clock.now()).compile(session.get_bind())
    params = tuple(str(compiled.params[name]) for name in compiled.positiontup)
    plan = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
    (step,) = [row[-1] for row in plan]  # one range search, no scan and no sort
    assert step.startswith("SEARCH ticket USING") and "INDEX ix_ticket_sla_next_alert_at (sla_next_alert_at<?)" in step


def test_confidential_ticket_is_named_only_to_those_who_may_read_it(users, session, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", impact=1, urgency=1,
                 is_confidential=True)
    session.commit()
    clock.set(local(2026, 11, 18, 12, 1))
    sla_alerts(clock)
    # The desk's members and its lead may not read it; the security officer sees every confidential case.
    assert recipients(session, t, "sla_warning") == recipients(session, t, "sla_breach") == ["ines@exempelby.se"]
