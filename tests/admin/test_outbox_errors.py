"""The outbox page says in Swedish why a mail was not sent; the transport's own text (server answers,
addresses, secrets) never reaches the page, only the exception's class behind "Teknisk detalj"."""

import pytest
import sqlalchemy as sa

from helpdesk.intake.reasons import explain_send_error
from helpdesk.notifications.models import OutboundMessage
from helpdesk.security.services import raise_to_incident
from tests import factories as f

SECRET = "lösenord=Hemligt123 relay.intern.exempelby.se"


@pytest.mark.parametrize("last_error, text, detail", [
    (f"TransportError: SMTPAuthenticationError: (535, b'5.7.8 {SECRET}')",
     "Inloggningen på e-postservern misslyckades.", "TransportError → SMTPAuthenticationError"),
    (f"TransportError: SMTPRecipientsRefused: {{'x@exempelby.se': (550, b'{SECRET}')}}",
     "E-postservern tog inte emot mottagarens adress.", "TransportError → SMTPRecipientsRefused"),
    (f"TransportError: ConnectionRefusedError: [Errno 111] {SECRET}",
     "Det gick inte att ansluta till e-postservern.", "TransportError → ConnectionRefusedError"),
    ("TransportError: TimeoutError: timed out", "E-postservern svarade inte i tid.", "TransportError → TimeoutError"),
    (f"TransportError: SSLCertVerificationError: {SECRET}", "Den krypterade anslutningen (TLS)",
     "TransportError → SSLCertVerificationError"),
    (f"TransportError: Graph: 401 {SECRET}", "Microsoft Graph svarade med ett fel.", "TransportError → Graph"),
    (f"TransportError: EWS: ErrorAccessDenied: {SECRET}", "Exchange (EWS) svarade med ett fel.",
     "TransportError → EWS → ErrorAccessDenied"),
    ("TransportError: unknown mail transport 'x'", "Inställningen för hur e-post skickas är okänd.",
     "TransportError"),
    ("withheld: no recipient may read the confidential ticket", "Stoppat: ingen av mottagarna får längre se", ""),
    (f"KeyError: '{SECRET}'", "Utskicket misslyckades av ett oväntat skäl.", "KeyError"),
])
def test_each_send_error_is_a_swedish_sentence_with_the_class_as_detail(app, last_error, text, detail):
    with app.test_request_context():
        explained = explain_send_error(last_error)
    assert explained.text.startswith(text) and explained.detail == detail
    assert "Hemligt123" not in explained.text + explained.detail


def test_outbox_page_never_shows_the_raw_error(client, auth, session, users, clock):
    ticket = f.ticket(users["anna"], now=clock.now())
    session.commit()  # the acknowledgement is written as the change commits
    failed = session.scalars(sa.select(OutboundMessage).where(OutboundMessage.ticket_id == ticket.id)).first()
    failed.status, failed.attempts = "failed", 8
    failed.last_error = f"TransportError: SMTPAuthenticationError: (535, b'5.7.8 {SECRET}')"
    session.commit()
    auth.login("admin")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Inloggningen på e-postservern misslyckades." in page
    assert "Teknisk detalj" in page and "SMTPAuthenticationError" in page
    assert "Hemligt123" not in page and "relay.intern" not in page


def test_outbox_page_hides_subject_and_recipients_of_a_ticket_the_admin_may_not_see(
        client, auth, session, users, clock):
    ticket = f.ticket(users["anna"], now=clock.now(), subject="Läckta personnummer Zebrafink")
    session.commit()
    raise_to_incident(ticket, actor=users["ines"], now=clock.now())
    failed = session.scalars(sa.select(OutboundMessage).where(OutboundMessage.ticket_id == ticket.id)).first()
    failed.status, failed.attempts, failed.last_error = "failed", 8, "TransportError: TimeoutError: timed out"
    session.commit()
    auth.login("admin")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "E-postservern svarade inte i tid." in page
    assert "Zebrafink" not in page and "anna@exempelby.se" not in page
    assert "Konfidentiellt ärende" in page
