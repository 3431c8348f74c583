"""Swedish mail as Outlook and Exchange write it: SV:/VB:, Automatiskt svar, Frånvaromeddelande,
Swedish non-delivery reports, Latin-1 and Windows-1252, winmail.dat, HTML-only, Outlook quoting."""

import pytest
import sqlalchemy as sa

from helpdesk.intake.models import Mailbox
from helpdesk.intake.services import ingest
from helpdesk.notifications.models import OutboundMessage
from helpdesk.tickets.models import Attachment, Message, MessageKind, Status, Ticket
from tests.intake.builders import mail
from tests.intake.corpus import CORPUS, require_corpus, tnef_mail

CRLF = "\r\n"


def take(session, raw, clock):
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    result = ingest(raw if isinstance(raw, bytes) else raw.encode(), desk, now=clock.now())
    session.commit()  # composes the outbox (a savepoint in tests)
    return result.as_dict()


def acks(session, ticket_id):
    return session.scalars(sa.select(OutboundMessage).where(
        OutboundMessage.ticket_id == ticket_id, OutboundMessage.kind == "acknowledgement")).all()


def messages(session, ticket_id):
    return session.scalars(sa.select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)).all()


def raw(*headers, body="", charset="utf-8"):
    """A raw message from header lines and a body, with CRLF line ends."""
    head = CRLF.join(headers) + CRLF + CRLF
    return head.encode("ascii") + body.replace("\n", CRLF).encode(charset)


@pytest.fixture
def ticket_and_ack(session, clock):
    """A ticket opened by mail from Anna and its acknowledgement in the outbox."""
    created = take(session, mail(subject="Skrivaren på plan 2"), clock)
    return session.get(Ticket, created["ticket"]), acks(session, created["ticket"])[0]


def test_outlook_sv_reply_is_a_followup_on_the_ticket(session, clock, ticket_and_ack):
    ticket, ack = ticket_and_ack
    reply = mail(subject=f"SV: {ack.subject}", body="Den står vid fikarummet.",
                 headers={"In-Reply-To": f"<{ack.message_id}>", "References": f"<{ack.message_id}>"})
    result = take(session, reply, clock)
    assert result["outcome"] == "followup" and result["ticket"] == ticket.id and not result["automatic"]
    assert messages(session, ticket.id)[-1].body == "Den står vid fikarummet."


def test_forward_vb_from_colleague_opens_ticket_without_prefix_and_shows_it_whole(session, clock, users):
    body = ("Kan ni hjälpa Göran med det här?\n\n/Anna\n\n"
            "Från: Göran Lund <goran@exempelby.se>\nSkickat: den 18 november 2026 08:12\n"
            "Till: Anna Lindqvist <anna@exempelby.se>\nÄmne: Bygglovssystemet startar inte\n\n"
            "Hej! Bygglovssystemet visar bara ett vitt fönster sedan i morse.\nMvh Göran")
    result = take(session, mail(subject="VB: Bygglovssystemet startar inte", body=body), clock)
    assert result["outcome"] == "created" and result["acknowledged"]
    ticket = session.get(Ticket, result["ticket"])
    assert ticket.subject == "Bygglovssystemet startar inte"
    assert ticket.requester_id == users["anna"].id
    first = messages(session, ticket.id)[0]
    assert "vitt fönster" in first.body and first.body_reply is None  # the forwarded matter is shown


@pytest.mark.parametrize("subject, headers", [
    ("Automatiskt svar: {subject}", {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}),
    ("Automatiskt svar: {subject}", {"X-Auto-Response-Suppress": "DR, RN, OOF, AutoReply"}),
    ("Automatiskt svar: {subject}", {}),
    ("Frånvaromeddelande: {subject}", {"X-MS-Exchange-Inbox-Rules-Loop": "anna@exempelby.se"}),
    ("Frånvaromeddelande: {subject}", {}),
])
def test_exchange_out_of_office_is_recorded_without_acknowledgement(session, clock, ticket_and_ack, subject, headers):
    ticket, ack = ticket_and_ack
    ooo = mail(subject=subject.format(subject=ack.subject), body="Jag är ledig till och med måndag.",
               headers={**headers, "In-Reply-To": f"<{ack.message_id}>"})
    result = take(session, ooo, clock)
    assert result["outcome"] == "followup" and result["automatic"] and not result["acknowledged"]
    assert messages(session, ticket.id)[-1].kind == MessageKind.AUTOMATIC
    assert len(acks(session, ticket.id)) == 1 and session.get(Ticket, ticket.id).status == Status.NEW


