"""The one ticket loader: the 404 rule, the confidential-read audit on every channel, bounded numbers.

issue 8, findings 4 (mail admin), 5 (reads not audited), 11 (huge numbers) and 17 (403 versus 404).
"""

import io

import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.intake.services import ingest
from helpdesk.security.services import raise_to_incident
from helpdesk.tickets.models import Attachment, Ticket, TicketType
from tests import factories as f
from tests.intake.builders import mail

HUGE = "9" * 20


def reads(session, ticket_id):
    """The confidential_read entries of one ticket, oldest first."""
    return session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "confidential_read", AuditEntry.object_type == "ticket",
        AuditEntry.object_id == str(ticket_id)).order_by(AuditEntry.id)).all()


def incident_with_attachment(client, auth, session, users, clock):
    """A confidential ticket (Anna's security incident) with an attachment Ines sent."""
    ticket = f.ticket(users["anna"], now=clock.now(), type=TicketType.SECURITY_INCIDENT)
    session.commit()
    auth.login("ines")
    response = client.post(f"/tickets/{ticket.id}/reply", content_type="multipart/form-data", data={
        "body": "Loggen från brandväggen", "kind": "public", "status": "",
        "attachments": (io.BytesIO(b"logg"), "brandvagg.txt")})
    assert response.status_code == 302
    auth.logout()
    item = session.scalar(sa.select(Attachment).where(Attachment.ticket_id == ticket.id))
    return ticket, item


def test_attachment_download_of_confidential_ticket_is_audited(client, auth, session, users, clock):
    ticket, item = incident_with_attachment(client, auth, session, users, clock)
    before = len(reads(session, ticket.id))
    auth.login("anna")
    response = client.get(f"/tickets/{ticket.id}/attachments/{item.id}")
    assert response.status_code == 200
    response.close()
    entries = reads(session, ticket.id)
    assert len(entries) == before + 1
    assert entries[-1].actor_id == users["anna"].id and entries[-1].details["via"] == "attachment"


def test_legal_hold_page_of_confidential_ticket_is_audited(client, auth, session, users, clock):
    ticket = f.ticket(users["anna"], now=clock.now(), type=TicketType.SECURITY_INCIDENT)
    session.commit()
    auth.login("ines")
    assert client.get(f"/tickets/{ticket.id}/hold").status_code == 200
    entries = reads(session, ticket.id)
    assert [e.details["via"] for e in entries] == ["legal-hold"] and entries[0].actor_id == users["ines"].id


def test_cli_show_of_confidential_ticket_is_audited(runner, session, users, clock):
    ticket = f.ticket(users["anna"], now=clock.now(), type=TicketType.SECURITY_INCIDENT)
    session.commit()
    result = runner.invoke(args=["tickets", "show", str(ticket.id), "--json"])
    assert result.exit_code == 0, result.output
    entries = reads(session, ticket.id)
    assert len(entries) == 1 and entries[0].actor_id is None
    assert entries[0].details["via"] == "cli" and entries[0].details["operator"]


def test_ticket_page_read_is_audited_once(client, auth, session, users, clock):
    ticket = f.ticket(users["anna"], now=clock.now(), type=TicketType.SECURITY_INCIDENT)
    session.commit()
    auth.login("ines")
    assert client.get(f"/tickets/{ticket.id}").status_code == 200
    assert [e.details["via"] for e in reads(session, ticket.id)] == ["web"]


def test_hidden_tickets_answer_404_like_missing_ones(client, auth, session, users, clock):
    """Finding 17: a ticket the user may not see, confidential or not, looks like no ticket at all."""
    ordinary = f.ticket(users["anna"], now=clock.now(), system_name="Lönesystem")
    incident, item = incident_with_attachment(client, auth, session, users, clock)
    session.commit()
    auth.login("fatima")  # an employee without any duty on either
    for ticket in (ordinary, incident):
        for url in (f"/tickets/{ticket.id}", f"/tickets/{ticket.id}/hold", f"/tickets/{ticket.id}/disclosure",
                    f"/tickets/{ticket.id}/attachments/{item.id}"):
            assert client.get(url).status_code == 404, url
        for action in ("reply", "status", "priority", "claim", "confirm", "reopen", "link", "merge"):
            assert client.post(f"/tickets/{ticket.id}/{action}", data={}).status_code == 404, action
    missing = incident.id + 1000
    assert client.get(f"/tickets/{missing}").status_code == 404
    auth.logout()
    auth.login("admin")  # administrators read every ordinary ticket, but not security incidents
    assert client.get(f"/tickets/{incident.id}/hold").status_code == 404
    assert client.get(f"/tickets/{ordinary.id}/hold").status_code == 200
    assert client.post(f"/tickets/{ordinary.id}/status", data={"status": "solved"}).status_code == 403


