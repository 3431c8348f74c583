"""The EWS channel against a fake Exchange server: fetch, acknowledge after commit, back-off, send as MIME."""

import exchangelib
import pytest
import requests_mock
import sqlalchemy as sa

from helpdesk.intake import batch
from helpdesk.intake.fetchers import fetcher_for
from helpdesk.intake.jobs import fetch_mailboxes
from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.notifications.jobs import send_outbox
from helpdesk.notifications.models import OutboundMessage
from tests.intake.builders import mail, message_id_of
from tests.intake.fake_ews import ENDPOINT, FakeEws

TOKEN_URL = "https://login.microsoftonline.com/exempelby-tenant/oauth2/v2.0/token"


@pytest.fixture
def desk(app, session):
    """The servicedesk mailbox switched to EWS (NTLM), its password in configuration."""
    mailbox = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    mailbox.channel, mailbox.send_transport = "ews", "ews"
    mailbox.settings = {"endpoint": ENDPOINT, "username": "EXEMPELBY\\svc-helpdesk", "max_wait": 5}
    session.commit()
    app.config["MAILBOX_SERVICEDESK_PASSWORD"] = "hemligt"
    yield mailbox
    app.config.pop("MAILBOX_SERVICEDESK_PASSWORD", None)
    app.config.pop("MAILBOX_SERVICEDESK_CLIENT_SECRET", None)
    exchangelib.close_connections()  # exchangelib caches protocols per endpoint, process-wide


@pytest.fixture
def ews(desk):
    """A fake Exchange server behind requests-mock: nothing leaves this machine."""
    with requests_mock.Mocker() as mocker:
        yield FakeEws(mocker)


def inbound(session, raw):
    return session.scalars(sa.select(InboundMessage).where(InboundMessage.message_id == message_id_of(raw))
                           .order_by(InboundMessage.id)).all()


def poll_again(clock, desk):
    clock.advance(seconds=desk.poll_seconds)
    return fetch_mailboxes(clock)


def test_inbox_mail_read_or_not_is_taken_in_and_moved_only_after_its_ticket_exists(session, clock, ews):
    first = mail(subject="Skrivaren krånglar")
    reply = mail(subject="SV: Skrivaren krånglar", body="Den på plan 2.",
                 headers={"In-Reply-To": f"<{message_id_of(first)}>", "References": f"<{message_id_of(first)}>"})
    autoreply = mail(sender="erik@exempelby.se", subject="Automatiskt svar: Skrivaren krånglar",
                     headers={"Auto-Submitted": "auto-replied", "In-Reply-To": f"<{message_id_of(first)}>"})
    # Opened by a person in the shared mailbox before the poll: still unprocessed.
    already_read = mail(subject="Läst av en människa")
    for raw in (first, reply, autoreply):
        ews.deliver(raw)
    ews.deliver(already_read, read=True)
    moved = []

    def check_committed(raw):
        rows = inbound(session, raw)
        assert rows and rows[0].ticket_id, "moved before its ticket change was committed"
        moved.append(raw)

    ews.on_move = check_committed
    assert fetch_mailboxes(clock) == 4
    created, followup, automatic = (inbound(session, raw)[0] for raw in (first, reply, autoreply))
    assert created.outcome == "created" and not created.automatic
    assert followup.outcome == "followup" and followup.ticket_id == created.ticket_id
    assert automatic.outcome == "followup" and automatic.automatic and automatic.ticket_id == created.ticket_id
    assert moved == [first, reply, autoreply, already_read]
    assert ews.in_folder("Processed") == [first, reply, autoreply, already_read]
    assert ews.in_folder("Inkorgen") == [] and inbound(session, already_read)[0].outcome == "created"
    assert ews.calls[:4] == ["GetFolder", "GetFolder", "FindItem", "GetItem"]  # root, inbox, then the items
    assert ews.calls.count("CreateFolder") == 1


def test_existing_processed_folder_is_reused(session, clock, ews):
    ews.folders["processed-id"] = {"name": "Processed", "parent": "inbox-id"}
    ews.deliver(mail())
    assert fetch_mailboxes(clock) == 1
    assert "CreateFolder" not in ews.calls and len(ews.in_folder("Processed")) == 1


def test_failed_move_means_refetch_and_duplicate_not_a_second_ticket(session, clock, desk, ews):
    raw = mail()
    ews.deliver(raw)
    ews.refuse["MoveItem"] = 1
    assert fetch_mailboxes(clock) == 0  # ingested and committed, but the move failed
    assert ews.in_folder("Inkorgen") == [raw]
    poll_again(clock, desk)
    first, again = inbound(session, raw)
    assert (first.outcome, again.outcome) == ("created", "duplicate")
    assert again.ticket_id == first.ticket_id
    assert ews.in_folder("Processed") == [raw]


