"""Security officer: history in words, a report button on the register, no double submissions."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from helpdesk.errors import DomainError
from helpdesk.security import services
from helpdesk.security.models import Submission, SubmissionKind


def incident_of(users, clock):
    return services.report_incident(
        reporter=users["anna"], subject="Mejl till fel mottagare", description="Personnummer i fel mejl.",
        now=clock.now(), aware_at=clock.now() - timedelta(hours=1), personal_data=True)


def test_history_shows_words_not_keys(client, auth, users, clock, session):
    incident = incident_of(users, clock)
    session.commit()
    auth.login("ines")
    html = client.get(f"/tickets/{incident.ticket.id}").get_data(as_text=True)
    history = html[html.index('id="history-heading"'):]
    assert "security:" not in history and "registrerade säkerhetsincidenten" in history


def test_register_page_has_a_report_button(client, auth):
    auth.login("ines")
    html = client.get("/security/").get_data(as_text=True)
    assert "Rapportera incident" in html and 'href="/security/report"' in html


def test_a_submission_is_not_recorded_twice(users, clock, session):
    incident = incident_of(users, clock)
    args = dict(kind=SubmissionKind.GDPR_NOTIFICATION, sent_at=clock.now(), reference="IMY-2026-7", summary="",
                actor=users["ines"], now=clock.now())
    services.record_submission(incident, **args)
    with pytest.raises(DomainError, match="redan registrerad"):
        services.record_submission(incident, **args)
    assert session.scalar(sa.select(sa.func.count()).select_from(Submission).where(
        Submission.incident_id == incident.id)) == 1


def test_submission_form_defaults_to_now_and_errors_are_summarised_on_top(client, auth, users, clock, session):
    from helpdesk.clock import local

    incident = incident_of(users, clock)
    session.commit()
    auth.login("ines")
    html = client.get(f"/security/incidents/{incident.id}").get_data(as_text=True)
    assert local(clock.now()).strftime("%Y-%m-%d %H:%M") in html[html.index('id="sent_at"') - 200:html.index('id="sent_at"') + 200]
    response = client.post(f"/security/incidents/{incident.id}/submissions", data={"kind": "gdpr_notification"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html.index("error-summary") < html.index("<dl class=\"facts\">")


def test_deadlines_soonest_first_coloured_and_nis2_pending_assessment(client, auth, users, clock, session):
    incident = services.report_incident(
        reporter=users["anna"], subject="Intrång i e-posten", description="Konton kapade.",
        now=clock.now(), aware_at=clock.now() - timedelta(hours=20), personal_data=True)
    session.commit()
    auth.login("ines")
    html = client.get(f"/security/incidents/{incident.id}").get_data(as_text=True)
    block = html[html.index('<ul class="deadlines">'):html.index("</ul>", html.index('<ul class="deadlines">'))]
    assert "deadline-soon" in block  # the NIS2 early warning is due in 4 hours
    assert "ännu inte bedömt" in block
    items = block.split("<li>")[1:]
    hours = [int(re.search(r"om (\d+) tim", i).group(1)) for i in items if re.search(r"om (\d+) tim", i)]
    assert hours == sorted(hours) and len(hours) >= 2
