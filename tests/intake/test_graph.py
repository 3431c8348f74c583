"""The Graph channel against a fake Exchange Online: fetch, acknowledge after commit, throttling, send as MIME."""

import pytest
import requests_mock
import sqlalchemy as sa

from helpdesk.intake import batch
from helpdesk.intake.fetchers import fetcher_for, graph
from helpdesk.intake.jobs import fetch_mailboxes
from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.notifications.jobs import send_outbox
from helpdesk.notifications.models import OutboundMessage
from tests.intake.builders import mail, message_id_of
from tests.intake.fake_graph import TENANT, FakeGraph


@pytest.fixture
def waits(monkeypatch):
    """The pauses the client asked for, recorded instead of slept."""
    waits = []
    monkeypatch.setattr(graph, "sleep", waits.append)
    return waits


@pytest.fixture
def desk(app, session, waits):
    """The servicedesk mailbox switched to Graph, its client secret in configuration."""
    mailbox = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    mailbox.channel, mailbox.send_transport = "graph", "graph"
    mailbox.settings = {"tenant_id": TENANT, "client_id": "helpdesk-app", "page_size": 2, "max_wait": 30}
    session.commit()
    app.config["MAILBOX_SERVICEDESK_CLIENT_SECRET"] = "graph-secret"
    yield mailbox
    app.config.pop("MAILBOX_SERVICEDESK_CLIENT_SECRET", None)
    graph.forget_tokens()


@pytest.fixture
def fake(desk):
    """Graph and the token endpoint behind requests-mock: nothing leaves this machine."""
    with requests_mock.Mocker() as mocker:
        yield FakeGraph(mocker)


def use(session, desk, **settings):
    desk.settings = {**desk.settings, **settings}
    session.commit()


def inbound(session, raw):
    return session.scalars(sa.select(InboundMessage).where(InboundMessage.message_id == message_id_of(raw))
                           .order_by(InboundMessage.id)).all()


def poll_again(clock, desk):
    clock.advance(seconds=desk.poll_seconds)
    return fetch_mailboxes(clock)


def test_inbox_mail_over_pages_is_taken_in_oldest_first_and_moved_after_commit(session, clock, fake):
    first = mail(subject="Skrivaren krånglar")
    reply = mail(subject="SV: Skrivaren krånglar", body="Den på plan 2.",
                 headers={"In-Reply-To": f"<{message_id_of(first)}>", "References": f"<{message_id_of(first)}>"})
    autoreply = mail(sender="erik@exempelby.se", subject="Frånvaromeddelande: Skrivaren krånglar",
                     headers={"Auto-Submitted": "auto-replied", "In-Reply-To": f"<{message_id_of(first)}>"})
    # Opened by a person in the shared mailbox before the poll: still unprocessed.
    already_read = mail(subject="Läst av en människa")
    for raw in (first, reply, autoreply):
        fake.deliver(raw)
    fake.deliver(already_read, read=True)
    acknowledged = []

    def check_committed(raw):
        rows = inbound(session, raw)
        assert rows and rows[0].ticket_id, "acknowledged before its ticket change was committed"
        acknowledged.append(raw)

    fake.on_acknowledge = check_committed
    assert fetch_mailboxes(clock) == 4
    created, followup, automatic = (inbound(session, raw)[0] for raw in (first, reply, autoreply))
    assert created.outcome == "created"
    assert followup.outcome == "followup" and followup.ticket_id == created.ticket_id
    assert automatic.outcome == "followup" and automatic.automatic and automatic.ticket_id == created.ticket_id
    assert acknowledged == [first, reply, autoreply, already_read]
    assert fake.in_folder("Processed") == [first, reply, autoreply, already_read]
    assert fake.in_folder("Inbox") == [] and inbound(session, already_read)[0].outcome == "created"
    assert [route for route, _ in fake.calls].count("list") == 2  # two pages of two
    assert [route for route, _ in fake.calls].count("create_folder") == 1


def test_mark_read_mode_leaves_mail_in_inbox_and_does_not_take_it_twice(session, clock, desk, fake):
    use(session, desk, acknowledge="read")
    raw = mail()
    fake.deliver(raw)
    assert fetch_mailboxes(clock) == 1
    assert fake.in_folder("Inbox") == [raw] and all(m["isRead"] for m in fake.messages.values())
    assert poll_again(clock, desk) == 0
    assert ("move", "POST") not in fake.calls and len(inbound(session, raw)) == 1


