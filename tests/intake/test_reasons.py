"""Why received mail went where it went, shown in Swedish: never an exception's raw text (issue 10)."""

import pytest
import sqlalchemy as sa

from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.intake.reasons import explain_reason
from helpdesk.intake.services import ingest
from tests.intake.builders import mail


@pytest.mark.parametrize("reason, text, detail", [
    ("", "", ""),
    ("too_large", "Meddelandet är större än den tillåtna storleken.", ""),
    ("unreadable: HeaderParseError", "Meddelandet gick inte att tolka som e-post.", "HeaderParseError"),
    ("error: KeyError: 'personnummer 19121212-1212'", "Ett fel i programmet stoppade inläsningen.", "KeyError"),
    ("duplicate of inbound #12", "Dubblett av mottaget meddelande #12.", ""),
    ("sender not verified: dmarc=fail; names #7, sender not a party: new linked ticket",
     "Avsändaren kunde inte verifieras (SPF, DKIM eller DMARC). Nämner ärende #7", "dmarc=fail"),
    ("sender domain not allowed: example.org", "Avsändarens domän example.org får inte skapa ärenden", ""),
    ("auto_reply", "Automatiskt svar, till exempel ett frånvaromeddelande.", ""),
    ("something new\x1b[31m", "Annan orsak; se serverns logg.", "something"),
])
def test_each_reason_has_a_swedish_sentence_and_at_most_a_short_detail(app, reason, text, detail):
    with app.test_request_context():
        explained = explain_reason(reason)
    assert explained.text.startswith(text) and explained.detail == detail


def test_a_quarantined_program_error_shows_swedish_with_the_type_behind_details(client, auth, session, clock,
                                                                                 monkeypatch):
    from helpdesk.intake import services

    def broken(*args, **kwargs):
        raise KeyError("Åsa Öbergs personnummer")

    monkeypatch.setattr(services, "_new_ticket", broken)
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    ingest(mail(subject="Trasig"), desk, now=clock.now())
    session.commit()
    item = session.scalar(sa.select(InboundMessage).where(InboundMessage.subject == "Trasig"))
    assert item.outcome == "quarantined" and "personnummer" in item.reason  # the log and the CLI keep it
    auth.login("admin")
    for page in (client.get("/admin/mail").get_data(as_text=True),
                 client.get(f"/admin/mail/{item.id}").get_data(as_text=True)):
        assert "Ett fel i programmet stoppade inläsningen." in page
        assert "personnummer" not in page and "error: KeyError" not in page
    detail = client.get(f"/admin/mail/{item.id}").get_data(as_text=True)
    assert "<summary>Teknisk detalj</summary><code>KeyError</code>" in detail
