"""The IMAP fetcher against a real Dovecot: intake, acknowledging, re-fetching, failures, XOAUTH2."""

import logging

import pytest
import sqlalchemy as sa
from imapclient import IMAPClient

from helpdesk.intake.fetchers import fetcher_for
from helpdesk.intake.fetchers.imap import ImapFetcher, ImapSettingsError, parse_settings
from helpdesk.intake.jobs import drain, fetch_mailboxes
from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.intake.services import ingest
from helpdesk.notifications.models import OutboundMessage
from tests.intake.builders import mail, message_id_of

SEEN = b"\\Seen"


@pytest.fixture
def imap_box(app, session, imap):
    """An active IMAP mailbox on the test Dovecot; its password only in app.config."""
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    box = Mailbox(name="imaptest", address="imaptest@exempelby.se", channel="imap",
                  organisation_id=desk.organisation_id, default_group_id=desk.default_group_id,
                  settings=imap.settings())
    session.add(box)
    session.flush()
    app.config["MAILBOX_IMAPTEST_PASSWORD"] = imap.password
    yield box
    for key in ("MAILBOX_IMAPTEST_PASSWORD", "MAILBOX_IMAPTEST_OAUTH_TOKEN"):
        app.config.pop(key, None)


def poll(clock) -> int:
    """Run the job once more, a poll interval after the last run."""
    clock.advance(minutes=5)
    return fetch_mailboxes(clock)


def inbound(session, box, message_id=None):
    query = sa.select(InboundMessage).where(InboundMessage.mailbox_id == box.id).order_by(InboundMessage.id)
    if message_id:
        query = query.where(InboundMessage.message_id == message_id)
    return session.scalars(query).all()


def seed(imap, count):
    """Deliver count new mails; their Message-IDs in delivery order."""
    raws = [mail(sender=f"person{i}@example.org", subject=f"Fel nummer {i}") for i in range(count)]
    for raw in raws:
        imap.save(raw)
    return [message_id_of(raw) for raw in raws]


def test_new_mail_reply_and_auto_reply_are_taken_in_and_moved(session, clock, imap, imap_box):
    first = ingest(mail(sender="kalle@example.org"), imap_box, now=clock.now())
    session.commit()  # composes the acknowledgement (a savepoint in tests)
    ack = session.scalars(sa.select(OutboundMessage).where(OutboundMessage.ticket_id == first.ticket_id)).first()
    new = mail(sender="lisa@example.org", subject="Wifi i stadshuset")
    reply = mail(sender="kalle@example.org", subject=f"SV: {ack.subject}", body="Nu fungerar det inte igen.",
                 headers={"In-Reply-To": f"<{ack.message_id}>", "References": f"<{ack.message_id}>"})
    auto = mail(sender="olle@example.org", subject="Frånvaromeddelande", body="Jag är ledig.",
                headers={"Auto-Submitted": "auto-replied"})
    for raw in (new, reply, auto):
        imap.save(raw)
    assert imap.flags("Processed") is None

    assert fetch_mailboxes(clock) == 3

    outcome = {i.message_id: i for i in inbound(session, imap_box)}
    assert outcome[message_id_of(new)].outcome == "created"
    assert outcome[message_id_of(reply)].outcome == "followup"
    assert outcome[message_id_of(reply)].ticket_id == first.ticket_id
    assert outcome[message_id_of(auto)].outcome == "ignored" and outcome[message_id_of(auto)].automatic
    assert imap.flags("INBOX") == [] and len(imap.flags("Processed")) == 3
    assert session.get(Mailbox, imap_box.id).last_polled_at == clock.now()

    assert poll(clock) == 0
    assert len(inbound(session, imap_box)) == 4  # the direct ingest and the three fetched


def test_crash_between_commit_and_acknowledge_gives_duplicate_not_second_ticket(
        session, clock, imap, imap_box, monkeypatch, caplog):
    first, *_ = seed(imap, 3)
    acknowledge = ImapFetcher.acknowledge
    crashes = [RuntimeError("crash after commit")]

    def crash_once(self, handle):
        if crashes:
            raise crashes.pop()
        acknowledge(self, handle)

    monkeypatch.setattr(ImapFetcher, "acknowledge", crash_once)
    assert fetch_mailboxes(clock) == 0
    assert "fetching imaptest failed" in caplog.text
    # The three came in one batch: all committed, then the crash before the first acknowledgement.
    assert [i.outcome for i in inbound(session, imap_box)] == ["created"] * 3
    assert imap.flags("INBOX") == [(), (), ()]  # nothing acknowledged, nothing marked read

    assert poll(clock) == 3

    records = inbound(session, imap_box, first)
    assert [r.outcome for r in records] == ["created", "duplicate"]
    assert records[1].ticket_id == records[0].ticket_id
    assert [i.outcome for i in inbound(session, imap_box)] == ["created"] * 3 + ["duplicate"] * 3
    assert imap.flags("INBOX") == [] and len(imap.flags("Processed")) == 3


def test_wrong_password_is_logged_and_nothing_is_lost(app, session, clock, imap, imap_box, caplog):
    seed(imap, 2)
    app.config["MAILBOX_IMAPTEST_PASSWORD"] = "fel"  # ASCII: the LOGIN command (åäö go by AUTHENTICATE PLAIN)
    with caplog.at_level(logging.ERROR, logger="helpdesk.intake.jobs"):
        assert fetch_mailboxes(clock) == 0
    assert "fetching imaptest failed" in caplog.text and "AUTHENTICATIONFAILED" in caplog.text
    assert inbound(session, imap_box) == []
    assert imap.flags("INBOX") == [(), ()]

    app.config["MAILBOX_IMAPTEST_PASSWORD"] = imap.password
    assert poll(clock) == 2
    assert imap.flags("INBOX") == []


