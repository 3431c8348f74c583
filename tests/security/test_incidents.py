"""Security incidents: legal clocks, reminders, confidentiality, the breach register."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from helpdesk.errors import InvalidField
from helpdesk.notifications.models import OutboundMessage
from helpdesk.security import services
from helpdesk.security.clocks import add_month, deadlines
from helpdesk.security.jobs import security_deadlines
from helpdesk.security.models import SubmissionKind
from tests import factories as f


def report(users, clock, *, hours_ago=0, personal_data=True, who="anna", subject="Mejl till fel mottagare"):
    return services.report_incident(
        reporter=users[who], subject=subject, description="Ett mejl med personnummer skickades fel.",
        now=clock.now(), aware_at=clock.now() - timedelta(hours=hours_ago), personal_data=personal_data)


def alerts(session):
    return session.scalars(sa.select(OutboundMessage).where(OutboundMessage.kind == "security_deadline")).all()


def test_registered_70_hours_after_awareness_is_due_in_2_hours_and_officers_are_told(
        app, client, auth, users, clock, session):
    incident = report(users, clock, hours_ago=70)
    session.commit()
    gdpr = {d.key: d for d in deadlines(incident, app.config, nis2_covered=True)}["gdpr_notification"]
    assert gdpr.due_at == clock.now() + timedelta(hours=2)
    auth.login("ines")
    page = client.get(f"/security/incidents/{incident.id}").get_data(as_text=True)
    assert "om 2 timmar" in page
    assert security_deadlines(clock) == 1
    session.commit()
    mail = alerts(session)
    assert len(mail) == 1 and mail[0].recipients == ["ines@exempelby.se"]
    assert security_deadlines(clock) == 0  # each reminder once
    clock.advance(hours=3)
    assert security_deadlines(clock) == 1  # passed: told again, once
    session.commit()
    assert len(alerts(session)) == 2


def test_deadline_already_passed_at_registration_is_overdue_at_once(client, auth, users, clock, session):
    incident = report(users, clock, hours_ago=48, personal_data=False)  # NIS2 early warning: 24 h
    session.commit()
    auth.login("ines")
    assert "försenad sedan" in client.get(f"/security/incidents/{incident.id}").get_data(as_text=True)
    assert "försenad sedan" in client.get("/security/").get_data(as_text=True)


@pytest.mark.parametrize("who", ["fatima", "erik", "sara", "olle", "maria", "karin", "admin"])
def test_others_cannot_find_an_incident_anywhere(who, client, auth, users, clock, session):
    incident = report(users, clock, subject="Hemligt läckage i lönesystemet")
    session.commit()
    auth.login(who)
    assert client.get(f"/tickets/{incident.ticket_id}").status_code == 404
    assert client.get(f"/security/incidents/{incident.id}").status_code == 404
    assert client.get("/security/").status_code == 403
    assert client.get("/security/register.csv").status_code == 403
    for url in ["/", "/queue?scope=all&status=all", "/queue?scope=all&q=läckage", "/queue?scope=all&q=lönesystemet"]:
        response = client.get(url)
        assert response.status_code in (200, 403), url
        assert "Hemligt läckage" not in response.get_data(as_text=True), url


def test_reporter_and_officer_see_it(client, auth, users, clock, session):
    incident = report(users, clock)
    session.commit()
    for who in ("anna", "ines"):
        auth.login(who)
        assert client.get(f"/tickets/{incident.ticket_id}").status_code == 200
        auth.logout()


def test_employee_reports_from_the_portal(client, auth, session):
    auth.login("fatima")
    response = client.post("/security/report", data={"subject": "Stulen mobil", "description": "Tappade mobilen på bussen",
                                                     "system_id": "0", "personal_data": "unknown", "aware_at": ""})
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200


def test_agent_raises_a_ticket_to_an_incident_and_keeps_access(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="Verksamhetssystem socialtjänst")
    session.commit()
    auth.login("sara")
    assert client.post(f"/tickets/{ticket.id}/raise-incident").status_code == 302
    assert client.get(f"/tickets/{ticket.id}").status_code == 200  # sara works it
    auth.logout()
    auth.login("olle")  # the system administrator is not among those working it
    assert client.get(f"/tickets/{ticket.id}").status_code == 404


def test_late_notification_to_imy_needs_reasons(users, clock):
    incident = report(users, clock, hours_ago=80)
    with pytest.raises(InvalidField):
        services.record_submission(incident, kind=SubmissionKind.GDPR_NOTIFICATION, sent_at=clock.now(),
                                   reference="IMY-2026-1", summary="", actor=users["ines"], now=clock.now())
    services.record_submission(incident, kind=SubmissionKind.GDPR_NOTIFICATION, sent_at=clock.now(),
                               reference="IMY-2026-1", summary="", late_reason="Upptäcktes under helg",
                               actor=users["ines"], now=clock.now())
    assert incident.imy_reference == "IMY-2026-1"


def test_awareness_change_needs_a_reason_and_is_kept(users, clock):
    incident = report(users, clock)
    with pytest.raises(InvalidField):
        services.classify_incident(incident, category=3, hits="k", personal_data=True, system_ids=[],
                                   controller_department_id=None, controller_organisation_id=1,
                                   awareness_at=clock.now() - timedelta(hours=5), awareness_reason="",
                                   actor=users["ines"], now=clock.now())
    services.classify_incident(incident, category=3, hits="k", personal_data=True, system_ids=[],
                               controller_department_id=None, controller_organisation_id=1,
                               awareness_at=clock.now() - timedelta(hours=5), awareness_reason="Mejlet skickades i går",
                               actor=users["ines"], now=clock.now())
    assert incident.awareness_at == clock.now() - timedelta(hours=5) and incident.hits_k and not incident.hits_r


def test_nis2_final_report_is_due_a_month_after_the_notification(app, users, clock):
    incident = report(users, clock, personal_data=False)
    services.assess_significance(incident, thresholds_met=["disruption_4h"], significant=True, notes="",
                                 actor=users["ines"], now=clock.now())
    services.record_submission(incident, kind=SubmissionKind.NIS2_NOTIFICATION, sent_at=clock.now(),
                               reference="CSIRT-7", summary="", actor=users["ines"], now=clock.now())
    final = {d.key: d for d in deadlines(incident, app.config, nis2_covered=True)}["nis2_final"]
    assert final.due_at == add_month(clock.now())
    assert add_month(clock.now().replace(month=1, day=31)).day == 28


def test_high_risk_must_inform_unless_an_exception_applies(users, clock):
    incident = report(users, clock)
    services.assess_gdpr(incident, risk="high", justification="Känsliga uppgifter", fields={}, actor=users["ines"],
                         now=clock.now())
    with pytest.raises(InvalidField):
        services.decide_art34(incident, decision="not_required", justification="x", actor=users["ines"], now=clock.now())
    services.decide_art34(incident, decision="encrypted", justification="Krypterad bilaga", actor=users["ines"],
                          now=clock.now())


def test_breach_register_lists_personal_data_incidents_notified_or_not(client, auth, users, clock, session):
    report(users, clock, subject="Inte anmäld")
    report(users, clock, subject="Ingen persondata", personal_data=False)
    session.commit()
    auth.login("ines")
    response = client.get("/security/register.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "kännedom" in text
    assert len([line for line in text.splitlines()[1:] if line.strip()]) == 1


def test_monthly_report_has_an_incident_section_for_security_officers_only(client, auth, users, clock, session):
    incident = report(users, clock, hours_ago=1, subject="Läckage i november")
    services.record_submission(incident, kind=SubmissionKind.GDPR_NOTIFICATION, sent_at=clock.now(),
                               reference="IMY-1", summary="", actor=users["ines"], now=clock.now())
    session.commit()
    month = clock.now().strftime("%Y-%m")
    auth.login("ines")
    html = client.get(f"/reports/monthly/{month}").get_data(as_text=True)
    assert "Säkerhetsincidenter" in html and "Incidenter med kännedom under månaden: 1" in html
    assert "Median från kännedom till första rapport till myndighet: 1.0 timmar" in html
    auth.logout()
    for who in ("maria", "admin", "erik"):
        auth.login(who)
        response = client.get(f"/reports/monthly/{month}")
        assert "Säkerhetsincidenter" not in response.get_data(as_text=True), who
        auth.logout()
