"""ingest(): new tickets, follow-ups, duplicates, automatic mail, threading rules, quarantine."""

import sqlalchemy as sa

from helpdesk.auth.models import User
from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.intake.services import ingest, reprocess
from helpdesk.notifications.models import OutboundMessage
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Attachment, Message, Status, Ticket
from tests import factories as f
from tests.intake.builders import mail


def box(session, name="servicedesk"):
    return session.scalar(sa.select(Mailbox).where(Mailbox.name == name))


def take(session, raw, clock, name="servicedesk"):
    result = ingest(raw, box(session, name), now=clock.now())
    session.commit()  # runs the before-commit outbox composition (a savepoint in tests)
    return result.as_dict()


def outbox(session, ticket_id=None, kind=None):
    query = sa.select(OutboundMessage).order_by(OutboundMessage.id)
    if ticket_id:
        query = query.where(OutboundMessage.ticket_id == ticket_id)
    if kind:
        query = query.where(OutboundMessage.kind == kind)
    return session.scalars(query).all()


def test_new_mail_from_employee_creates_ticket_and_acknowledges(session, clock, users):
    result = take(session, mail(), clock)
    assert result["outcome"] == "created" and result["acknowledged"] and not result["automatic"]
    ticket = session.get(Ticket, result["ticket"])
    assert ticket.requester_id == users["anna"].id and ticket.channel == "email"
    assert ticket.support_group.name == "Servicedesk"
    ack = outbox(session, ticket.id, "acknowledgement")[0]
    assert ack.recipients == ["anna@exempelby.se"] and f"[#{ticket.id}]" in ack.subject
    assert ack.headers["Auto-Submitted"] == "auto-replied"
    assert ack.headers["X-Auto-Response-Suppress"] == "All"
    assert ack.message_id.endswith("@helpdesk.exempelby.se")
    assert ack.headers["In-Reply-To"] == f"<{result['message_id']}>"


def test_unknown_sender_becomes_contact_and_is_recognised_next_time(session, clock):
    first = take(session, mail(sender="Kalle Kula <kalle@example.org>"), clock)
    second = take(session, mail(sender="kalle@example.org", subject="Ett till fel"), clock)
    a, b = session.get(Ticket, first["ticket"]), session.get(Ticket, second["ticket"])
    assert a.requester_id == b.requester_id and a.requester.is_contact
    assert a.requester.full_name == "Kalle Kula"


def test_same_message_twice_is_a_duplicate(session, clock):
    raw = mail()
    first = take(session, raw, clock)
    again = take(session, raw, clock, name="skolit")  # the desk CC'd on the same mail
    assert again["outcome"] == "duplicate" and again["ticket"] == first["ticket"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(Ticket.id == first["ticket"])) == 1


def test_message_without_message_id_is_deduplicated_by_hash(session, clock):
    raw = mail(message_id=False)
    first = take(session, raw, clock)
    assert first["message_id"].endswith("@derived.invalid")
    assert take(session, raw, clock)["outcome"] == "duplicate"


def test_reply_to_agent_mail_lands_on_same_ticket(session, clock, users):
    created = take(session, mail(), clock)
    ticket = session.get(Ticket, created["ticket"])
    tickets.add_reply(ticket, body="Vilken skrivare?", actor=users["erik"], now=clock.now(), staff=True)
    tickets.change_status(ticket, Status.WAITING_REQUESTER, actor=users["erik"], now=clock.now())
    session.commit()
    question = outbox(session, ticket.id, "request_info")[-1]
    assert question.headers["References"].startswith(f"<{created['message_id']}>")
    reply = mail(subject=f"SV: [#{ticket.id}] Skrivaren krånglar", body="Den vid fikarummet.\n\n> Vilken skrivare?",
                 headers={"In-Reply-To": f"<{question.message_id}>", "References": f"<{question.message_id}>"})
    result = take(session, reply, clock)
    assert result["outcome"] == "followup" and result["ticket"] == ticket.id
    session.refresh(ticket)
    assert ticket.status == Status.OPEN
    last = session.scalars(sa.select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id.desc())).first()
    assert last.body_reply == "Den vid fikarummet." and "> Vilken skrivare?" in last.body


def test_out_of_office_reply_to_acknowledgement_gets_no_second_acknowledgement(session, clock):
    created = take(session, mail(), clock)
    ack = outbox(session, created["ticket"], "acknowledgement")[0]
    ooo = mail(subject=f"Automatiskt svar: {ack.subject}", body="Jag är på semester till måndag.",
               headers={"Auto-Submitted": "auto-replied", "In-Reply-To": f"<{ack.message_id}>",
                        "X-MS-Exchange-Inbox-Rules-Loop": "anna@exempelby.se"})
    result = take(session, ooo, clock)
    assert result["outcome"] == "followup" and result["automatic"] and not result["acknowledged"]
    assert len(outbox(session, created["ticket"], "acknowledgement")) == 1
    assert session.get(Ticket, created["ticket"]).status == Status.NEW


