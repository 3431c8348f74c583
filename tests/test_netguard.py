"""Admin-entered hosts (mail servers, webhook receivers): embedded IPv4 forms of link-local and metadata
addresses are refused like the plain forms, and a connection goes to the address that was checked."""

import socket
import threading

import pytest

from helpdesk import netguard
from helpdesk.webhooks.targets import address_allowed

METADATA_FORMS = [
    "169.254.169.254",
    "::ffff:169.254.169.254",  # IPv4-mapped
    "64:ff9b::a9fe:a9fe",  # NAT64 well-known prefix
    "64:ff9b:1:a9fe:a9:fe00::",  # NAT64 local-use prefix (RFC 8215, /48 layout)
    "::169.254.169.254",  # IPv4-compatible (deprecated)
    "2002:a9fe:a9fe::1",  # 6to4
    "2001:0:4136:e378:8000:63bf:5601:5601",  # Teredo, client 169.254.169.254
    "fe80::1",
]


@pytest.mark.parametrize("address", METADATA_FORMS)
def test_mail_host_check_refuses_every_form_of_a_link_local_address(app, address):
    with app.app_context(), pytest.raises(netguard.TargetRefused):
        netguard.check_mail_host(address, 993, "IMAP")


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.10", "127.0.0.1", "::1"])
def test_mail_host_check_allows_the_municipal_network(app, address):
    with app.app_context():
        assert netguard.check_mail_host(address, 993, "IMAP")


@pytest.mark.parametrize("allow_private", [False, True])
@pytest.mark.parametrize("address", METADATA_FORMS)
def test_webhook_targets_never_reach_a_link_local_address_in_any_form(app, address, allow_private):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = allow_private
    try:
        with app.app_context():
            assert not address_allowed(address)
    finally:
        app.config["WEBHOOK_ALLOW_PRIVATE"] = False


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "2002:7f00:1::1", "64:ff9b::a00:1", "2002:c0a8:1::1"])
def test_webhook_targets_refuse_embedded_internal_addresses(app, address):
    with app.app_context():
        assert not address_allowed(address)
        assert address_allowed("2a00:1450:400f:80d::200e")  # a public IPv6 address still passes


def test_a_pinned_host_connects_to_the_checked_address_even_if_dns_changes(app, monkeypatch):
    """DNS rebinding: the name answers 127.0.0.1 for the check and 127.0.0.2 afterwards."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    answers = iter(["127.0.0.1"] + ["127.0.0.2"] * 10)
    real = netguard._real_getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "localhost":
            return real(next(answers), *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(netguard, "_real_getaddrinfo", rebinding)
    try:
        with app.app_context(), netguard.pinned_mail_host("localhost", port, "IMAP") as addresses:
            assert addresses == ["127.0.0.1"]
            conn = socket.create_connection(("localhost", port), timeout=2)
            conn.close()
        accepted, _peer = listener.accept()
        accepted.close()
    finally:
        listener.close()


def test_pins_belong_to_their_own_context(app):
    seen = []
    with app.app_context(), netguard.pin("pinned.invalid", ["127.0.0.1"]):
        assert socket.getaddrinfo("pinned.invalid", 80, type=socket.SOCK_STREAM)[0][4][0] == "127.0.0.1"

        def other_thread():
            try:
                socket.getaddrinfo("pinned.invalid", 80)
            except socket.gaierror:
                seen.append("not pinned here")

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert seen == ["not pinned here"]


@pytest.mark.parametrize("channel, settings", [
    ("imap", {"host": "2002:a9fe:a9fe::1", "username": "x", "security": "none", "port": 143}),
    ("imap", {"host": "169.254.169.254", "username": "x", "security": "none", "port": 143}),
    ("ews", {"endpoint": "http://[64:ff9b::a9fe:a9fe]/EWS/Exchange.asmx", "username": "x"}),
    ("ews", {"endpoint": "http://169.254.169.254/latest/meta-data/", "username": "x"}),
])
def test_a_saved_mailbox_is_never_polled_on_a_link_local_address(app, channel, settings):
    """The connection test refuses these; a mailbox saved with them must not be polled there either."""
    from types import SimpleNamespace

    from helpdesk.intake.fetchers import ews, imap

    box = SimpleNamespace(name="evil", address="evil@exempelby.se", settings=settings, channel=channel)
    app.config["MAILBOX_EVIL_PASSWORD"] = "x"
    try:
        with app.app_context(), pytest.raises(netguard.TargetRefused):
            fetcher = imap.imap_fetcher(box) if channel == "imap" else ews.EwsFetcher(box)
            list(fetcher.fetch())
    finally:
        app.config.pop("MAILBOX_EVIL_PASSWORD", None)
