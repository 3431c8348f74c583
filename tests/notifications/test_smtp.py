"""The outbox over real SMTP (aiosmtpd on loopback): headers, threading, back-off, and never twice."""

import re
from collections import Counter
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from helpdesk.intake.models import Mailbox
from helpdesk.intake.services import ingest
from helpdesk.notifications import jobs
from helpdesk.notifications.jobs import send_outbox
from helpdesk.notifications.models import OutboundMessage, OutboxStatus
from tests.intake.builders import mail


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Capture:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    capture = Capture()
    controller = Controller(capture, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, capture
    controller.stop()


@pytest.fixture
def smtp_config(app):
    """Send over SMTP to a port of the test's choosing; the app's settings come back afterwards."""
    keys = ("MAIL_TRANSPORT", "SMTP_HOST", "SMTP_PORT", "SMTP_TIMEOUT")
    saved = {k: app.config[k] for k in keys}

    def use(port):
        app.config.update(MAIL_TRANSPORT="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=5)

    yield use
    app.config.update(saved)


@pytest.fixture
def empty_outbox(session):
    """Nothing from the demo data waiting to go out: only what the test queues (rolled back after)."""
    session.execute(sa.update(OutboundMessage).where(OutboundMessage.status != OutboxStatus.SENT)
                    .values(status=OutboxStatus.SENT))
    session.commit()


def mailed_ticket(session, clock, auth, client):
    """A ticket opened by Anna's mail, then answered on the web by Erik."""
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    result = ingest(mail(subject="Skrivaren krånglar", message_id="<anna-1@exempelby.se>"), desk, now=clock.now())
    session.commit()
    clock.advance(minutes=10)
    auth.login("erik")
    response = client.post(f"/tickets/{result.ticket_id}/reply", data={"body": "Vilken skrivare?", "kind": "public"})
    assert response.status_code == 302
    return result.ticket_id


def rows(session, ticket_id):
    query = sa.select(OutboundMessage).where(OutboundMessage.ticket_id == ticket_id)
    return {o.kind: o for o in session.scalars(query)}


def test_acknowledgement_and_agent_reply_go_out_with_loop_and_threading_headers(
        session, clock, auth, client, smtp_server, smtp_config, empty_outbox):
    controller, capture = smtp_server
    smtp_config(controller.port)
    number = mailed_ticket(session, clock, auth, client)
    outbox = rows(session, number)
    assert send_outbox(clock) == 2
    sent = {m["Message-ID"]: (to, m) for to, m in capture.messages}
    ack_to, ack = sent[f"<{outbox['acknowledgement'].message_id}>"]
    assert ack_to == ["anna@exempelby.se"]
    assert ack["Auto-Submitted"] == "auto-replied" and ack["X-Auto-Response-Suppress"] == "All"
    assert re.fullmatch(rf"<hd\.{number}\.[0-9a-f]{{8}}\.[0-9a-f]{{16}}@helpdesk\.exempelby\.se>", ack["Message-ID"])
    assert f"[#{number}]" in ack["Subject"]
    assert ack["In-Reply-To"] == "<anna-1@exempelby.se>"
    _, reply = sent[f"<{outbox['agent_reply'].message_id}>"]
    assert reply["In-Reply-To"] == "<anna-1@exempelby.se>"
    assert reply["References"].split() == ["<anna-1@exempelby.se>", ack["Message-ID"]]
    assert reply["Auto-Submitted"] is None and reply["X-Auto-Response-Suppress"] == "All"
    assert f"[#{number}]" in reply["Subject"] and "Vilken skrivare?" in reply.get_body(("plain",)).get_content()
    assert {o.status for o in rows(session, number).values()} == {OutboxStatus.SENT}


def test_unreachable_relay_backs_off_then_gives_up(app, session, clock, auth, client, smtp_config, empty_outbox):
    smtp_config(free_port())  # nothing listens there
    number = mailed_ticket(session, clock, auth, client)
    ack_id = rows(session, number)["acknowledgement"].id
    started = clock.now()
    assert send_outbox(clock) == 0
    ack = session.get(OutboundMessage, ack_id)
    assert ack.status == OutboxStatus.PENDING and ack.attempts == 1
    assert "Connection refused" in ack.last_error or "ConnectionRefused" in ack.last_error
    assert ack.next_attempt_at == started + timedelta(minutes=1) and ack.lease_until is None
    steps = [ack.next_attempt_at - started]
    while ack.status == OutboxStatus.PENDING:
        clock.set(ack.next_attempt_at)
        send_outbox(clock)
        session.refresh(ack)
        steps.append(ack.next_attempt_at - clock.now())
    assert ack.status == OutboxStatus.FAILED and ack.attempts == app.config["OUTBOX_MAX_ATTEMPTS"]
    assert steps[:4] == [timedelta(minutes=m) for m in (1, 5, 15, 60)]  # growing back-off


def test_two_senders_never_send_one_row_twice(session, clock, auth, client, smtp_server, smtp_config,
                                              empty_outbox, monkeypatch):
    controller, capture = smtp_server
    smtp_config(controller.port)
    number = mailed_ticket(session, clock, auth, client)
    outbox = rows(session, number)
    ack, reply = outbox["acknowledgement"], outbox["agent_reply"]

    # Another scheduler holds the reply: claimed a moment ago, its lease still running.
    session.execute(sa.update(OutboundMessage).where(OutboundMessage.id == reply.id).values(
        status=OutboxStatus.SENDING, attempts=1, lease_until=clock.now() + timedelta(minutes=5)))
    session.commit()
    # And it wins the race for the acknowledgement between our due-query and our claim.
    real_claim = jobs._claim
    raced = []

    def claim_after_the_other(ids, now):
        if ack.id in ids and not raced:
            raced.append(real_claim([ack.id], now))  # the other process's UPDATE lands first
        return real_claim(ids, now)

    monkeypatch.setattr(jobs, "_claim", claim_after_the_other)
    assert send_outbox(clock) == 0 and raced == [[ack.id]]
    assert send_outbox(clock) == 0  # a second run finds nothing due
    assert capture.messages == []

    # The other process died: once its lease runs out, the rows go out exactly once each.
    clock.advance(minutes=6)
    assert send_outbox(clock) + send_outbox(clock) == 2
    assert sorted(m["Message-ID"] for _, m in capture.messages) == sorted(
        [f"<{ack.message_id}>", f"<{reply.message_id}>"])


def queue_rows(session, clock, count):
    """Outbox rows of the kind a busy desk writes, due now."""
    for n in range(count):
        session.add(OutboundMessage(
            created_at=clock.now(), kind="acknowledgement", sender="helpdesk@exempelby.se",
            recipients=[f"person{n}@exempelby.se"], cc=[], subject=f"[#{n}] Tack", headers={},
            message_id=f"bulk.{n}.{clock.now().timestamp()}@helpdesk.exempelby.se", body_text="Tack.",
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=clock.now()))
    session.commit()


def test_one_run_sends_a_backlog_larger_than_a_batch_over_few_connections(
        session, clock, smtp_server, smtp_config, empty_outbox, monkeypatch):
    # Before: one run sent 50 rows (one batch) every 15 s whatever was waiting, each over a connection of its own.
    from helpdesk.notifications import transports

    controller, capture = smtp_server
    smtp_config(controller.port)
    connections = []
    real_connect = transports._connect

    def counting_connect(cfg):
        connections.append(1)
        return real_connect(cfg)

    monkeypatch.setattr(transports, "_connect", counting_connect)
    queue_rows(session, clock, 3 * jobs.BATCH + 7)
    assert send_outbox(clock) == 3 * jobs.BATCH + 7
    assert len(capture.messages) == 3 * jobs.BATCH + 7
    assert len(connections) == -(-(3 * jobs.BATCH + 7) // transports._Relay.MESSAGES_PER_CONNECTION)
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)
                          .where(OutboundMessage.status != OutboxStatus.SENT)) == 0


def test_a_relay_that_is_down_ends_the_run_and_the_untried_rows_keep_their_attempts(
        app, session, clock, smtp_config, empty_outbox):
    smtp_config(free_port())  # nothing listens there
    queue_rows(session, clock, 12)
    assert send_outbox(clock) == 0
    rows_now = session.scalars(sa.select(OutboundMessage).where(OutboundMessage.status != OutboxStatus.SENT)).all()
    pause = app.config["OUTBOX_FAILURES_TO_PAUSE"]
    assert sorted(r.attempts for r in rows_now) == [0] * (12 - pause) + [1] * pause
    assert {r.status for r in rows_now} == {OutboxStatus.PENDING}
    assert all(r.lease_until is None for r in rows_now)


def test_a_slow_run_never_sends_a_row_the_other_scheduler_took_over(session, clock, empty_outbox, monkeypatch):
    # One run claims a whole batch at once and sends the rows one after another. When the sends are
    # slow, the rows at the end of the batch outlive their lease, the other scheduler (which gets the
    # job once this run's job lease runs out) claims and sends them, and this run must not send them again.
    queue_rows(session, clock, 4)
    sent = []
    other_ran = []

    def slow_send(outbound):
        sent.append(outbound.id)
        if not other_ran:
            other_ran.append(outbound.id)
            clock.advance(minutes=6)  # this send took longer than the lease
            assert send_outbox(clock) >= 3  # the other scheduler's run

    monkeypatch.setattr(jobs, "transport_for", lambda outbound, mailbox: slow_send)
    send_outbox(clock)
    in_flight = other_ran[0]  # a single send outliving its lease may go twice; no other row may
    assert all(n == 1 for i, n in Counter(sent).items() if i != in_flight), sorted(sent)
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)
                          .where(OutboundMessage.status != OutboxStatus.SENT)) == 0


class ClosingOnOne(Capture):
    """A relay answering 421 (service closing) to one recipient: smtplib closes its end of the session."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("person0@"):
            return "421 4.7.0 Try again later, closing connection"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_421_to_one_recipient_does_not_fail_the_next_row(session, clock, smtp_config, empty_outbox):
    capture = ClosingOnOne()
    controller = Controller(capture, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp_config(controller.port)
        queue_rows(session, clock, 2)
        assert send_outbox(clock) == 1
    finally:
        controller.stop()
    assert [to for to, _ in capture.messages] == [["person1@exempelby.se"]]
    by_recipient = {r.recipients[0]: r for r in session.scalars(
        sa.select(OutboundMessage).where(OutboundMessage.status != OutboxStatus.SENT))}
    assert list(by_recipient) == ["person0@exempelby.se"]  # only the refused row waits for its retry
