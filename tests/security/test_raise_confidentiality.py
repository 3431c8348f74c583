"""Raising a ticket to a security incident narrows who may see it, on every channel.

The requester keeps their own report (public messages, replying); the person raising it and its
assignee keep working it; security officers see it. Anyone else who followed it (cc) loses it:
page, attachments, portal list, queue and its count, search, API, mail by reply, and mail.
"""

import io

import sqlalchemy as sa

from helpdesk.intake.models import Mailbox
from helpdesk.intake.services import ingest
from helpdesk.notifications import jobs as outbox_jobs
from helpdesk.notifications.models import OutboundMessage, OutboxStatus
from helpdesk.security.services import raise_to_incident
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Attachment, Message, TicketEvent
from tests import factories as f
from tests.intake.builders import mail

SUBJECT = "Konstigt mejl om löneutbetalning Zebrafink"


def followed_ticket(session, users, clock):
    """Anna's ticket that Fatima (employee) and Johan (agent in another group) follow as cc, with an attachment."""
    ticket = f.ticket(users["anna"], now=clock.now(), subject=SUBJECT, system_name="Verksamhetssystem socialtjänst")
    for who in ("fatima", "johan"):
        tickets.add_participant(ticket, users[who].id, role="cc")
    session.flush()
    return ticket


def attach(client, auth, session, ticket):
    auth.login("sara")
    response = client.post(f"/tickets/{ticket.id}/reply", content_type="multipart/form-data", data={
        "body": "Skärmbild från lönesystemet", "kind": "public", "status": "",
        "attachments": (io.BytesIO(b"bild"), "skarmbild.txt")})
    assert response.status_code == 302
    auth.logout()
    return session.scalar(sa.select(Attachment).where(Attachment.ticket_id == ticket.id))


def test_cc_participants_lose_every_channel_when_the_ticket_is_raised(client, auth, session, users, clock):
    ticket = followed_ticket(session, users, clock)
    session.commit()
    item = attach(client, auth, session, ticket)
    secrets = {who: f.api_token(users[who], now=clock.now(), scope="read") for who in ("fatima", "johan")}
    session.commit()
    auth.login("fatima")
    assert client.get(f"/tickets/{ticket.id}").status_code == 200  # before: a follower sees it
    auth.logout()

    raise_to_incident(ticket, actor=users["sara"], now=clock.now())
    session.commit()

    for who in ("fatima", "johan"):
        auth.login(who)
        assert client.get(f"/tickets/{ticket.id}").status_code == 404, who
        response = client.get(f"/tickets/{ticket.id}/attachments/{item.id}")
        assert response.status_code == 404, who
        response.close()
        for url in ["/", "/queue?scope=all&status=all", "/queue?scope=all&q=Zebrafink"]:
            response = client.get(url)
            assert SUBJECT not in response.get_data(as_text=True), (who, url)
        auth.logout()
        headers = f.bearer(secrets[who])
        assert client.get(f"/api/v1/tickets/{ticket.id}", headers=headers).status_code == 404, who
        assert client.get(f"/api/v1/tickets/{ticket.id}/messages", headers=headers).status_code == 404, who
        listed = client.get("/api/v1/tickets?status=all&q=Zebrafink", headers=headers)
        assert SUBJECT not in listed.get_data(as_text=True), who


def test_queue_count_of_a_former_follower_drops_the_raised_ticket(client, auth, session, users, clock):
    ticket = followed_ticket(session, users, clock)
    session.commit()
    from helpdesk.tickets.queries import QueueFilter, queue_query, visible_tickets
    from helpdesk.tickets.models import Ticket

    def counted():
        return session.scalar(sa.select(sa.func.count()).select_from(
            queue_query(users["johan"], QueueFilter(status="all", text="Zebrafink")).subquery()))

    assert counted() == 1
    raise_to_incident(ticket, actor=users["sara"], now=clock.now())
    session.flush()
    from flask import g
    g.pop("_reach", None)
    assert counted() == 0
    assert session.scalar(sa.select(Ticket.id).where(Ticket.id == ticket.id, visible_tickets(users["fatima"]))) is None


def test_requester_raiser_and_officer_keep_it_and_the_decision_is_in_the_history(
        client, auth, session, users, clock):
    ticket = followed_ticket(session, users, clock)
    raise_to_incident(ticket, actor=users["sara"], now=clock.now())
    session.commit()
    for who in ("anna", "sara", "ines"):
        auth.login(who)
        assert client.get(f"/tickets/{ticket.id}").status_code == 200, who
        auth.logout()
    event = session.scalar(sa.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "security:access_narrowed"))
    assert event is not None
    assert "fatima" in event.reason and "johan" in event.reason and "requester" in event.reason
    auth.login("sara")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "begränsade vem som ser ärendet" in page