@pytest.mark.parametrize("headers", [{}, {"Auto-Submitted": "auto-replied"}])
def test_exchange_out_of_office_about_nothing_of_ours_is_ignored(session, clock, headers):
    before = session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    result = take(session, mail(subject="Automatiskt svar: Möte på torsdag", body="Jag är ledig.",
                                headers=headers), clock)
    assert result["outcome"] == "ignored" and result["automatic"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == before


def swedish_ndr(returned_message_id: str, *, as_headers_only: bool) -> bytes:
    """An Exchange non-delivery report in Swedish, returning the message (or its headers)."""
    returned_type = "text/rfc822-headers" if as_headers_only else "message/rfc822"
    returned = (f"Message-ID: <{returned_message_id}>\nFrom: servicedesk@exempelby.se\n"
                "To: kalle@example.org\nSubject: [#1] Ärendet är registrerat\n")
    if not as_headers_only:
        returned += "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nVi har tagit emot ditt ärende.\n"
    return raw(
        "From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@exempelby.se>",
        "To: servicedesk@exempelby.se",
        "Subject: =?utf-8?q?Olevererbart=3A_=C3=84rendet_=C3=A4r_registrerat?=",
        "Message-ID: <ndr-0001@exempelby.se>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="ndr"',
        body=("--ndr\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
              "Det gick inte att leverera till de här mottagarna eller grupperna:\n\n"
              "kalle@example.org\nE-postadressen finns inte.\n\n"
              "--ndr\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.exempelby.se\n\n"
              "Final-Recipient: rfc822; kalle@example.org\nAction: failed\nStatus: 5.1.10\n\n"
              f"--ndr\nContent-Type: {returned_type}\n\n{returned}\n--ndr--\n"))


@pytest.mark.parametrize("as_headers_only", [False, True])
def test_swedish_ndr_is_matched_to_its_ticket_without_acknowledgement(session, clock, as_headers_only):
    created = take(session, mail(sender="Kalle <kalle@example.org>", subject="Lösenordet fungerar inte"), clock)
    ack = acks(session, created["ticket"])[0]
    outbox_before = session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage))
    result = take(session, swedish_ndr(ack.message_id, as_headers_only=as_headers_only), clock)
    assert result["outcome"] == "followup" and result["ticket"] == created["ticket"]
    assert result["automatic"] and result["reason"] == "bounce" and not result["acknowledged"]
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)) == outbox_before
    last = messages(session, created["ticket"])[-1]
    assert last.kind == MessageKind.AUTOMATIC and "Det gick inte att leverera" in last.body


def test_iso_8859_1_subject_body_and_file_names(session, clock):
    png = b"\x89PNG\r\n\x1a\n-skarmdump"
    message = raw(
        "From: =?iso-8859-1?q?G=F6ran_Lund?= <goran@exempelby.se>", "To: servicedesk@exempelby.se",
        "Subject: =?iso-8859-1?q?Sk=E4rmen_=E4r_svart_p=E5_g=E5rden?=", "Message-ID: <latin1-files@exempelby.se>",
        "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b"',
        body="--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
             "Skärmen är svart. Hälsningar från Göran, Åsa och Örjan.\n"
             "--b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n"
             "Content-Disposition: attachment; filename*=iso-8859-1''sk%E4rmdump%20v%E5ning%202.png\n\n"
             "iVBORw0KGgotc2thcm1kdW1w\n"
             "--b\nContent-Type: text/plain; name=\"=?iso-8859-1?q?f=F6rs=F6k=2Etxt?=\"\n"
             "Content-Transfer-Encoding: 8bit\n"
             "Content-Disposition: attachment; filename=\"=?iso-8859-1?q?f=F6rs=F6k=2Etxt?=\"\n\n"
             "Försök ett.\n--b--\n", charset="iso-8859-1")
    result = take(session, message, clock)
    ticket = session.get(Ticket, result["ticket"])
    assert ticket.subject == "Skärmen är svart på gården"
    assert ticket.requester.full_name == "Göran Lund"
    assert "Hälsningar från Göran, Åsa och Örjan." in messages(session, ticket.id)[0].body
    files = {a.filename: a for a in session.scalars(sa.select(Attachment).where(Attachment.ticket_id == ticket.id))}
    assert set(files) == {"skärmdump våning 2.png", "försök.txt"} and files["skärmdump våning 2.png"].size == len(png)


