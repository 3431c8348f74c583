"""Outage pages: publishing, "me too" from the report form without JavaScript, the status page and feed."""

from xml.etree import ElementTree as ET

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.outages.models import MajorIncidentPerson, OutageNotice
from helpdesk.tickets.models import Ticket
from tests import factories
from tests.outages.conftest import SOCIAL


def _publish(client, auth, **extra):
    auth.login("sara")
    system = factories.system(SOCIAL)
    data = {"title": "Verksamhetssystemet ligger nere", "kind": "unplanned", "extent": "whole",
            "system_ids": [system.id], "broken_text": "Det går inte att logga in.", "works_text": "Telefonen."} | extra
    response = client.post("/outages/new", data=data)
    auth.logout()
    return response, system


def test_agent_publishes_and_employee_sees_it_on_the_report_form_and_presses_me_too(client, auth, users):
    response, system = _publish(client, auth)
    assert response.status_code == 302
    notice = db.session.scalar(sa.select(OutageNotice))
    auth.login("anna")
    page = client.get(f"/tickets/new?system={system.id}").get_data(as_text=True)
    assert "Vi känner till felet" in page and "Jag berörs också" in page
    tickets_before = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    response = client.post(f"/outages/{notice.id}/me-too", data={"comment": "Samma här"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == tickets_before
    assert db.session.get(MajorIncidentPerson, (notice.major_incident_ticket_id, users["anna"].id)) is not None
    start = client.get("/").get_data(as_text=True)
    assert "Störningar som berör dig" in start and "Verksamhetssystemet ligger nere" in start


def test_first_submit_shows_the_known_fault_instead_of_creating_a_ticket(client, auth, users):
    _response, system = _publish(client, auth)
    auth.login("anna")
    form = {"type": "incident", "system_id": system.id, "subject": "Kan inte logga in",
            "description": "Inloggningen snurrar", "impact": 3, "urgency": 3}
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    page = client.post("/tickets/new", data=form)
    assert page.status_code == 200 and "Vi känner till felet" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == before
    sent = client.post("/tickets/new", data=form | {"seen_hints": "1"})
    assert sent.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == before + 1


def test_hints_fragment_for_javascript(client, auth):
    _response, system = _publish(client, auth)
    auth.login("anna")
    fragment = client.get(f"/report-hints?system_id={system.id}").get_data(as_text=True)
    assert "Vi känner till felet" in fragment and "<html" not in fragment
    assert "Vi känner till felet" not in client.get("/report-hints?system_id=999999").get_data(as_text=True)


def test_status_page_and_feed_show_the_notice(app, client, auth):
    _publish(client, auth, title="Lön <script>alert(1)</script> & annat")
    app.config["STATUS_PAGE_PUBLIC"] = True
    try:
        page = client.get("/status")
        assert page.status_code == 200
        assert "Lön &lt;script&gt;" in page.get_data(as_text=True)
        feed = client.get("/status.atom")
        assert feed.mimetype == "application/atom+xml"
        root = ET.fromstring(feed.data)
        titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
        assert "Driftstörning: Lön <script>alert(1)</script> & annat" in titles
    finally:
        app.config["STATUS_PAGE_PUBLIC"] = False


def test_status_page_needs_sign_in_unless_public(client, auth):
    assert client.get("/status").status_code == 302
    assert client.get("/status.atom").status_code == 302
    auth.login("anna")
    assert client.get("/status").status_code == 200


def test_employee_cannot_publish(client, auth):
    auth.login("anna")
    assert client.get("/outages/new").status_code == 403
    assert client.post("/outages/new", data={"title": "x"}).status_code == 403


def test_bad_input_gets_a_message_not_an_error(client, auth):
    auth.login("sara")
    response = client.post("/outages/new", data={"title": "", "kind": "unplanned", "extent": "whole"})
    assert response.status_code == 400 and "Ange en rubrik" in response.get_data(as_text=True)
    response = client.post("/outages/new", data={"title": "Fel", "kind": "unplanned", "extent": "whole"})
    assert response.status_code == 400 and "Välj minst ett system" in response.get_data(as_text=True)
    assert client.post("/outages/999/me-too").status_code == 404


def test_agent_pages_render(client, auth, users):
    _response, system = _publish(client, auth)
    notice = db.session.scalar(sa.select(OutageNotice))
    auth.login("sara")
    for url in ("/outages", f"/outages/{notice.id}", f"/major-incidents/{notice.major_incident_ticket_id}",
                f"/tickets/{notice.major_incident_ticket_id}", "/status", f"/status/notices/{notice.id}"):
        assert client.get(url).status_code == 200, url
    assert client.post(f"/outages/{notice.id}/update", data={"update-body": "Vi felsöker."}).status_code == 302
    assert client.post(f"/major-incidents/{notice.major_incident_ticket_id}/link",
                       data={"link-number": 999999}).status_code == 400
    response = client.post(f"/major-incidents/{notice.major_incident_ticket_id}/solve",
                           data={"resolve-resolution": "Omstartat."})
    assert response.status_code == 302
    db.session.refresh(notice)
    assert notice.ended_at is not None


def test_subscribe_and_stop(client, auth, users):
    auth.login("anna")
    system = factories.system(SOCIAL)
    assert client.post("/status/subscriptions", data={"system_id": system.id}).status_code == 302
    assert SOCIAL in client.get("/status").get_data(as_text=True)
    assert client.post("/status/subscriptions", data={"system_id": system.id, "action": "stop"}).status_code == 302


def test_agent_declares_a_major_incident_from_the_ticket_page_and_links_a_ticket(client, auth, users, clock):
    from helpdesk.knowledge import services as kb

    kb.save_article(texts={"sv": ("Starta om klienten", "Gör så här.")}, systems=[], audience="employees",
                    owner=users["sara"], review_on=None, actor=users["sara"], now=clock.now())
    first = factories.ticket(users["anna"], now=clock.now(), system_name=SOCIAL)
    second = factories.ticket(users["fatima"], now=clock.now(), system_name=SOCIAL)
    auth.login("sara")
    page = client.get(f"/tickets/{first.id}").get_data(as_text=True)
    assert "Gör till storstörning" in page and "Infoga från kunskapsbanken" in page
    assert client.post(f"/tickets/{first.id}/major-incident").status_code == 302
    assert client.post(f"/major-incidents/{first.id}/link", data={"link-number": second.id}).status_code == 302
    major = client.get(f"/major-incidents/{first.id}").get_data(as_text=True)
    assert "Anna Lindqvist" in major and "Fatima Ali" in major
    assert f"/tickets/{first.id}" in client.get(f"/tickets/{second.id}").get_data(as_text=True)
    # Publishing from the major incident ties the notice to it.
    response = client.post(f"/outages/new?ticket={first.id}", data={
        "title": "Verksamhetssystemet", "kind": "unplanned", "extent": "whole",
        "system_ids": [factories.system(SOCIAL).id], "ticket": first.id})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(OutageNotice.major_incident_ticket_id)) == first.id


def test_employee_cannot_see_major_incident_pages(client, auth, notice):
    auth.login("anna")
    assert client.get(f"/major-incidents/{notice.major_incident_ticket_id}").status_code == 403
    assert client.post(f"/tickets/{notice.major_incident_ticket_id}/major-incident").status_code == 403


def test_report_with_attachment_is_not_held_for_confirmation(client, auth):
    import io

    _response, system = _publish(client, auth)
    auth.login("anna")
    form = {"type": "incident", "system_id": system.id, "subject": "Kan inte logga in",
            "description": "Se skärmbilden", "impact": 3, "urgency": 3,
            "attachments": (io.BytesIO(b"bild"), "skarm.png")}
    response = client.post("/tickets/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