def test_swedish_out_of_office_by_subject_alone_is_automatic(session, clock):
    before = len(outbox(session, kind="acknowledgement"))
    result = take(session, mail(subject="Frånvaromeddelande: Skrivaren", body="Jag är ledig."), clock)
    assert result["outcome"] == "ignored" and result["automatic"]
    assert len(outbox(session, kind="acknowledgement")) == before


def test_raw_eight_bit_header_is_read_not_refused(session, clock):
    raw = (b"From: kalle@example.org\r\nTo: servicedesk@exempelby.se\r\nSubject: Sk\xe4rmen \xe4r svart\r\n"
           b"Message-ID: <raw8@example.org>\r\n\r\nHej")
    result = take(session, raw, clock)
    assert result["outcome"] == "created"
    assert session.get(Ticket, result["ticket"]).subject == "Skärmen är svart"


def test_subject_tag_from_a_stranger_opens_new_ticket(session, clock, users):
    ticket = f.ticket(users["anna"], now=clock.now())
    stranger = take(session, mail(sender="okand@example.org", subject=f"[#{ticket.id}] hej"), clock)
    assert stranger["outcome"] == "created" and stranger["ticket"] != ticket.id
    requester = take(session, mail(sender="anna@exempelby.se", subject=f"Re: [#{ticket.id}] hej"), clock)
    assert requester["outcome"] == "followup" and requester["ticket"] == ticket.id


def test_forged_message_id_does_not_thread(session, clock, users):
    ticket = f.ticket(users["anna"], now=clock.now())
    forged = f"hd.{ticket.id}.deadbeef.0000000000000000@helpdesk.exempelby.se"
    result = take(session, mail(sender="okand@example.org", subject="hej", headers={"In-Reply-To": f"<{forged}>"}), clock)
    assert result["outcome"] == "created" and result["ticket"] != ticket.id


def test_bounce_of_our_mail_is_recorded_on_its_ticket(session, clock):
    created = take(session, mail(sender="kalle@example.org"), clock)
    ack = outbox(session, created["ticket"], "acknowledgement")[0]
    bounce = (
        "From: MAILER-DAEMON@mx.example.org\r\nTo: servicedesk@exempelby.se\r\n"
        "Subject: Olevererbart: " + ack.subject + "\r\nMessage-ID: <ndr-1@mx.example.org>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDet gick inte att leverera meddelandet.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
        "Final-Recipient: rfc822; kalle@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--b\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <" + ack.message_id + ">\r\n"
        "Subject: x\r\n\r\nbody\r\n--b--\r\n").encode()
    result = take(session, bounce, clock)
    assert result["automatic"] and result["outcome"] == "followup" and result["ticket"] == created["ticket"]
    assert len(outbox(session, created["ticket"], "acknowledgement")) == 1


def test_reply_to_closed_ticket_follows_mailbox_policy(session, clock, users):
    reopen = take(session, mail(), clock)
    t1 = session.get(Ticket, reopen["ticket"])
    tickets.change_status(t1, Status.CLOSED, actor=users["erik"], now=clock.now())
    ack1 = outbox(session, t1.id, "acknowledgement")[0]
    again = take(session, mail(subject="SV: fel", headers={"In-Reply-To": f"<{ack1.message_id}>"}), clock)
    assert again["outcome"] == "followup" and session.get(Ticket, t1.id).status == Status.OPEN
    linked = take(session, mail(to="skolit@exempelby.se", subject="Elevdator trasig"), clock, name="skolit")
    t2 = session.get(Ticket, linked["ticket"])
    assert t2.support_group.name == "Skol-IT"
    tickets.change_status(t2, Status.CLOSED, actor=users["johan"], now=clock.now())
    ack2 = outbox(session, t2.id, "acknowledgement")[0]
    answer = take(session, mail(to="skolit@exempelby.se", subject="SV: Elevdator",
                                headers={"In-Reply-To": f"<{ack2.message_id}>"}), clock, name="skolit")
    assert answer["outcome"] == "created" and answer["ticket"] != t2.id
    assert session.get(Ticket, t2.id).status == Status.CLOSED


def test_cc_colleague_becomes_participant(session, clock, users):
    result = take(session, mail(cc="Erik <erik@exempelby.se>, servicedesk@exempelby.se, extern@example.org"), clock)
    ticket = session.get(Ticket, result["ticket"])
    assert {p.user_id for p in ticket.participants} == {users["erik"].id}


