"""Which X-Forwarded-For address is believed (helpdesk/proxy.py)."""

import pytest

from helpdesk.proxy import networks, real_client

NETS = networks(("127.0.0.1", "10.1.0.0/16", "::1"))


@pytest.mark.parametrize("peer, header, client", [
    ("127.0.0.1", "192.0.2.1", "192.0.2.1"),
    ("127.0.0.1", "192.0.2.1, 10.1.0.5", "192.0.2.1"),  # two proxies of ours
    ("127.0.0.1", "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # the client's own header is not believed
    ("198.51.100.1", "192.0.2.1", "198.51.100.1"),  # not from a proxy
    ("127.0.0.1", "10.1.0.5", "127.0.0.1"),  # only proxies: the peer
    ("127.0.0.1", "192.0.2.1, junk", "127.0.0.1"),  # garbled
    ("::1", "2001:db8::7", "2001:db8::7"),
    ("127.0.0.1", "[2001:db8::8]", "2001:db8::8"),
    ("127.0.0.1", None, "127.0.0.1"),
])
def test_real_client(peer, header, client):
    assert real_client(peer, header, NETS) == client


def test_settings_as_text_list_and_bad_entries():
    assert networks("127.0.0.1, 10.0.0.0/8") == networks(("127.0.0.1", "10.0.0.0/8"))
    assert networks("") == () and networks(None) == ()
    with pytest.raises(ValueError, match="proxy.example"):
        networks("proxy.example")


@pytest.fixture(autouse=True)
def session():
    """No database here."""
    yield None