def test_mail_queued_before_the_raise_no_longer_goes_to_former_followers(client, auth, session, users, clock):
    ticket = followed_ticket(session, users, clock)
    session.commit()
    auth.login("sara")
    assert client.post(f"/tickets/{ticket.id}/reply", data={
        "body": "Vi tittar på det", "kind": "public", "status": ""}).status_code == 302
    auth.logout()
    queued = session.scalars(sa.select(OutboundMessage).where(
        OutboundMessage.ticket_id == ticket.id, OutboundMessage.kind == "agent_reply")).all()
    assert queued and "fatima@exempelby.se" in queued[0].recipients + queued[0].cc  # not sent yet

    raise_to_incident(ticket, actor=users["sara"], now=clock.now())
    session.commit()
    session.expire_all()
    for row in session.scalars(sa.select(OutboundMessage).where(
            OutboundMessage.ticket_id == ticket.id, OutboundMessage.status == OutboxStatus.PENDING)):
        assert not {"fatima@exempelby.se", "johan@exempelby.se"} & set(row.recipients + row.cc), row.kind

    auth.login("sara")
    assert client.post(f"/tickets/{ticket.id}/reply", data={
        "body": "Nu utreder säkerhetssamordnaren", "kind": "public", "status": ""}).status_code == 302
    later = session.scalars(sa.select(OutboundMessage).where(
        OutboundMessage.ticket_id == ticket.id).order_by(OutboundMessage.id.desc())).first()
    assert later.recipients + later.cc == ["anna@exempelby.se"]


def test_outbox_withholds_a_confidential_mail_from_someone_who_cannot_see_the_ticket(
        app, session, users, clock, monkeypatch):
    ticket = followed_ticket(session, users, clock)
    raise_to_incident(ticket, actor=users["sara"], now=clock.now())
    # A mail written by a transaction that raced the raise: it still names a former follower.
    raced = OutboundMessage(
        created_at=clock.now(), kind="agent_reply", ticket_id=ticket.id, sender="servicedesk@exempelby.se",
        recipients=["anna@exempelby.se"], cc=["fatima@exempelby.se"], subject="Svar", message_id="raced@test",
        headers={}, body_text="Hemligt innehåll", status=OutboxStatus.PENDING, next_attempt_at=clock.now())
    only_theirs = OutboundMessage(
        created_at=clock.now(), kind="agent_reply", ticket_id=ticket.id, sender="servicedesk@exempelby.se",
        recipients=["johan@exempelby.se"], cc=[], subject="Svar", message_id="raced2@test",
        headers={}, body_text="Hemligt innehåll", status=OutboxStatus.PENDING, next_attempt_at=clock.now())
    session.add_all([raced, only_theirs])
    session.commit()
    sent = []
    monkeypatch.setattr(outbox_jobs, "transport_for", lambda outbound, mailbox: lambda o: sent.append(
        (o.message_id, list(o.recipients) + list(o.cc))))
    outbox_jobs.send_outbox(clock)
    by_id = dict(sent)
    assert by_id.get("raced@test") == ["anna@exempelby.se"]
    assert "raced2@test" not in by_id
    session.expire_all()
    assert session.get(OutboundMessage, only_theirs.id).status == OutboxStatus.WITHHELD


def test_former_follower_mailing_a_reply_does_not_reach_the_raised_ticket(session, users, clock):
    ticket = followed_ticket(session, users, clock)
    raise_to_incident(ticket, actor=users["sara"], now=clock.now())
    session.commit()
    mailbox = session.scalar(sa.select(Mailbox).order_by(Mailbox.id))
    before = session.scalar(sa.select(sa.func.count()).select_from(Message).where(Message.ticket_id == ticket.id))
    ingest(mail(sender="fatima@exempelby.se", subject=f"SV: [#{ticket.id}] {SUBJECT}", body="Har ni hittat något?"),
           mailbox, now=clock.now())
    after = session.scalar(sa.select(sa.func.count()).select_from(Message).where(Message.ticket_id == ticket.id))
    assert after == before


def test_a_follower_who_raises_the_ticket_keeps_it_as_its_worker(client, auth, session, users, clock):
    ticket = followed_ticket(session, users, clock)
    tickets.add_participant(ticket, users["lena"].id, role="cc")
    session.flush()
    raise_to_incident(ticket, actor=users["lena"], now=clock.now())
    session.commit()
    auth.login("lena")
    assert client.get(f"/tickets/{ticket.id}").status_code == 200