def test_flag_mode_leaves_mail_in_inbox_marked_seen(session, clock, imap, imap_box):
    imap_box.settings = imap.settings(acknowledge="flag")
    seed(imap, 2)
    assert fetch_mailboxes(clock) == 2
    assert [SEEN in flags for flags in imap.flags("INBOX")] == [True, True]
    assert imap.flags("Processed") is None
    assert poll(clock) == 0


def test_mail_someone_already_opened_is_still_taken_in_by_move_mode(session, clock, imap, imap_box):
    seed(imap, 2)
    with imap.client() as client:  # a person opens the shared mailbox before the poll
        client.select_folder("INBOX")
        client.add_flags(client.search(["ALL"]), [SEEN])
    assert fetch_mailboxes(clock) == 2
    assert imap.flags("INBOX") == [] and len(imap.flags("Processed")) == 2


def test_mail_is_downloaded_a_few_at_a_time(session, clock, imap, imap_box, monkeypatch):
    imap_box.settings = imap.settings(batch_size=2)
    seed(imap, 5)
    sizes = []
    fetch = IMAPClient.fetch

    def spy(self, messages, data, modifiers=None):
        sizes.append(len(messages))
        return fetch(self, messages, data, modifiers)

    monkeypatch.setattr(IMAPClient, "fetch", spy)
    assert fetch_mailboxes(clock) == 5
    assert sizes == [2, 2, 1]


def recording(calls, name, method):
    def wrapper(self, *args, **kwargs):
        calls.append(name)
        return method(self, *args, **kwargs)

    return wrapper


@pytest.mark.parametrize(("capabilities", "commands"), [
    ({"MOVE", "UIDPLUS"}, ["move"]),
    ({"UIDPLUS"}, ["copy", "add_flags", "uid_expunge"]),
    (set(), ["copy", "add_flags", "expunge"]),
], ids=["move", "uidplus", "plain-expunge"])
def test_acknowledge_moves_or_else_copies_deletes_and_expunges(
        session, clock, imap, imap_box, monkeypatch, capabilities, commands):
    seed(imap, 2)
    calls = []
    for name in ("move", "copy", "add_flags", "uid_expunge", "expunge"):
        monkeypatch.setattr(IMAPClient, name, recording(calls, name, getattr(IMAPClient, name)))
    fetcher = fetcher_for(imap_box)
    monkeypatch.setattr(fetcher, "_capable", lambda name: name in capabilities)
    try:
        assert drain(fetcher, imap_box.id, clock) == 2
    finally:
        fetcher.close()
    assert calls == commands * 2
    assert imap.flags("INBOX") == [] and len(imap.flags("Processed")) == 2


def test_processed_folder_name_from_settings(session, clock, imap, imap_box):
    imap_box.settings = imap.settings(processed_folder="Behandlade ärenden")
    seed(imap, 1)
    assert fetch_mailboxes(clock) == 1
    assert imap.flags("INBOX") == [] and len(imap.flags("Behandlade ärenden")) == 1


def test_xoauth2_login_with_token_from_configuration(app, session, clock, imap, imap_box, caplog):
    imap_box.settings = imap.settings(auth="xoauth2")
    app.config["MAILBOX_IMAPTEST_OAUTH_TOKEN"] = "expired-token"
    seed(imap, 1)
    assert fetch_mailboxes(clock) == 0
    assert "AUTHENTICATIONFAILED" in caplog.text

    app.config["MAILBOX_IMAPTEST_OAUTH_TOKEN"] = lambda: imap.token  # a token provider
    assert poll(clock) == 1
    assert imap.introspection.server.seen == ["expired-token", imap.token]
    assert imap.flags("INBOX") == []


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_connection_verifies_the_server_certificate(session, clock, imap, imap_box, caplog, security):
    port = imap.tls_port if security == "ssl" else imap.port
    seed(imap, 1)
    imap_box.settings = imap.settings(security=security, port=port)
    assert fetch_mailboxes(clock) == 0
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text

    imap_box.settings = imap.settings(security=security, port=port, tls_ca_file=imap.ca_file)
    assert poll(clock) == 1


def test_missing_password_names_the_setting(app, session, clock, imap, imap_box, caplog):
    app.config.pop("MAILBOX_IMAPTEST_PASSWORD")
    seed(imap, 1)
    assert fetch_mailboxes(clock) == 0
    assert "HELPDESK_MAILBOX_IMAPTEST_PASSWORD" in caplog.text
    assert imap.flags("INBOX") == [()]


def test_tests_never_connect_beyond_this_machine(session, imap_box):
    imap_box.settings = {"host": "imap.exempelby.se", "username": "servicedesk"}
    fetcher = fetcher_for(imap_box)
    with pytest.raises(RuntimeError, match="only use IMAP on this machine"):
        next(iter(fetcher.fetch()))
    fetcher.close()


def test_settings_defaults_and_checks():
    settings = parse_settings({"host": "imap.exempelby.se", "username": "servicedesk"})
    assert (settings.port, settings.security, settings.auth) == (993, "ssl", "password")
    assert (settings.folder, settings.processed_folder, settings.acknowledge) == ("INBOX", "Processed", "move")
    plain = parse_settings({"host": "h", "username": "u", "ssl": False, "port": ""})
    assert (plain.security, plain.port) == ("none", 143)
    assert parse_settings({"host": "h", "username": "u", "security": "starttls"}).port == 143
    with pytest.raises(ImapSettingsError, match="security"):
        parse_settings({"host": "h", "username": "u", "security": "tls"})
    with pytest.raises(ImapSettingsError, match="host"):
        parse_settings({"username": "u"})
