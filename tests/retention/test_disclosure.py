"""Disclosure of a ticket on a request for a public record: redactions, formats, access, audit."""

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.tickets import services
from helpdesk.tickets.loaders import Upload
from helpdesk.tickets.models import MessageKind
from tests import factories as f


@pytest.fixture
def worked(users, clock, session):
    """Anna's ticket, worked by Erik at the service desk, with a note, replies and an attachment."""
    ticket = f.ticket(users["anna"], now=clock.now(), subject="Skrivaren skriver ut tomma sidor",
                      body="Skrivaren vid fikarummet matar ut tomma sidor.",
                      uploads=[Upload("foto-av-skrivaren.jpg", b"jpeg-bytes-disclosure")])
    services.add_reply(ticket, body="Misstänkt intrång i skrivarens webbgränssnitt.", actor=users["erik"],
                       now=clock.now(), kind=MessageKind.INTERNAL, staff=True)
    services.add_reply(ticket, body="Vi byter tonerkassetten i eftermiddag.", actor=users["erik"],
                       now=clock.now(), staff=True)
    services.add_reply(ticket, body="Tack! Ring mig på 070-123 45 67 om ni behöver komma in.",
                       actor=users["anna"], now=clock.now(), staff=False)
    session.commit()
    return ticket


def messages_of(ticket):
    return {m.body.split()[0]: m.id for m in ticket.messages}


def test_form_proposes_to_keep_internal_notes_back(worked, client, auth):
    auth.login("erik")
    html = client.get(f"/tickets/{worked.id}/disclosure").get_data(as_text=True)
    note = messages_of(worked)["Misstänkt"]
    assert f'value="{note}" checked' in html or 'checked id="hide_messages-' in html
    assert html.count("checked") == 2  # the internal note and the HTML format


def test_html_export_leaves_out_what_was_chosen_and_is_audited(worked, client, auth, users, session):
    auth.login("erik")
    ids = messages_of(worked)
    response = client.post(f"/tickets/{worked.id}/disclosure", data={
        "hide_fields": ["requester"], "hide_messages": [ids["Misstänkt"], ids["Tack!"]],
        "terms": "tonerkassetten", "osl_reference": "18 kap. 8 §", "format": "html"})

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=arende-{worked.id}-utlamnande.html"
    html = response.get_data(as_text=True)
    for secret in ("Anna Lindqvist", "anna@exempelby.se", "Misstänkt intrång", "070-123", "tonerkassetten"):
        assert secret not in html, secret
    assert "[Sekretess enligt OSL 18 kap. 8 §]" in html
    assert "Skrivaren skriver ut tomma sidor" in html and "Vi byter" in html and "foto-av-skrivaren.jpg" in html
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "ticket_disclosed"))
    assert entry.actor_id == users["erik"].id and entry.object_id == str(worked.id)
    assert entry.details == {"format": "html", "redacted_fields": ["requester"],
                             "redacted_messages": sorted([ids["Misstänkt"], ids["Tack!"]]),
                             "attachments_redacted": False, "masked_terms": 1, "osl_reference": "18 kap. 8 §"}
    assert "tonerkassetten" not in str(entry.details)


def test_the_attachment_list_and_fields_can_be_kept_back(worked, client, auth):
    auth.login("ines")
    html = client.post(f"/tickets/{worked.id}/disclosure", data={
        "hide_fields": ["subject", "system"], "hide_attachments": "y", "format": "html"}).get_data(as_text=True)
    assert "foto-av-skrivaren" not in html and "Skrivaren skriver ut tomma sidor" not in html
    assert "[Sekretess enligt OSL]" in html
    assert "Misstänkt intrång" in html, "nothing was chosen for the note this time"


def test_pdf_export_is_a_pdf(worked, client, auth, session):
    auth.login("erik")
    response = client.post(f"/tickets/{worked.id}/disclosure", data={"format": "pdf"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "ticket_disclosed"))
    assert entry.details["format"] == "pdf"


@pytest.mark.parametrize("username, status", [("anna", 403), ("johan", 404), ("admin", 403)])
def test_only_those_who_work_the_ticket_may_disclose_it(worked, client, auth, username, status, session):
    auth.login(username)
    assert client.get(f"/tickets/{worked.id}/disclosure").status_code == status
    assert client.post(f"/tickets/{worked.id}/disclosure", data={"format": "html"}).status_code == status
    assert session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "ticket_disclosed")) is None