def test_a_confidential_ticket_cannot_be_merged_into_an_ordinary_one(session, users, clock):
    import pytest

    from helpdesk.errors import DomainError

    incident = followed_ticket(session, users, clock)
    raise_to_incident(incident, actor=users["ines"], now=clock.now())
    ordinary = f.ticket(users["fatima"], now=clock.now(), subject="Skrivaren")
    with pytest.raises(DomainError):
        tickets.merge_ticket(incident, ordinary, actor=users["ines"], now=clock.now())
    assert incident.merged_into_id is None


def test_a_major_incident_cannot_be_raised_its_outage_communication_is_public(session, users, clock):
    import pytest

    from helpdesk.errors import DomainError
    from helpdesk.outages import services as outages

    major = f.ticket(users["anna"], now=clock.now(), subject="Lönesystemet ligger nere")
    outages.declare_major_incident(major, actor=users["sara"], now=clock.now())
    with pytest.raises(DomainError):
        raise_to_incident(major, actor=users["sara"], now=clock.now())
    assert not major.is_confidential


def test_a_ticket_under_a_major_incident_leaves_it_when_raised(client, auth, session, users, clock):
    from helpdesk.outages import services as outages
    from helpdesk.outages.queries import major_above

    major = f.ticket(users["fatima"], now=clock.now(), subject="Lönesystemet ligger nere")
    outages.declare_major_incident(major, actor=users["sara"], now=clock.now())
    ticket = followed_ticket(session, users, clock)
    outages.link_ticket(major, ticket, actor=users["sara"], now=clock.now())
    raise_to_incident(ticket, actor=users["sara"], now=clock.now())
    session.commit()
    assert major_above(ticket.id) is None
    auth.login("erik")  # an agent on the desk: publishes outages, may not see the incident
    page = client.get(f"/major-incidents/{major.id}").get_data(as_text=True)
    assert "Lönesystemet ligger nere" in page and SUBJECT not in page


def test_an_ordinary_ticket_linked_to_an_incident_does_not_show_its_subject(client, auth, session, users, clock):
    incident = followed_ticket(session, users, clock)
    ordinary = f.ticket(users["fatima"], now=clock.now(), subject="Fråga om lönen")
    tickets.link_tickets(ordinary, incident, actor=users["erik"], now=clock.now())
    raise_to_incident(incident, actor=users["ines"], now=clock.now())
    session.commit()
    auth.login("erik")  # the desk works the ordinary ticket, not the incident
    page = client.get(f"/tickets/{ordinary.id}").get_data(as_text=True)
    assert "Fråga om lönen" in page and SUBJECT not in page
    auth.logout()
    auth.login("ines")
    assert SUBJECT in client.get(f"/tickets/{ordinary.id}").get_data(as_text=True)


def test_the_public_rating_link_of_a_confidential_ticket_does_not_show_its_subject(client, session, users, clock):
    from helpdesk.satisfaction.services import link_token

    ticket = followed_ticket(session, users, clock)  # its "solved" mail, with this link, went to the followers too
    raise_to_incident(ticket, actor=users["ines"], now=clock.now())
    session.commit()
    page = client.get(f"/satisfaction/{link_token(ticket)}").get_data(as_text=True)
    assert f"#{ticket.id}" in page and SUBJECT not in page


def test_linked_tickets_are_read_for_each_viewer_not_kept_from_an_earlier_one(client, auth, session, users, clock):
    """The linked tickets a security officer saw are not shown to the next viewer of the same ticket
    (helpdesk.tickets.pages._links was once kept per ticket object by built_once, results and all)."""
    incident = followed_ticket(session, users, clock)
    ordinary = f.ticket(users["fatima"], now=clock.now(), subject="Fråga om lönen")
    tickets.link_tickets(ordinary, incident, actor=users["erik"], now=clock.now())
    raise_to_incident(incident, actor=users["ines"], now=clock.now())
    session.commit()
    auth.login("ines")
    assert SUBJECT in client.get(f"/tickets/{ordinary.id}").get_data(as_text=True)
    auth.logout()
    auth.login("erik")  # the desk works the ordinary ticket, not the incident
    page = client.get(f"/tickets/{ordinary.id}").get_data(as_text=True)
    assert "Fråga om lönen" in page and SUBJECT not in page


def test_links_are_not_kept_between_calls(app, session, users, clock):
    from flask_login import login_user

    from helpdesk.tickets import pages

    one = f.ticket(users["fatima"], now=clock.now(), subject="Första")
    two = f.ticket(users["fatima"], now=clock.now(), subject="Andra")
    with app.test_request_context():
        login_user(users["ines"])
        assert pages._links(one) == []
        tickets.link_tickets(one, two, actor=users["erik"], now=clock.now())
        session.flush()
        assert pages._links(one) == [two]  # read again, not a result kept from the first call