def test_attachments_inline_images_and_refused_types(session, clock):
    raw = mail(body="Se bild", attachments=[("skärmbild.png", b"\x89PNG....", "image/png"),
                                           ("virus.exe", b"MZ", "application/octet-stream")])
    result = take(session, raw, clock)
    names = set(session.scalars(sa.select(Attachment.filename).where(Attachment.ticket_id == result["ticket"])))
    assert names == {"skärmbild.png"}
    body = session.scalar(sa.select(Message.body).where(Message.ticket_id == result["ticket"]))
    assert "virus.exe" in body


def test_latin1_subject_and_body(session, clock):
    raw = ("From: =?iso-8859-1?q?G=F6ran_Lund?= <goran@exempelby.se>\r\nTo: servicedesk@exempelby.se\r\n"
           "Subject: =?iso-8859-1?q?Sk=E4rmen_=E4r_svart?=\r\nMessage-ID: <latin1@exempelby.se>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\n").encode() + "Hälsningar från Göran – åäö".encode("cp1252")
    result = take(session, raw, clock)
    ticket = session.get(Ticket, result["ticket"])
    assert ticket.subject == "Skärmen är svart"
    assert "Hälsningar från Göran – åäö" in ticket.messages[0].body


def test_oversize_mail_is_kept_and_quarantined(app, session, clock):
    app.config["MAIL_MAX_BYTES"] = 1000
    try:
        result = take(session, mail(body="x" * 5000), clock)
    finally:
        app.config["MAIL_MAX_BYTES"] = 40 * 1024 * 1024
    assert result["outcome"] == "quarantined" and result["reason"] == "too_large"


def test_domain_restriction_quarantines_then_reimport_after_fix(session, clock):
    desk = box(session)
    desk.allowed_domains = "exempelby.se"
    result = take(session, mail(sender="spam@example.com"), clock)
    assert result["outcome"] == "quarantined" and "not allowed" in result["reason"]
    desk.allowed_domains = ""
    inbound = session.scalar(sa.select(InboundMessage).where(InboundMessage.outcome == "quarantined"))
    again = reprocess(inbound, now=clock.now())
    assert again.inbound.outcome == "created" and inbound.released_at == clock.now()


def test_our_own_mail_coming_back_is_ignored(session, clock):
    created = take(session, mail(), clock)
    ack = outbox(session, created["ticket"], "acknowledgement")[0]
    echo = mail(sender="servicedesk@exempelby.se", message_id=f"<{ack.message_id}>", subject=ack.subject)
    assert take(session, echo, clock)["outcome"] == "ignored"


def test_acknowledgements_are_rate_limited_per_sender(session, clock):
    results = [take(session, mail(sender="loop@example.org", subject=f"Fel {i}"), clock) for i in range(7)]
    assert [r["acknowledged"] for r in results] == [True] * 5 + [False] * 2
    assert len([o for o in outbox(session, kind="acknowledgement") if o.recipients == ["loop@example.org"]]) == 5


def test_mail_to_school_mailbox_is_routed_to_school_it(session, clock):
    result = take(session, mail(to="skolit@exempelby.se", subject="Projektorn"), clock, name="skolit")
    assert session.get(Ticket, result["ticket"]).support_group.name == "Skol-IT"


def test_agent_reply_by_email_counts_as_staff_reply(session, clock, users):
    created = take(session, mail(cc="erik@exempelby.se"), clock)
    ack = outbox(session, created["ticket"], "acknowledgement")[0]
    reply = mail(sender="erik@exempelby.se", subject="SV: fel", body="Jag kommer förbi.",
                 headers={"In-Reply-To": f"<{ack.message_id}>"})
    assert take(session, reply, clock)["outcome"] == "followup"
    ticket = session.get(Ticket, created["ticket"])
    assert ticket.first_response_at == clock.now() and ticket.status == Status.OPEN


def test_user_without_login_is_not_created_for_known_address(session, clock, users):
    take(session, mail(sender="Anna L <ANNA@exempelby.se>"), clock)
    assert session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "anna@exempelby.se")) == 1


def test_mails_composed_for_one_new_ticket_thread_on_each_other(session, clock, users):
    # The acknowledgement and the group's notice are composed together without a flush in between:
    # the notice still names the acknowledgement in its References, as when each query flushed.
    from helpdesk.org.models import SupportGroup

    group = session.scalar(sa.select(SupportGroup).where(SupportGroup.name == "Servicedesk"))
    group.email = "servicedesk-grupp@exempelby.se"
    session.flush()
    result = take(session, mail(message_id="<anna-ref@exempelby.se>"), clock)
    ack = outbox(session, result["ticket"], "acknowledgement")[0]
    notice = outbox(session, result["ticket"], "new_ticket")[0]
    assert ack.headers["References"] == "<anna-ref@exempelby.se>"
    assert notice.headers["References"].split() == ["<anna-ref@exempelby.se>", f"<{ack.message_id}>"]
    assert notice.headers["In-Reply-To"] == "<anna-ref@exempelby.se>"
