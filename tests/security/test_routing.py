"""Security incidents go to the security officers' group, with a priority from their assessment,
on a round-the-clock SLA; their legal deadlines lead the ticket page."""

import json
from datetime import timedelta

import sqlalchemy as sa

from helpdesk.org.models import GroupMember
from helpdesk.security import services
from helpdesk.security.models import GdprRisk
from helpdesk.sla.services import calendar_of, level_of
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import TicketEvent
from tests import factories as f

SECURITY_GROUP = "Informationssäkerhet"


def report(users, clock, *, personal_data=None, system="Lönesystem", who="anna"):
    return services.report_incident(
        reporter=users[who], subject="Konstig inloggning i lönesystemet", description="Någon annan loggade in.",
        now=clock.now(), aware_at=clock.now(), personal_data=personal_data,
        system=f.system(system) if system else None)


def events(session, ticket, kind):
    return session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == kind)
                           .order_by(TicketEvent.id)).all()


def test_incident_on_another_departments_system_goes_to_the_security_group_at_p2(users, clock, session):
    # Anna works at Socialförvaltningen; Lönesystem is Kommunledningskontoret's (group Ekonomi- och lönesystem).
    incident = report(users, clock)
    ticket = incident.ticket
    assert ticket.support_group.name == SECURITY_GROUP
    group_event = events(session, ticket, "group")[-1]
    assert json.loads(group_event.reason)["by"] == "security"
    assert ticket.priority == 2
    assert [e.new_value for e in events(session, ticket, "priority")] == ["2"]  # never P4 on the way


def test_incident_sla_runs_round_the_clock_at_its_priority_not_office_hours_p4(users, clock, session):
    ticket = report(users, clock).ticket
    calendar = calendar_of(ticket)
    assert calendar.always_open
    level = level_of(ticket)
    assert (level.tier, level.priority) == ("silver", 2)
    assert ticket.resolution_due_at == clock.now() + timedelta(minutes=level.resolution_minutes)  # wall clock
    assert ticket.first_response_due_at == clock.now() + timedelta(minutes=level.first_response_minutes)


def test_ordinary_ticket_on_the_same_system_still_goes_to_its_group(users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="Lönesystem")
    assert ticket.support_group.name == "Ekonomi- och lönesystem"
    assert not calendar_of(ticket).always_open


def test_high_risk_to_personal_data_raises_the_priority(users, clock, session):
    incident = report(users, clock, personal_data=True)
    assert incident.ticket.priority == 2
    services.assess_gdpr(incident, risk=GdprRisk.HIGH, justification="Personnummer och hälsouppgifter.", fields={},
                         actor=users["ines"], now=clock.now())
    assert incident.ticket.priority == 1
    last = events(session, incident.ticket, "priority")[-1]
    assert (last.old_value, last.new_value) == ("2", "1")
    assert json.loads(last.reason) == {"by": "security_assessment", "impact": 1, "urgency": 1, "grounds": ["gdpr_high"]}


def test_incident_assessed_without_reporting_duty_is_p3_never_p4(users, clock, session):
    incident = report(users, clock, personal_data=False)
    services.assess_significance(incident, thresholds_met=[], significant=False, notes="Ingen påverkan.",
                                 actor=users["ines"], now=clock.now())
    assert incident.ticket.priority == 3


def test_severe_klassa_level_on_a_hit_dimension_raises_the_priority(users, clock, session):
    incident = report(users, clock, personal_data=False)  # Lönesystem: K3 R3 T2 S3
    services.classify_incident(
        incident, category=3, hits=["k"], personal_data=False, system_ids=[f.system("Lönesystem").id],
        controller_department_id=incident.controller_department_id,
        controller_organisation_id=incident.controller_organisation_id, awareness_at=incident.awareness_at,
        awareness_reason="", actor=users["ines"], now=clock.now())
    assert incident.ticket.priority == 1


def test_a_priority_set_by_hand_stands_until_the_assessment_changes(users, clock, session):
    incident = report(users, clock, personal_data=True)
    ines = users["ines"]
    tickets.change_priority(incident.ticket, impact=3, urgency=2, actor=ines, now=clock.now())  # P3 by hand
    services.assess_gdpr(incident, risk=GdprRisk.RISK, justification="Några mejladresser.", fields={},
                         actor=ines, now=clock.now())  # still gives P2, as before: the hand-set P3 stands
    assert incident.ticket.priority == 3
    services.assess_gdpr(incident, risk=GdprRisk.HIGH, justification="Även personnummer.", fields={},
                         actor=ines, now=clock.now())
    assert incident.ticket.priority == 1


def test_raising_a_ticket_moves_it_to_the_security_group_and_keeps_its_workers(users, clock, session):
    erik, lena = users["erik"], users["lena"]
    ticket = f.ticket(users["anna"], now=clock.now(), subject="Phishingmejl", impact=1, urgency=1)  # P1
    tickets.assign(ticket, lena, actor=erik, now=clock.now())
    services.raise_to_incident(ticket, actor=erik, now=clock.now())
    assert ticket.support_group.name == SECURITY_GROUP
    assert ticket.priority == 1  # raising never lowers it
    assert calendar_of(ticket).always_open
    session.commit()
    from helpdesk.auth.permissions import Permission, can
    assert can(erik, Permission.TICKET_WORK, ticket) and can(lena, Permission.TICKET_WORK, ticket)
    assert not can(users["sara"], Permission.TICKET_VIEW, ticket)


