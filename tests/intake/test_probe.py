""""Testa anslutningen" against a real Dovecot and the Graph and EWS fakes: what it finds, in Swedish,
its failures classified without raw text, nothing fetched or moved, every test audited."""

import socket
import ssl

import exchangelib
import pytest
import requests_mock
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.intake.fetchers import graph
from helpdesk.intake.models import Mailbox
from helpdesk.intake.probe import classify, check_connection
from tests.intake.builders import mail
from tests.intake.dovecot import free_port
from tests.intake.fake_ews import ENDPOINT, FakeEws
from tests.intake.fake_graph import TENANT, FakeGraph

COMMON = {"send_transport": "smtp", "organisation_id": "1", "default_group_id": "0", "poll_seconds": "60",
          "closed_policy": "reopen", "allowed_domains": "", "is_active": "y"}


@pytest.fixture
def imap_box(app, session, imap):
    """A saved IMAP mailbox on the test Dovecot, its password only in configuration."""
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    box = Mailbox(name="imapprov", address="imapprov@exempelby.se", channel="imap",
                  organisation_id=desk.organisation_id, settings=imap.settings())
    session.add(box)
    session.commit()
    app.config["MAILBOX_IMAPPROV_PASSWORD"] = imap.password
    yield box
    app.config.pop("MAILBOX_IMAPPROV_PASSWORD", None)


def imap_form(imap, **overrides):
    """The IMAP form as an administrator fills it in, then presses "Testa anslutningen"."""
    return COMMON | {"name": "nybox", "address": "nybox@exempelby.se", "host": imap.host, "security": "none",
                     "port": str(imap.port), "username": imap.user, "auth": "password", "folder": "INBOX",
                     "acknowledge": "move", "processed_folder": "Processed", "test": "Testa anslutningen"} | overrides


def audited(session):
    session.expire_all()
    return session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "mailbox_connection_tested")
                           .order_by(AuditEntry.id)).all()