def test_windows_1252_body_with_dash_and_euro(session, clock):
    message = raw("From: kalle@example.org", "To: servicedesk@exempelby.se", "Subject: Faktura",
                  "Message-ID: <cp1252@example.org>", "MIME-Version: 1.0",
                  "Content-Type: text/plain; charset=windows-1252", "Content-Transfer-Encoding: 8bit",
                  body="Licensen kostar 1 200 € per år – gäller även nästa år.\n", charset="cp1252")
    result = take(session, message, clock)
    assert messages(session, result["ticket"])[0].body == "Licensen kostar 1 200 € per år – gäller även nästa år."


def test_winmail_dat_is_unpacked_into_attachments(session, clock):
    require_corpus()
    stream = (CORPUS / "tnefparse/tests/examples/umlaut.tnef").read_bytes()
    result = take(session, tnef_mail(stream, message_id="<tnef-umlaut@exempelby.se>", subject="Bilder från mötet"),
                  clock)
    names = set(session.scalars(sa.select(Attachment.filename).where(Attachment.ticket_id == result["ticket"])))
    assert names == {"TBZ PARIV GmbH.jpg", "image003.jpg", "UmlautAnhang-äüö.txt"}
    assert "winmail.dat" not in names


def test_html_only_mail_gets_text_from_its_html(session, clock):
    html = ("<html><head><style>p{color:red}</style></head><body><p>Hej!</p>"
            "<p>Utskriften fastnar p&aring; <b>plan&nbsp;2</b>.<br>Mvh Anna</p><script>x()</script></body></html>")
    message = raw("From: anna@exempelby.se", "To: servicedesk@exempelby.se", "Subject: Utskrift",
                  "Message-ID: <html-only@exempelby.se>", "MIME-Version: 1.0",
                  "Content-Type: text/html; charset=utf-8", body=html)
    result = take(session, message, clock)
    first = messages(session, result["ticket"])[0]
    assert first.body == "Hej!\n\nUtskriften fastnar på plan\xa02.\nMvh Anna"
    assert first.body_html == html


@pytest.mark.parametrize("separator", ["", "________________________________\n", "-----Ursprungligt meddelande-----\n"])
def test_outlook_quoted_reply_shows_only_the_new_text(session, clock, ticket_and_ack, separator):
    ticket, ack = ticket_and_ack
    body = ("Nu fungerar den igen, tack!\n\nMed vänlig hälsning\nAnna Lindqvist\n\n" + separator +
            "Från: Servicedesk <servicedesk@exempelby.se>\nSkickat: den 18 november 2026 09:01\n"
            "Till: Anna Lindqvist <anna@exempelby.se>\n"
            f"Ämne: {ack.subject}\n\nVi har tagit emot ditt ärende.\n")
    reply = mail(subject=f"SV: {ack.subject}", body=body, headers={"In-Reply-To": f"<{ack.message_id}>"})
    result = take(session, reply, clock)
    assert result["outcome"] == "followup" and result["ticket"] == ticket.id
    last = messages(session, ticket.id)[-1]
    assert last.body_reply == "Nu fungerar den igen, tack!\n\nMed vänlig hälsning\nAnna Lindqvist"
    assert "Vi har tagit emot ditt ärende." in last.body