def test_raised_ordinary_ticket_gets_the_incident_priority(users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), subject="Konstigt mejl")  # P4
    services.raise_to_incident(ticket, actor=users["erik"], now=clock.now())
    assert ticket.priority == 2


def test_without_a_security_group_incidents_route_as_before_and_pages_warn(client, auth, users, clock, session):
    group = f.group(SECURITY_GROUP)
    group.handles_security_incidents = False
    incident = report(users, clock)
    assert incident.ticket.support_group.name == "Ekonomi- och lönesystem"
    session.commit()
    warning = "Ingen grupp tar emot säkerhetsincidenter."
    auth.login("ines")
    assert warning in client.get(f"/security/incidents/{incident.id}").get_data(as_text=True)
    assert warning in client.get(f"/tickets/{incident.ticket_id}").get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    assert warning in client.get("/admin/groups").get_data(as_text=True)


def test_with_a_security_group_no_warning(client, auth, users, clock, session):
    incident = report(users, clock)
    session.commit()
    auth.login("ines")
    assert "Ingen grupp tar emot" not in client.get(f"/security/incidents/{incident.id}").get_data(as_text=True)
    auth.logout()
    auth.login("admin")
    assert "Ingen grupp tar emot" not in client.get("/admin/groups").get_data(as_text=True)


def test_admin_marks_the_security_group_on_the_group_form(client, auth, users, session):
    desk = f.group("Servicedesk")
    auth.login("admin")
    page = client.get(f"/admin/groups/{desk.id}").get_data(as_text=True)
    assert 'name="handles_security_incidents"' in page
    data = {"organisation_id": str(desk.organisation_id), "department_id": str(desk.department_id),
            "name": desk.name, "email": desk.email, "description": "", "is_service_desk": "y",
            "handles_security_incidents": "y", "is_active": "y"}
    assert client.post(f"/admin/groups/{desk.id}", data=data).status_code == 302
    session.expire_all()
    assert f.group("Servicedesk").handles_security_incidents


def test_ticket_page_shows_the_legal_deadlines_before_the_sla_box(client, auth, users, clock, session):
    incident = report(users, clock, personal_data=True)
    session.commit()
    auth.login("ines")
    html = client.get(f"/tickets/{incident.ticket_id}").get_data(as_text=True)
    gdpr, sla = html.index("Anmälan till IMY (72 timmar)"), html.index('id="sla-heading"')
    assert gdpr < sla
    assert html.index('id="legal-deadline-heading"') < html.index('class="facts"')
    # Soonest first: the NIS2 early warning (24 h) before the GDPR notification (72 h).
    assert html.index("NIS2 tidig varning") < gdpr
    history = html[html.index('id="history-heading"'):]
    assert "säkerhetsincident" in history


def test_history_gives_the_grounds_of_an_assessed_priority_in_words(client, auth, users, clock, session):
    incident = report(users, clock, personal_data=True)
    services.assess_gdpr(incident, risk=GdprRisk.HIGH, justification="Personnummer.", fields={},
                         actor=users["ines"], now=clock.now())
    session.commit()
    auth.login("ines")
    html = client.get(f"/tickets/{incident.ticket_id}").get_data(as_text=True)
    history = html[html.index('id="history-heading"'):]
    assert "enligt säkerhetsbedömningen: hög risk för de registrerade" in history
    assert "gdpr_high" not in history


def test_a_plain_agent_in_the_security_group_does_not_see_incidents(client, auth, users, clock, session):
    session.add(GroupMember(group_id=f.group(SECURITY_GROUP).id, user_id=users["erik"].id))
    incident = report(users, clock)
    session.commit()
    auth.login("erik")
    assert client.get(f"/tickets/{incident.ticket_id}").status_code == 404
    assert "Konstig inloggning" not in client.get("/queue?scope=all&status=all").get_data(as_text=True)


def test_the_security_officer_finds_it_in_the_queue(client, auth, users, clock, session):
    incident = report(users, clock)
    session.commit()
    auth.login("ines")
    assert f"/tickets/{incident.ticket_id}" in client.get("/queue?scope=all").get_data(as_text=True)


def _mail_to(session, address):
    from helpdesk.notifications.models import OutboundMessage

    return [m for m in session.scalars(sa.select(OutboundMessage).order_by(OutboundMessage.id))
            if address in (m.recipients or []) + (m.cc or [])]


def test_reported_incident_is_not_mailed_to_the_group_address_only_to_its_readers(users, clock, session):
    # A group's address is a list or shared mailbox: people behind it need not be security officers,
    # and the new-ticket mail names the incident's subject and its reporter.
    group = f.group(SECURITY_GROUP)
    report(users, clock)
    session.commit()
    assert group.email and _mail_to(session, group.email) == []
    told = _mail_to(session, users["ines"].email)
    assert [m.kind for m in told] == ["new_ticket"]


def test_raised_incident_is_not_mailed_to_the_group_address(users, clock, session):
    group = f.group(SECURITY_GROUP)
    ticket = f.ticket(users["anna"], now=clock.now(), subject="Konstigt mejl")
    session.commit()
    services.raise_to_incident(ticket, actor=users["erik"], now=clock.now())
    session.commit()
    assert ticket.support_group_id == group.id
    assert _mail_to(session, group.email) == []
    assert [m.kind for m in _mail_to(session, users["ines"].email)] == ["new_ticket"]
