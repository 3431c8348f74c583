"""Ticket pages through HTTP: report form, replies, attachments, queue, phone log."""

import io

import sqlalchemy as sa

from helpdesk.tickets.models import Attachment, Ticket
from tests import factories as f


def report(client, **overrides):
    data = {"type": "incident", "system_id": "0", "subject": "Skrivaren fungerar inte",
            "description": "Den matar ut tomma papper.", "impact": "3", "urgency": "3"}
    data.update(overrides)
    return client.post("/tickets/new", data=data, content_type="multipart/form-data")


def newest(session):
    return session.scalar(sa.select(Ticket).order_by(Ticket.id.desc()))


def test_report_creates_ticket_and_shows_it(client, auth, session):
    auth.login("anna")
    response = report(client, system_id=str(f.system("Trygghetslarm").id))
    assert response.status_code == 302
    ticket = newest(session)
    assert ticket.subject == "Skrivaren fungerar inte"
    assert ticket.support_group.name == "Verksamhetssystem Socialförvaltningen"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"#{ticket.id}" in page and "Den matar ut tomma papper." in page


def test_report_errors_are_swedish_beside_fields_and_keep_input(client, auth, session):
    auth.login("anna")
    before = session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    response = report(client, subject="", description="Min långa beskrivning som inte får försvinna")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Skriv en kort rubrik." in html
    assert 'aria-invalid="true"' in html
    assert "Min långa beskrivning som inte får försvinna" in html
    assert session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == before


