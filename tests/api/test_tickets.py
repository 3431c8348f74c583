"""The ticket API: the same permissions as the web, audited confidential reads, ETags and idempotency."""

import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.extensions import db
from helpdesk.notifications.models import OutboundMessage
from helpdesk.tickets.models import Channel, Ticket, TicketType
from tests import factories


def test_create_read_reply_with_a_token(client, users, clock):
    secret = factories.api_token(users["erik"], now=clock.now())
    db.session.commit()
    created = client.post("/api/v1/tickets", headers=factories.bearer(secret), json={
        "requester": "anna@exempelby.se", "subject": "Skrivaren på plan 3", "body": "Den skriver inte ut.",
        "system": "E-post och kalender", "type": "incident", "impact": 3, "urgency": 2})
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["number"]
    assert created.headers["Location"] == f"/api/v1/tickets/{number}"
    ticket = db.session.get(Ticket, number)
    assert ticket.channel == Channel.API and ticket.requester_id == users["anna"].id
    assert ticket.created_by_id == users["erik"].id

    read = client.get(f"/api/v1/tickets/{number}", headers=factories.bearer(secret))
    assert read.status_code == 200 and read.get_json()["subject"] == "Skrivaren på plan 3"
    assert read.headers["ETag"]

    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage))
    reply = client.post(f"/api/v1/tickets/{number}/replies", headers=factories.bearer(secret),
                        json={"body": "Vi tittar på det."})
    assert reply.status_code == 201
    db.session.expire_all()
    assert db.session.get(Ticket, number).first_response_at is not None  # the SLA counts it like the web
    after = db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage))
    assert after > before  # the requester is mailed


def test_requester_token_sees_only_own_tickets_and_confidential_is_404(client, users, clock):
    own = factories.ticket(users["anna"], now=clock.now())
    other = factories.ticket(users["fatima"], now=clock.now())
    secret_ticket = factories.ticket(users["goran"], now=clock.now(), type=TicketType.SECURITY_INCIDENT)
    secret = factories.api_token(users["anna"], now=clock.now(), scope="read")
    db.session.commit()
    listed = client.get("/api/v1/tickets?status=all&per_page=100", headers=factories.bearer(secret)).get_json()
    numbers = [t["number"] for t in listed["items"]]
    assert own.id in numbers and other.id not in numbers and secret_ticket.id not in numbers
    assert {t["requester"]["username"] for t in listed["items"]} == {"anna"}
    assert client.get(f"/api/v1/tickets/{other.id}", headers=factories.bearer(secret)).status_code == 404  # hidden answers like missing (issue 8, finding 17)
    hidden = client.get(f"/api/v1/tickets/{secret_ticket.id}", headers=factories.bearer(secret))
    assert hidden.status_code == 404
    assert hidden.headers["Content-Type"] == "application/problem+json"
    assert hidden.get_json()["status"] == 404


def test_confidential_read_is_audited_with_the_token(client, users, clock):
    incident = factories.ticket(users["goran"], now=clock.now(), type=TicketType.SECURITY_INCIDENT)
    secret = factories.api_token(users["ines"], now=clock.now(), scope="read")
    db.session.commit()
    assert client.get(f"/api/v1/tickets/{incident.id}", headers=factories.bearer(secret)).status_code == 200
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "confidential_read", AuditEntry.object_id == str(incident.id)))
    assert entry.actor_id == users["ines"].id and entry.details["via"] == "api" and entry.details["token_id"]


def test_update_needs_if_match_and_refuses_a_stale_one(client, users, clock):
    ticket = factories.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    secret = factories.api_token(users["erik"], now=clock.now())
    db.session.commit()
    url = f"/api/v1/tickets/{ticket.id}"
    etag = client.get(url, headers=factories.bearer(secret)).headers["ETag"]
    assert client.patch(url, headers=factories.bearer(secret), json={"status": "open"}).status_code == 428
    first = client.patch(url, headers=factories.bearer(secret, **{"If-Match": etag}), json={"impact": 1, "urgency": 1})
    assert first.status_code == 200 and first.get_json()["priority"] == 1
    stale = client.patch(url, headers=factories.bearer(secret, **{"If-Match": etag}), json={"status": "solved"})
    assert stale.status_code == 412
    fresh = client.patch(url, headers=factories.bearer(secret, **{"If-Match": first.headers["ETag"]}),
                         json={"status": "solved"})
    assert fresh.status_code == 200 and fresh.get_json()["status"] == "solved"


