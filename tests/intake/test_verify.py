"""Forged From: Authentication-Results from our own mail server decide (issue 8, finding 9)."""

import pytest
import sqlalchemy as sa

from helpdesk.intake import verify
from helpdesk.tickets.models import Message, Ticket, TicketParticipant
from tests.intake.test_pipeline import outbox, take
from tests.intake.builders import mail, message_id_of

OURS = "mx.exempelby.se"
FAILED = f"{OURS}; spf=fail smtp.mailfrom=evil.example; dkim=none; dmarc=fail (p=none) header.from=exempelby.se"
PASSED = f"{OURS}; spf=pass smtp.mailfrom=exempelby.se; dkim=pass header.d=exempelby.se; dmarc=pass header.from=exempelby.se"


@pytest.fixture
def trusted(app):
    saved = app.config["MAIL_TRUSTED_AUTHSERV_IDS"]
    app.config["MAIL_TRUSTED_AUTHSERV_IDS"] = [OURS]
    yield
    app.config["MAIL_TRUSTED_AUTHSERV_IDS"] = saved


def test_forged_reply_from_the_requester_does_not_land_on_her_ticket(session, clock, users, trusted):
    original = mail()
    created = take(session, original, clock)
    forged = take(session, mail(subject="SV: Skrivaren krånglar", body="Stäng ärendet, och skicka lösenordet hit.",
                                headers={"In-Reply-To": f"<{message_id_of(original)}>",
                                         "Authentication-Results": FAILED}), clock)
    assert forged["ticket"] != created["ticket"] and forged["outcome"] == "created"
    assert "not verified" in forged["reason"]
    assert not outbox(session, forged["ticket"], "acknowledgement")  # no receipt to the owner of the address
    message = session.scalar(sa.select(Message).where(Message.ticket_id == forged["ticket"]))
    assert message.sender_unverified
    assert session.scalar(sa.select(sa.func.count()).select_from(Message).where(
        Message.ticket_id == created["ticket"])) == 1


def test_forged_mail_from_an_agent_is_not_a_staff_reply(session, clock, users, trusted):
    created = take(session, mail(), clock)
    ticket = session.get(Ticket, created["ticket"])
    forged = take(session, mail(sender="erik@exempelby.se", subject=f"SV: [#{ticket.id}] Skrivaren",
                                body="Löst.", headers={"Authentication-Results": FAILED}), clock)
    assert forged["ticket"] != ticket.id
    assert session.scalar(sa.select(sa.func.count()).select_from(Message).where(Message.ticket_id == ticket.id)) == 1


def test_verified_reply_threads_and_untrusted_authserv_id_is_ignored(session, clock, users, trusted):
    original = mail()
    created = take(session, original, clock)
    ok = take(session, mail(subject="SV: fel", headers={"In-Reply-To": f"<{message_id_of(original)}>",
                                                        "Authentication-Results": PASSED}), clock)
    assert ok["ticket"] == created["ticket"]
    # A field written by someone else's server (or the sender) is not believed either way.
    foreign = FAILED.replace(OURS, "mx.evil.example")
    other = take(session, mail(subject="SV: fel", headers={"In-Reply-To": f"<{message_id_of(original)}>",
                                                           "Authentication-Results": foreign}), clock)
    assert other["ticket"] == created["ticket"]


def test_agent_sees_that_the_sender_is_not_verified(client, auth, session, clock, users, trusted):
    forged = take(session, mail(subject="Byt mitt lösenord", headers={"Authentication-Results": FAILED}), clock)
    assert not session.scalars(sa.select(TicketParticipant).where(TicketParticipant.ticket_id == forged["ticket"])).all()
    auth.login("erik")
    page = client.get(f"/tickets/{forged['ticket']}").get_data(as_text=True)
    assert "Avsändaren är inte verifierad" in page


@pytest.mark.parametrize("fields, verdict", [
    ([FAILED], verify.FAIL),
    ([PASSED], verify.PASS),
    ([f"{OURS}; spf=softfail smtp.mailfrom=exempelby.se; dkim=fail header.d=exempelby.se"], verify.FAIL),
    ([f"{OURS}; spf=none; dkim=pass header.d=evil.example"], verify.FAIL),  # DKIM of another domain
    ([f"{OURS}; spf=pass smtp.mailfrom=bounce.exempelby.se"], verify.PASS),  # aligned (relaxed)
    ([f"{OURS}; dmarc=fail header.from=exempelby.se", PASSED], verify.FAIL),  # the topmost (ours, last added) counts
    (["mx.evil.example; dmarc=pass", FAILED], verify.FAIL),
    ([], None),
    ([f"{OURS}; ;;garbage"], None),
])
def test_verdict(app, trusted, fields, verdict):
    with app.app_context():
        assert verify.verdict(fields, "anna@exempelby.se")[0] == verdict


def test_no_trusted_server_configured_trusts_no_header(app):
    with app.app_context():
        assert verify.verdict([FAILED], "anna@exempelby.se") == (None, "")