def test_forbidden_attachment_is_refused_and_text_kept(client, auth, session):
    auth.login("anna")
    before = session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    response = report(client, description="Se bifogad fil", attachments=(io.BytesIO(b"MZ..."), "virus.exe"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Filtypen .exe får inte bifogas" in html
    assert "Se bifogad fil" in html
    assert session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == before


def test_oversized_attachment_is_refused_and_text_kept(app, client, auth):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    try:
        auth.login("anna")
        response = report(client, description="Stor skärmbild", attachments=(io.BytesIO(b"x" * 2048), "bild.png"))
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = 20 * 1024 * 1024
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "för stor" in html and "Stor skärmbild" in html


def test_attachment_is_stored_and_served_only_as_download(client, auth, session):
    auth.login("anna")
    report(client, attachments=(io.BytesIO(b"<html><script>alert(1)</script>"), "sida.html"))
    ticket = newest(session)
    item = session.scalar(sa.select(Attachment).where(Attachment.ticket_id == ticket.id))
    response = client.get(f"/tickets/{ticket.id}/attachments/{item.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == b"<html><script>alert(1)</script>"
    response.close()
    auth.logout()
    auth.login("fatima")
    assert client.get(f"/tickets/{ticket.id}/attachments/{item.id}").status_code == 404  # hidden: as if missing


def test_internal_note_and_its_attachment_are_hidden_from_requester(client, auth, session, users, clock):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    response = client.post(f"/tickets/{ticket.id}/reply", content_type="multipart/form-data", data={
        "body": "Hemlig intern anteckning", "kind": "internal", "status": "",
        "attachments": (io.BytesIO(b"logg"), "logg.txt")})
    assert response.status_code == 302
    item = session.scalar(sa.select(Attachment).where(Attachment.ticket_id == ticket.id))
    auth.logout()
    auth.login("anna")
    assert "Hemlig intern anteckning" not in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert client.get(f"/tickets/{ticket.id}/attachments/{item.id}").status_code == 404


def test_agent_reply_with_status_change(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    response = client.post(f"/tickets/{ticket.id}/reply", data={
        "body": "Kan du skicka en skärmbild?", "kind": "public", "status": "waiting_requester"})
    assert response.status_code == 302
    session.expire_all()
    assert ticket.status == "waiting_requester" and ticket.first_response_at is not None


def test_requester_sees_reply_and_answers(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    client.post(f"/tickets/{ticket.id}/reply", data={"body": "Prova att starta om", "kind": "public"})
    auth.logout()
    auth.login("anna")
    assert "Prova att starta om" in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert client.post(f"/tickets/{ticket.id}/reply", data={"body": "Det hjälpte inte"}).status_code == 302


def test_invalid_transition_shows_message_not_error(client, auth, users, clock):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    client.post(f"/tickets/{ticket.id}/status", data={"status": "closed"})
    response = client.post(f"/tickets/{ticket.id}/status", data={"status": "waiting_supplier"}, follow_redirects=True)
    assert response.status_code in (200, 400)


def test_link_to_unknown_ticket_is_a_form_message(client, auth, users, clock):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    response = client.post(f"/tickets/{ticket.id}/link", data={"link-number": "99999999"}, follow_redirects=True)
    assert "finns inte" in response.get_data(as_text=True)


def test_merge_through_the_page(client, auth, users, clock, session):
    a = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    b = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    assert client.post(f"/tickets/{b.id}/merge", data={"merge-number": str(a.id), "confirmed": "1"}).status_code == 302
    session.expire_all()
    assert b.merged_into_id == a.id


def test_requester_confirms_solution(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    client.post(f"/tickets/{ticket.id}/status", data={"status": "solved"})
    auth.logout()
    auth.login("anna")
    assert "Är problemet löst?" in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert client.post(f"/tickets/{ticket.id}/confirm").status_code == 302
    session.expire_all()
    assert ticket.status == "closed"


def test_requester_reopens_with_reason(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    client.post(f"/tickets/{ticket.id}/status", data={"status": "solved"})
    auth.logout()
    auth.login("anna")
    assert client.post(f"/tickets/{ticket.id}/reopen", data={"reopen-body": ""}).status_code == 400
    assert client.post(f"/tickets/{ticket.id}/reopen", data={"reopen-body": "Samma fel igen"}).status_code == 302
    session.expire_all()
    assert ticket.status == "open"


def test_queue_shows_own_groups_sorted_by_due(client, auth, users, clock):
    f.ticket(users["anna"], now=clock.now(), subject="Journalen hänger", system_name="Verksamhetssystem socialtjänst")
    f.ticket(users["anna"], now=clock.now(), subject="Kalendern borta", system_name="E-post och kalender")
    auth.login("sara")
    html = client.get("/queue").get_data(as_text=True)
    assert "Journalen hänger" in html and "Kalendern borta" not in html
    auth.logout()
    auth.login("erik")
    html = client.get("/queue").get_data(as_text=True)
    assert "Kalendern borta" in html and "Journalen hänger" not in html
    assert "Journalen hänger" in client.get("/queue?scope=all").get_data(as_text=True)


def test_queue_filters_and_text_search(client, auth, users, clock):
    f.ticket(users["anna"], now=clock.now(), subject="Projektorn i aulan", body="ingen bild", impact=1, urgency=1)
    f.ticket(users["anna"], now=clock.now(), subject="Tangentbordet saknar å", body="tangent", impact=3, urgency=3)
    auth.login("erik")
    assert "Projektorn i aulan" in client.get("/queue?priority=1").get_data(as_text=True)
    assert "Projektorn i aulan" not in client.get("/queue?priority=4").get_data(as_text=True)
    html = client.get("/queue?scope=all&q=tangentbord").get_data(as_text=True)
    assert "Tangentbordet saknar å" in html and "Projektorn" not in html
    for query in ["status=all", "status=closed", "assignee=0", "system=1", "department=1", "group=1",
                  "page=2", "page=abc", "status=bogus", "q=%22%27*", "q=" + "x" * 500]:
        assert client.get(f"/queue?{query}").status_code == 200, query


def test_bulk_assign(client, auth, users, clock, session):
    a = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    b = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    response = client.post("/queue/assign", data={"ticket": [str(a.id), str(b.id)], "assignee_id": str(users["erik"].id)})
    assert response.status_code == 302
    session.expire_all()
    assert a.assignee_id == b.assignee_id == users["erik"].id


def test_phone_call_logged_for_caller(client, auth, users, session):
    auth.login("erik")
    response = client.post("/phone", data={
        "caller": "anna@exempelby.se", "system_id": "0", "subject": "Glömt lösenord",
        "description": "Ringde, bytt lösenord", "impact": "3", "urgency": "2", "solved": "y"})
    assert response.status_code == 302
    ticket = newest(session)
    assert ticket.requester_id == users["anna"].id and ticket.channel == "phone" and ticket.status == "solved"


def test_phone_call_unknown_caller_is_field_error(client, auth):
    auth.login("erik")
    response = client.post("/phone", data={"caller": "nobody", "system_id": "0", "subject": "x",
                                           "description": "y", "impact": "3", "urgency": "3"})
    assert response.status_code == 400
    assert "Ingen person" in response.get_data(as_text=True)


def test_mail_like_html_in_text_is_escaped(client, auth, users, clock):
    ticket = f.ticket(users["anna"], now=clock.now(), subject="<script>alert(1)</script>",
                      body='<img src=x onerror="alert(2)">')
    auth.login("anna")
    html = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html