def test_validation_errors_name_the_field_in_both_languages(client, users, clock):
    secret = factories.api_token(users["erik"], now=clock.now())
    db.session.commit()
    answer = client.post("/api/v1/tickets", headers=factories.bearer(secret, **{"Accept-Language": "en"}),
                         json={"requester": "nobody", "subject": "x", "body": "y", "impact": 7})
    problem = answer.get_json()
    assert answer.status_code == 422 and answer.headers["Content-Type"] == "application/problem+json"
    assert {"field": "impact"}.items() <= problem["errors"][0].items()
    assert problem["title"] == problem["title_en"] and problem["title_sv"] == "Ogiltiga uppgifter"
    unknown = client.post("/api/v1/tickets", headers=factories.bearer(secret),
                          json={"requester": "nobody", "subject": "x", "body": "y"})
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["field"] == "requester"


def test_idempotency_key_makes_one_ticket(client, users, clock):
    secret = factories.api_token(users["erik"], now=clock.now())
    db.session.commit()
    body = {"requester": "anna", "subject": "Dubbelpost", "body": "Samma begäran två gånger."}
    headers = factories.bearer(secret, **{"Idempotency-Key": "form-4711"})
    first = client.post("/api/v1/tickets", headers=headers, json=body)
    second = client.post("/api/v1/tickets", headers=headers, json=body)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["number"] == second.get_json()["number"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(Ticket.subject == "Dubbelpost")) == 1
    reused = client.post("/api/v1/tickets", headers=headers, json=body | {"subject": "Annat"})
    assert reused.status_code == 422


def test_only_staff_create_for_someone_else(client, users, clock):
    secret = factories.api_token(users["anna"], now=clock.now())
    db.session.commit()
    answer = client.post("/api/v1/tickets", headers=factories.bearer(secret),
                         json={"requester": "fatima", "subject": "x", "body": "y"})
    assert answer.status_code == 403
    own = client.post("/api/v1/tickets", headers=factories.bearer(secret),
                      json={"requester": "anna", "subject": "Min dator", "body": "Startar inte."})
    assert own.status_code == 201


def test_note_is_internal_and_requesters_cannot_write_one(client, users, clock):
    ticket = factories.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    staff = factories.api_token(users["erik"], now=clock.now())
    requester = factories.api_token(users["anna"], now=clock.now())
    db.session.commit()
    note = client.post(f"/api/v1/tickets/{ticket.id}/notes", headers=factories.bearer(staff), json={"body": "Internt."})
    assert note.status_code == 201 and note.get_json()["kind"] == "internal"
    assert client.post(f"/api/v1/tickets/{ticket.id}/notes", headers=factories.bearer(requester),
                       json={"body": "x"}).status_code == 403
    seen = client.get(f"/api/v1/tickets/{ticket.id}", headers=factories.bearer(requester)).get_json()
    assert all(m["kind"] != "internal" for m in seen["messages"])


def test_attachment_up_and_down(client, users, clock):
    secret = factories.api_token(users["anna"], now=clock.now())
    db.session.commit()
    created = client.post("/api/v1/tickets", headers=factories.bearer(secret), json={
        "requester": "anna", "subject": "Bild", "body": "Se bilaga.",
        "attachments": [{"filename": "fel.txt", "content_base64": "aGVqIGhvcHA="}]}).get_json()
    item = created["messages"][0]["attachments"][0]
    download = client.get(f"/api/v1/tickets/{created['number']}/attachments/{item['id']}", headers=factories.bearer(secret))
    assert download.status_code == 200 and download.data == b"hej hopp"
    download.close()
    refused = client.post("/api/v1/tickets", headers=factories.bearer(secret), json={
        "requester": "anna", "subject": "Bild", "body": "x",
        "attachments": [{"filename": "virus.exe", "content_base64": "aGVq"}]})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"].startswith("attachments")
