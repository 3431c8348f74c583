"""The real client address behind trusted reverse proxies.

X-Forwarded-For is believed only when the request comes from an address in TRUSTED_PROXIES; the
client is then the right-most address in the header that is not itself a trusted proxy (anything
to its left was written by the client and may be forged). X-Forwarded-Proto is taken from a
trusted proxy too. The proxy's own address is kept in the environ as "helpdesk.proxy_addr".
"""

import ipaddress
from functools import lru_cache


@lru_cache(maxsize=32)
def networks(setting) -> tuple:
    """TRUSTED_PROXIES as networks; a string may be comma-separated. ValueError names a bad entry."""
    if not setting:
        return ()
    if not isinstance(setting, str | tuple | list):
        setting = str(setting)  # a bare number from the environment
    items = setting.split(",") if isinstance(setting, str) else setting
    found = []
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {item!r} is neither an address nor a network") from None
    return tuple(found)


def _address(text):
    try:
        return ipaddress.ip_address(text.strip().removeprefix("[").split("]")[0])
    except ValueError:
        return None


def _trusted(address, nets) -> bool:
    return address is not None and any(address in net for net in nets)


def real_client(peer: str | None, forwarded_for: str | None, nets) -> str | None:
    """The client's address: the peer unless it is a trusted proxy that forwarded a valid one."""
    if not nets or not forwarded_for or not _trusted(_address(peer or ""), nets):
        return peer
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            return peer  # garbled header: believe only what we saw
        if not _trusted(address, nets):
            return str(address)
    return peer  # every hop is one of our proxies


class TrustedProxies:
    """WSGI middleware rewriting REMOTE_ADDR (and the scheme) from trusted proxies' headers."""

    def __init__(self, wsgi_app, config):
        self.wsgi_app = wsgi_app
        self.config = config

    def __call__(self, environ, start_response):
        nets = networks(_hashable(self.config.get("TRUSTED_PROXIES")))
        peer = environ.get("REMOTE_ADDR")
        if nets and _trusted(_address(peer or ""), nets):
            client = real_client(peer, environ.get("HTTP_X_FORWARDED_FOR"), nets)
            if client != peer:
                environ["helpdesk.proxy_addr"] = peer
                environ["REMOTE_ADDR"] = client
            proto = (environ.get("HTTP_X_FORWARDED_PROTO") or "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        return self.wsgi_app(environ, start_response)


def _hashable(setting):
    return tuple(setting) if isinstance(setting, list | tuple | set) else setting