def test_saved_imap_mailbox_reports_its_counts_and_fetches_nothing(client, auth, session, imap, imap_box):
    for n in range(3):
        imap.save(mail(subject=f"Fel {n}"))
    with imap.client() as c:
        c.select_folder("INBOX")
        c.add_flags(c.search("ALL")[:1], [b"\\Seen"])
    before = imap.flags("INBOX")
    auth.login("admin")
    response = client.post(f"/admin/mailboxes/{imap_box.id}/test", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert (f"Ansluten till 127.0.0.1 som {imap.user}. Mappen INBOX har 3 meddelanden, varav 2 olästa." in page)
    assert "Mappen Processed för hanterad e-post finns inte än" in page
    assert imap.flags("INBOX") == before and imap.flags("Processed") is None  # nothing read, moved or created
    entry = audited(session)[-1]
    assert entry.object_id == str(imap_box.id) and entry.details["ok"] and entry.details["outcome"] == "ok"


def test_form_tests_typed_settings_with_the_typed_password_and_saves_nothing(client, auth, session, imap):
    imap.save(mail())
    auth.login("admin")
    response = client.post("/admin/mailboxes/new?channel=imap", data=imap_form(imap, secret=imap.password))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mappen INBOX har 1 meddelande, varav 1 oläst." in page
    assert imap.password not in page and 'value="127.0.0.1"' in page  # typed settings stay, the secret does not
    assert session.scalar(sa.select(Mailbox).where(Mailbox.name == "nybox")) is None
    assert audited(session)[-1].object_id is None


def test_wrong_password_is_a_swedish_sentence_without_the_server_answer(client, auth, session, imap, caplog):
    auth.login("admin")
    page = client.post("/admin/mailboxes/new?channel=imap", data=imap_form(imap, secret="fel-lösen")
                       ).get_data(as_text=True)
    assert "Inloggningen misslyckades: servern 127.0.0.1 godtog inte användarnamnet eller lösenordet." in page
    assert "AUTHENTICATIONFAILED" not in page and "Traceback" not in page and "LoginError" not in page
    assert "LoginError" in caplog.text  # the detail is in the log
    assert audited(session)[-1].details["outcome"] == "auth"


def test_no_password_anywhere_names_the_variable(client, auth, imap):
    auth.login("admin")
    page = client.post("/admin/mailboxes/new?channel=imap", data=imap_form(imap)).get_data(as_text=True)
    assert "HELPDESK_MAILBOX_NYBOX_PASSWORD" in page and "inget lösenord" in page.lower()


def test_closed_port_is_refused_in_swedish(client, auth, imap):
    auth.login("admin")
    port = free_port()
    page = client.post("/admin/mailboxes/new?channel=imap", data=imap_form(imap, port=str(port), secret="x")
                       ).get_data(as_text=True)
    assert f"Servern 127.0.0.1 tog inte emot anslutningen på port {port}." in page
    assert "Errno" not in page and "ConnectionRefusedError" not in page


def test_a_server_that_never_answers_times_out_within_the_limit(app, client, auth, imap):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never sends the greeting
    app.config["MAIL_PROBE_TIMEOUT"] = 0.5
    try:
        auth.login("admin")
        page = client.post("/admin/mailboxes/new?channel=imap", data=imap_form(
            imap, port=str(silent.getsockname()[1]), secret="x")).get_data(as_text=True)
    finally:
        app.config["MAIL_PROBE_TIMEOUT"] = 10
        silent.close()
    assert "Servern 127.0.0.1 svarade inte inom 0.5 sekunder." in page and "timed out" not in page


def test_tls_against_a_plain_port_says_port_and_security_do_not_match(client, auth, imap):
    auth.login("admin")
    page = client.post("/admin/mailboxes/new?channel=imap", data=imap_form(imap, security="ssl", secret="x")
                       ).get_data(as_text=True)
    assert "Den krypterade anslutningen (TLS) till 127.0.0.1 misslyckades." in page
    assert "WRONG_VERSION_NUMBER" not in page and "SSLError" not in page


def test_missing_folder_is_named(app, imap):
    with app.test_request_context():
        result = check_connection(name="x", address="x@exempelby.se", channel="imap",
                                 settings=imap.settings(folder="Finns-inte"), secret=imap.password)
    assert not result.ok and result.message == "Inloggningen lyckades, men mappen Finns-inte finns inte på servern."


@pytest.mark.parametrize("error, kind", [
    (socket.gaierror(-2, "Name or service not known"), "host"),
    (ssl.SSLCertVerificationError(1, "certificate verify failed"), "certificate"),
    (ConnectionResetError(104, "reset"), "connection"),
    (KeyError("x"), "error"),
])
def test_exceptions_are_classified_by_what_they_carry(error, kind):
    try:
        try:
            raise error
        except Exception as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as wrapped:
        assert classify(wrapped)[0] == kind


@pytest.fixture
def graph_box(app, session):
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    desk.channel, desk.settings = "graph", {"tenant_id": TENANT, "client_id": "helpdesk-app"}
    session.commit()
    app.config["MAILBOX_SERVICEDESK_CLIENT_SECRET"] = "graph-secret"
    with requests_mock.Mocker() as mocker:
        yield desk, FakeGraph(mocker)
    app.config.pop("MAILBOX_SERVICEDESK_CLIENT_SECRET", None)
    graph.forget_tokens()


def test_graph_reports_the_inbox_counts_and_moves_nothing(client, auth, graph_box):
    desk, fake = graph_box
    fake.deliver(mail(subject="Ett"))
    fake.deliver(mail(subject="Två"), read=True)
    auth.login("admin")
    page = client.post(f"/admin/mailboxes/{desk.id}/test", follow_redirects=True).get_data(as_text=True)
    assert ("Ansluten till Microsoft Graph med appen helpdesk-app; brevlådan servicedesk@exempelby.se hittades. "
            "Mappen Inkorgen har 2 meddelanden, varav 1 oläst.") in page
    assert {route for route, method in fake.calls} <= {"inbox", "child_folders"}  # no list, $value, PATCH or move


def test_graph_wrong_secret_and_unknown_mailbox(app, graph_box):
    desk, fake = graph_box
    with app.test_request_context():
        wrong = check_connection(name=desk.name, address=desk.address, channel="graph", settings=desk.settings,
                                secret="fel-hemlighet")
        missing = check_connection(name=desk.name, address="ingen@exempelby.se", channel="graph", settings=desk.settings)
    assert wrong.kind == "auth_app" and "klienthemlighet" in wrong.message and "AADSTS" not in wrong.message
    assert missing.kind == "mailbox" and missing.message == ("Inloggningen lyckades, men brevlådan "
                                                             "ingen@exempelby.se hittades inte.")


@pytest.fixture
def ews_box(app, session):
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    desk.channel, desk.settings = "ews", {"endpoint": ENDPOINT, "username": "EXEMPELBY\\svc-helpdesk"}
    session.commit()
    app.config["MAILBOX_SERVICEDESK_PASSWORD"] = "hemligt"
    yield desk
    app.config.pop("MAILBOX_SERVICEDESK_PASSWORD", None)
    exchangelib.close_connections()


def test_ews_reports_the_inbox_counts_and_moves_nothing(app, ews_box):
    with requests_mock.Mocker() as mocker:
        fake = FakeEws(mocker)
        fake.deliver(mail(subject="Ett"))
        fake.deliver(mail(subject="Två"))
        fake.deliver(mail(subject="Tre"), read=True)
        with app.test_request_context():
            result = check_connection(name=ews_box.name, address=ews_box.address, channel="ews",
                                      settings=ews_box.settings)
    assert result.ok, result.message
    assert result.message.startswith("Ansluten till mail.exempelby.se som EXEMPELBY\\svc-helpdesk; brevlådan "
                                      "servicedesk@exempelby.se hittades. Mappen Inkorgen har 3 meddelanden, "
                                      "varav 2 olästa.")
    assert set(fake.calls) <= {"GetFolder", "FindFolder"} and len(fake.in_folder("Inkorgen")) == 3


def test_ews_refused_login_is_swedish(app, ews_box):
    with requests_mock.Mocker() as mocker:
        mocker.post(ENDPOINT, status_code=401, text="")
        with app.test_request_context():
            result = check_connection(name=ews_box.name, address=ews_box.address, channel="ews",
                                      settings=ews_box.settings, secret="fel")
    assert result.kind == "auth" and result.message.startswith("Inloggningen misslyckades: servern mail.exempelby.se")


def test_ews_server_that_does_not_answer_in_time(app, ews_box):
    import requests

    with requests_mock.Mocker() as mocker:
        mocker.post(ENDPOINT, exc=requests.exceptions.ConnectTimeout)
        with app.test_request_context():
            result = check_connection(name=ews_box.name, address=ews_box.address, channel="ews",
                                      settings=ews_box.settings)
    assert result.kind == "timeout", result
    assert "svarade inte inom" in result.message


@pytest.mark.parametrize("channel, settings", [
    ("imap", {"host": "169.254.169.254", "username": "x"}),
    ("ews", {"endpoint": "http://169.254.169.254/EWS/Exchange.asmx"}),
])
def test_link_local_targets_are_refused_before_any_connection(app, channel, settings):
    with app.test_request_context():
        result = check_connection(name="x", address="x@exempelby.se", channel=channel, settings=settings, secret="x")
    assert result.kind == "target" and "169.254.169.254" in result.message


def test_a_blank_secret_field_tests_with_the_configured_one(app, client, auth, imap):
    app.config["MAILBOX_NYBOX_PASSWORD"] = imap.password
    try:
        auth.login("admin")
        page = client.post("/admin/mailboxes/new?channel=imap", data=imap_form(imap, secret="")).get_data(as_text=True)
    finally:
        app.config.pop("MAILBOX_NYBOX_PASSWORD")
    assert f"Ansluten till 127.0.0.1 som {imap.user}." in page and imap.password not in page


def test_a_server_that_drips_its_greeting_is_given_the_timeout_for_the_whole_test(app):
    """Each byte arrives within the socket timeout; the test as a whole still ends at MAIL_PROBE_TIMEOUT."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    dripping = threading.Event()

    def drip():
        conn, _peer = listener.accept()
        dripping.set()
        try:
            for _ in range(40):  # 8 seconds of "* OK" one byte at a time, never a line end
                conn.sendall(b"*")
                if not dripping.wait(0) or threading.Event().wait(0.2):
                    break
        except OSError:
            pass
        finally:
            dripping.clear()
            conn.close()

    server = threading.Thread(target=drip, daemon=True)
    server.start()
    app.config["MAIL_PROBE_TIMEOUT"] = 1
    try:
        with app.test_request_context():
            result = check_connection(name="x", address="x@exempelby.se", channel="imap", secret="x", settings={
                "host": "127.0.0.1", "port": listener.getsockname()[1], "security": "none", "username": "x"})
        still_dripping = dripping.is_set()
    finally:
        app.config["MAIL_PROBE_TIMEOUT"] = 10
        dripping.clear()
        server.join(5)
        listener.close()
    assert result.kind == "timeout" and "svarade inte inom 1 sekunder" in result.message
    assert still_dripping  # it gave up while the server was still sending


def test_the_probe_connects_to_the_address_it_checked_not_a_second_dns_answer(app, monkeypatch):
    """DNS rebinding: localhost answers 127.0.0.1 for the check, 127.0.0.2 for any later lookup."""
    from helpdesk import netguard

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(3)
    answers = iter(["127.0.0.1"] + ["127.0.0.2"] * 20)
    real = netguard._real_getaddrinfo

    def rebinding(host, *args, **kwargs):
        return real(next(answers) if host == "localhost" else host, *args, **kwargs)

    monkeypatch.setattr(netguard, "_real_getaddrinfo", rebinding)
    monkeypatch.setattr(socket, "getaddrinfo", netguard._pinned_getaddrinfo)
    app.config["MAIL_PROBE_TIMEOUT"] = 1
    try:
        with app.test_request_context():
            check_connection(name="x", address="x@exempelby.se", channel="imap", secret="x", settings={
                "host": "localhost", "port": listener.getsockname()[1], "security": "none", "username": "x"})
        accepted, _peer = listener.accept()  # the connection came to the checked address
        accepted.close()
    finally:
        app.config["MAIL_PROBE_TIMEOUT"] = 10
        listener.close()