def test_failure_before_commit_leaves_the_mail_in_the_inbox(session, clock, ews, monkeypatch):
    raw = mail()
    ews.deliver(raw)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(batch, "ingest", broken)
    assert fetch_mailboxes(clock) == 0
    assert "MoveItem" not in ews.calls and ews.in_folder("Inkorgen") == [raw]


def test_server_busy_is_waited_out_and_retried(session, clock, ews):
    raw = mail()
    ews.deliver(raw)
    ews.busy["FindItem"] = 1  # BackOffMilliseconds 50: exchangelib really sleeps that long
    assert fetch_mailboxes(clock) == 1
    assert ews.calls.count("FindItem") == 2
    assert inbound(session, raw)[0].outcome == "created"


def test_back_off_beyond_max_wait_leaves_mail_for_the_next_poll(session, clock, desk, ews):
    raw = mail()
    ews.deliver(raw)
    ews.busy["FindItem"], ews.back_off_ms = 1, 600_000  # ten minutes, max_wait is 5 s: give up at once
    assert fetch_mailboxes(clock) == 0
    assert inbound(session, raw) == [] and ews.in_folder("Inkorgen") == [raw]
    assert poll_again(clock, desk) == 1


def test_outbox_row_is_sent_as_mime_with_our_headers(session, clock, ews):
    raw = mail()
    ews.deliver(raw)
    fetch_mailboxes(clock)
    ack = session.scalar(sa.select(OutboundMessage).where(OutboundMessage.kind == "acknowledgement")
                         .order_by(OutboundMessage.id.desc()))
    assert send_outbox(clock) >= 1
    session.refresh(ack)
    assert ack.status == "sent"
    (disposition, sent), = [(d, m) for d, m in ews.sent if m["Message-ID"] == f"<{ack.message_id}>"]
    assert disposition == "SendOnly"
    assert sent["Message-ID"] == f"<{ack.message_id}>" and sent["To"] == "anna@exempelby.se"
    assert sent["In-Reply-To"] == f"<{message_id_of(raw)}>"
    assert sent["References"] == f"<{message_id_of(raw)}>"
    assert sent["Auto-Submitted"] == "auto-replied" and sent["X-Auto-Response-Suppress"] == "All"


def test_send_failure_is_recorded_for_retry(session, clock, ews):
    # Only this mail waits (the demo data's would fail first, and after OUTBOX_FAILURES_TO_PAUSE
    # failures in a row a run leaves the rest untried for the next one).
    session.execute(sa.update(OutboundMessage).where(OutboundMessage.status != "sent").values(status="sent"))
    session.commit()
    ews.deliver(mail())
    fetch_mailboxes(clock)
    ews.refuse["CreateItem"] = 1000
    assert send_outbox(clock) == 0
    ack = session.scalar(sa.select(OutboundMessage).where(OutboundMessage.kind == "acknowledgement")
                         .order_by(OutboundMessage.id.desc()))
    assert ack.status == "pending" and ack.attempts == 1 and "ErrorAccessDenied" in ack.last_error


def test_oauth2_mailbox_gets_an_app_token_and_impersonates(app, session, clock, desk):
    desk.settings = {"endpoint": ENDPOINT, "auth": "oauth2", "tenant_id": "exempelby-tenant", "client_id": "app-1"}
    session.commit()
    app.config["MAILBOX_SERVICEDESK_CLIENT_SECRET"] = "app-secret"
    with requests_mock.Mocker() as mocker:
        token = mocker.post(TOKEN_URL, json={"token_type": "Bearer", "expires_in": 3599, "access_token": "ews-token"})
        ews = FakeEws(mocker)
        ews.deliver(mail())
        assert fetch_mailboxes(clock) == 1
    assert token.call_count == 1 and "client_credentials" in token.last_request.text
    soap = [r for r in mocker.request_history if r.url == ENDPOINT]
    assert all(r.headers["Authorization"] == "Bearer ews-token" for r in soap)
    assert all(b"ExchangeImpersonation" in r.body for r in soap)


def test_missing_password_fails_the_poll_without_touching_the_server(app, session, clock, ews):
    app.config.pop("MAILBOX_SERVICEDESK_PASSWORD")
    ews.deliver(mail())
    assert fetch_mailboxes(clock) == 0 and ews.calls == []


def test_client_refuses_the_real_network_under_testing(session, desk):
    fetcher = fetcher_for(desk)
    with pytest.raises(RuntimeError, match="requests-mock"):
        next(iter(fetcher.fetch()))
