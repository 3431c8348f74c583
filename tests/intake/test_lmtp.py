"""Push channels: the LMTP listener on loopback, and the MTA pipe `helpdesk intake -` in a subprocess."""

import smtplib
import socket
import subprocess

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from helpdesk.intake import lmtp
from helpdesk.intake.models import InboundMessage
from helpdesk.tickets.models import Ticket
from tests.intake.builders import mail
from tests.intake.processes import HELPDESK, helpdesk_env, run_once, seeded_database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def listener(app):
    server = lmtp.LMTPListener(app, "127.0.0.1", free_port())
    server.start()
    yield server
    server.stop()


def deliver(listener, raw, recipients):
    """MAIL, RCPT and DATA over LMTP; the reply lines after DATA, one per recipient."""
    with smtplib.LMTP("127.0.0.1", listener.controller.port) as client:
        client.ehlo()  # sent as LHLO
        client.mail("anna@exempelby.se")
        for address in recipients:
            assert client.rcpt(address)[0] == 250
        replies = [client.data(raw)]
        replies += [client.getreply() for _ in recipients[1:]]
    return replies


def inbound(session, message_id):
    return session.scalars(sa.select(InboundMessage).where(InboundMessage.message_id == message_id)
                           .order_by(InboundMessage.id)).all()


def test_lmtp_delivery_is_answered_after_the_ticket_is_stored(session, listener):
    raw = mail(to="skolit@exempelby.se", subject="Projektorn i sal 4", message_id="<lmtp-1@exempelby.se>")
    assert deliver(listener, raw, ["skolit@exempelby.se"]) == [(250, b"OK")]
    [row] = inbound(session, "lmtp-1@exempelby.se")
    assert row.outcome == "created" and row.mailbox.name == "skolit"
    assert session.get(Ticket, row.ticket_id).subject == "Projektorn i sal 4"


def test_lmtp_answers_each_recipient_and_unknown_addresses_reach_the_first_mailbox(session, listener):
    raw = mail(subject="Två mottagare", message_id="<lmtp-2@exempelby.se>")
    replies = deliver(listener, raw, ["okand@exempelby.se", "SkolIT@exempelby.se"])
    assert replies == [(250, b"OK"), (250, b"OK")]
    first, second = inbound(session, "lmtp-2@exempelby.se")
    assert (first.outcome, first.mailbox.name) == ("created", "servicedesk")
    assert (second.outcome, second.mailbox.name) == ("duplicate", "skolit")


def test_lmtp_asks_the_relay_to_retry_when_the_database_is_away(session, listener, monkeypatch):
    def database_away(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(lmtp, "ingest", database_away)
    raw = mail(subject="Senare", message_id="<lmtp-3@exempelby.se>")
    assert deliver(listener, raw, ["servicedesk@exempelby.se"]) == [(451, b"4.3.0 try again later")]
    assert inbound(session, "lmtp-3@exempelby.se") == []


@pytest.fixture(scope="module")
def piped_database(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("pipe")
    return seeded_database(tmp_path), tmp_path


@pytest.fixture
def sqlite_run(request):
    run_once(request)


def test_pipe_stores_the_ticket_and_exits_zero(sqlite_run, piped_database):
    url, tmp_path = piped_database
    raw = mail(subject="Via Postfix", message_id="<pipe-1@exempelby.se>")
    done = subprocess.run([HELPDESK, "intake", "-"], input=raw, capture_output=True,
                          env=helpdesk_env(url, tmp_path), timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    engine = sa.create_engine(url)
    try:
        with Session(engine) as check:
            row = check.scalar(sa.select(InboundMessage).where(InboundMessage.message_id == "pipe-1@exempelby.se"))
            assert row.outcome == "created" and check.get(Ticket, row.ticket_id).subject == "Via Postfix"
    finally:
        engine.dispose()


def test_pipe_exits_75_when_the_database_is_unreachable(sqlite_run, tmp_path):
    unreachable = "postgresql+psycopg://helpdesk@127.0.0.1:1/helpdesk"
    done = subprocess.run([HELPDESK, "intake", "-"], input=mail(message_id="<pipe-2@exempelby.se>"),
                          capture_output=True, env=helpdesk_env(unreachable, tmp_path), timeout=120)
    assert done.returncode == 75, done.stderr.decode()
    assert b"temporary failure" in done.stderr


def test_lmtp_command_serves_until_terminated(sqlite_run, piped_database):
    url, tmp_path = piped_database
    port = free_port()
    with subprocess.Popen([HELPDESK, "lmtp", "--host", "127.0.0.1", "--port", str(port)], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, env=helpdesk_env(url, tmp_path)) as server:
        try:
            assert server.stdout.readline().startswith(b"LMTP listening on 127.0.0.1:")
            with smtplib.LMTP("127.0.0.1", port) as client:
                assert client.sendmail("anna@exempelby.se", ["servicedesk@exempelby.se"],
                                       mail(subject="Via LMTP", message_id="<lmtp-cli@exempelby.se>")) == {}
        finally:
            server.terminate()
        assert server.wait(timeout=30) == 0
    engine = sa.create_engine(url)
    try:
        with Session(engine) as check:
            row = check.scalar(sa.select(InboundMessage).where(InboundMessage.message_id == "lmtp-cli@exempelby.se"))
            assert row.outcome == "created"
    finally:
        engine.dispose()