def test_mail_admin_of_confidential_ticket_follows_the_ticket(client, auth, session, users, clock):
    """Finding 4: an administrator who may not see the ticket gets 404 for its mail, raw included."""
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    raw = mail(sender="anna@exempelby.se", subject="Konstigt mejl med länk")
    ingest(raw, desk, now=clock.now())
    session.commit()
    item = session.scalar(sa.select(InboundMessage).where(InboundMessage.raw_sha256.is_not(None))
                          .order_by(InboundMessage.id.desc()))
    assert item.ticket_id is not None
    auth.login("admin")
    assert client.get(f"/admin/mail/{item.id}").status_code == 200  # an ordinary ticket: fine, not audited
    assert reads(session, item.ticket_id) == []
    assert "Konstigt mejl med länk" in client.get("/admin/mail").get_data(as_text=True)
    raise_to_incident(session.get(Ticket, item.ticket_id), actor=users["ines"], now=clock.now())
    session.commit()
    for url in (f"/admin/mail/{item.id}", f"/admin/mail/{item.id}/raw"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/admin/mail/{item.id}/reimport").status_code == 404
    listed = client.get("/admin/mail").get_data(as_text=True)  # the list hides sender and subject
    assert "Konstigt mejl med länk" not in listed and "Konfidentiellt ärende" in listed
    assert reads(session, item.ticket_id) == []


def test_mail_admin_read_of_visible_confidential_ticket_is_audited(client, auth, session, users, clock):
    """An administrator who is also on the ticket (here its requester) may read its mail; it is audited."""
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    ingest(mail(sender="anna@exempelby.se", subject="Misstänkt intrång"), desk, now=clock.now())
    session.commit()
    item = session.scalar(sa.select(InboundMessage).order_by(InboundMessage.id.desc()))
    session.get(Ticket, item.ticket_id).requester_id = users["admin"].id
    raise_to_incident(session.get(Ticket, item.ticket_id), actor=users["ines"], now=clock.now())
    session.commit()
    auth.login("admin")
    assert client.get(f"/admin/mail/{item.id}").status_code == 200
    download = client.get(f"/admin/mail/{item.id}/raw")
    assert download.status_code == 200
    download.close()
    assert [e.details["via"] for e in reads(session, item.ticket_id)] == ["mail-admin", "mail-admin-raw"]


def test_huge_numbers_in_urls_and_query_strings_are_not_errors(client, auth):
    """Finding 11: numbers beyond the database's integers are 404s or ignored, never 500."""
    auth.login("lena")
    for url in (f"/tickets/{HUGE}", f"/tickets/{HUGE}/attachments/{HUGE}", f"/tickets/1/attachments/{HUGE}",
                f"/tickets/{'9' * 5000}", f"/queue?priority={HUGE}", f"/queue?group={HUGE}&page={HUGE}",
                f"/queue?system={'9' * 5000}", f"/tickets/new?system={HUGE}", f"/access/request?system={HUGE}"):
        assert client.get(url).status_code in (200, 404), url
    assert client.post(f"/tickets/{HUGE}/reply", data={"body": "x"}).status_code == 404
    assert client.post("/queue/assign", data={"ticket": [HUGE], "assignee_id": "0"}).status_code == 302
    auth.logout()
    auth.login("admin")
    for url in (f"/admin/mail?page={HUGE}", f"/admin/users?page={'9' * 5000}", f"/admin/mail/{HUGE}",
                f"/admin/retention/runs?before={HUGE}", f"/audit/?before={HUGE}&after={HUGE}",
                f"/reports/monthly/2026-10?org={HUGE}", f"/reports/monthly/2026-10/tickets?figure=opened&page={HUGE}",
                f"/reports/monthly/2026-10/tickets?figure=opened&dimension=group&value={HUGE}"):
        assert client.get(url).status_code in (200, 404), url


def test_huge_numbers_in_forms_are_field_errors(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    session.commit()
    auth.login("erik")
    response = client.post(f"/tickets/{ticket.id}/link", data={"link-number": HUGE})
    assert response.status_code == 400 and "för stort" in response.get_data(as_text=True)


def test_huge_number_on_the_command_line_is_a_usage_error(runner):
    result = runner.invoke(args=["tickets", "show", HUGE])
    assert result.exit_code == 2 and "Traceback" not in result.output and HUGE in result.output
    result = runner.invoke(args=["tickets", "update", HUGE, "--status", "solved"])
    assert result.exit_code == 2