def test_read_and_move_marks_then_moves(session, clock, desk, fake):
    use(session, desk, acknowledge="read_and_move", processed_folder="Klart")
    fake.deliver(mail())
    assert fetch_mailboxes(clock) == 1
    assert [r for r, _ in fake.calls if r in ("patch", "move")] == ["patch", "move"]
    (message,) = fake.messages.values()
    assert message["isRead"] and fake.folders[message["folder"]]["displayName"] == "Klart"


def test_failed_move_means_refetch_and_duplicate_not_a_second_ticket(session, clock, desk, fake):
    raw = mail()
    fake.deliver(raw)
    fake.refuse["move"] = 1
    assert fetch_mailboxes(clock) == 0  # ingested and committed, but the move failed
    assert fake.in_folder("Inbox") == [raw]
    poll_again(clock, desk)
    first, again = inbound(session, raw)
    assert (first.outcome, again.outcome) == ("created", "duplicate") and again.ticket_id == first.ticket_id
    assert fake.in_folder("Processed") == [raw]


def test_failure_before_commit_leaves_the_mail_unread_in_the_inbox(session, clock, fake, monkeypatch):
    raw = mail()
    fake.deliver(raw)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(batch, "ingest", broken)
    assert fetch_mailboxes(clock) == 0
    assert fake.in_folder("Inbox") == [raw] and not any(m["isRead"] for m in fake.messages.values())
    assert not {"patch", "move"} & {route for route, _ in fake.calls}


def test_throttling_waits_for_retry_after_and_retries(session, clock, fake, waits):
    raw = mail()
    fake.deliver(raw)
    fake.throttle = {"list": [(429, "7")], "value": [(503, "2")]}
    assert fetch_mailboxes(clock) == 1
    assert waits == [7.0, 2.0]
    assert inbound(session, raw)[0].outcome == "created"


def test_retry_after_beyond_max_wait_leaves_mail_for_the_next_poll(session, clock, desk, fake, waits):
    raw = mail()
    fake.deliver(raw)
    fake.throttle = {"list": [(429, "3600")]}
    assert fetch_mailboxes(clock) == 0 and waits == []
    assert inbound(session, raw) == [] and fake.in_folder("Inbox") == [raw]
    assert poll_again(clock, desk) == 1


def test_token_is_cached_between_polls(session, clock, desk, fake):
    fake.deliver(mail())
    fetch_mailboxes(clock)
    fake.deliver(mail(subject="Ett till"))
    assert poll_again(clock, desk) == 1
    assert fake.tokens_issued == 1


def test_outbox_row_is_sent_as_base64_mime_with_our_headers(session, clock, fake, waits):
    raw = mail()
    fake.deliver(raw)
    fetch_mailboxes(clock)
    ack = session.scalar(sa.select(OutboundMessage).where(OutboundMessage.kind == "acknowledgement")
                         .order_by(OutboundMessage.id.desc()))
    fake.throttle = {"send_mail": [(429, "1")]}
    assert send_outbox(clock) >= 1
    session.refresh(ack)
    assert ack.status == "sent" and waits == [1.0]
    (sent,) = [m for m in fake.sent if m["Message-ID"] == f"<{ack.message_id}>"]
    assert sent["To"] == "anna@exempelby.se" and sent["From"] == "servicedesk@exempelby.se"
    assert sent["In-Reply-To"] == f"<{message_id_of(raw)}>" and sent["References"] == f"<{message_id_of(raw)}>"
    assert sent["Auto-Submitted"] == "auto-replied" and sent["X-Auto-Response-Suppress"] == "All"
    sends = [r for r in fake.mocker.request_history if r.path.endswith("/sendmail")]
    assert sends[0].headers["Content-Type"] == "text/plain"


def test_missing_secret_fails_the_poll_without_calling_graph(app, session, clock, fake):
    app.config.pop("MAILBOX_SERVICEDESK_CLIENT_SECRET")
    fake.deliver(mail())
    assert fetch_mailboxes(clock) == 0 and fake.calls == [] and fake.tokens_issued == 0


def test_client_refuses_the_real_network_under_testing(session, desk):
    fetcher = fetcher_for(desk)
    with pytest.raises(RuntimeError, match="requests-mock"):
        next(iter(fetcher.fetch()))
