"""Network guards: real clients refuse other hosts than this machine under TESTING, and admin-entered
mail servers may not point at link-local (cloud metadata), multicast or unspecified addresses."""

import contextlib
import contextvars
import ipaddress
import socket

from flask import current_app

NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215; the IPv4 address sits as in RFC 6052's /48


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_remote_in_tests(host: str, what: str) -> None:
    """Raise when a test would reach a host other than this machine."""
    if current_app.config.get("TESTING") and not is_loopback(host):
        raise RuntimeError(f"tests may only use {what} on this machine, not {host!r}")


class TargetRefused(Exception):
    """A host that an admin entered resolves to an address the desk must never connect to."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} resolves to {address}")
        self.host, self.address = host, address


def check_mail_host(host: str, port: int, what: str) -> list[str]:
    """The addresses of an admin-entered mail server, refusing link-local, multicast and unspecified ones.

    Unlike webhooks (helpdesk.webhooks.targets), private and loopback addresses are allowed: a
    municipality's IMAP or Exchange server lives inside its own network. Link-local addresses are
    refused because that is where cloud metadata services answer (169.254.169.254), and a
    connection test must not become a way to reach them. Raises socket.gaierror when the name
    does not resolve. Tests never resolve outside names: there the client's own guard applies
    (refuse_remote_in_tests, or requests-mock for HTTP).
    """
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        if current_app.config.get("TESTING") and not is_loopback(host):
            return []
        addresses = sorted({info[4][0] for info in _real_getaddrinfo(host, port, type=socket.SOCK_STREAM)})
    for address in addresses:
        for ip in forms_of(address):
            if ip.is_link_local or ip.is_multicast or ip.is_unspecified or (ip.is_reserved and not ip.is_private):
                raise TargetRefused(host, address)
    return addresses


def embedded_ipv4(ip) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, Teredo, IPv4-compatible), if any.

    Each of these reaches the IPv4 address through a translator or tunnel, so a check of the IPv6
    form alone would let 64:ff9b::a9fe:a9fe through to 169.254.169.254."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in NAT64_LOCAL:
        b = ip.packed
        return ipaddress.IPv4Address(bytes([b[6], b[7], b[9], b[10]]))
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if int(ip) >> 32 == 0 and int(ip) > 0xFFFF:  # ::a.b.c.d (deprecated IPv4-compatible), not :: or ::1
        return ipaddress.IPv4Address(int(ip))
    return None


def forms_of(address: str) -> list:
    """The address, and the IPv4 address it embeds: a check must hold for each."""
    ip = ipaddress.ip_address(address.split("%")[0])
    embedded = embedded_ipv4(ip)
    return [ip] if embedded is None else [ip, embedded]


# DNS rebinding: a name checked once must not resolve to another address when the client connects.
# Every client (imaplib, urllib3 under requests and exchangelib, smtplib) resolves through
# socket.getaddrinfo; within pin(host, addresses) that name answers only the checked addresses.
# The pins live in a context variable, so they hold for this thread (and a copied context) only.
_pins: contextvars.ContextVar[dict | None] = contextvars.ContextVar("netguard_pins", default=None)
_real_getaddrinfo = socket.getaddrinfo


def _pinned_getaddrinfo(host, port, *args, **kwargs):
    pins = _pins.get()
    key = host.decode() if isinstance(host, bytes) else host
    if pins and isinstance(key, str) and key.lower().rstrip(".") in pins:
        found = []
        for address in pins[key.lower().rstrip(".")]:
            found += _real_getaddrinfo(address, port, *args, **kwargs)
        return found
    return _real_getaddrinfo(host, port, *args, **kwargs)


@contextlib.contextmanager
def pin(host: str, addresses: list[str]):
    """Within this block host resolves only to addresses (those just checked)."""
    if socket.getaddrinfo is not _pinned_getaddrinfo:
        socket.getaddrinfo = _pinned_getaddrinfo  # once per process; without pins it only passes through
    if not addresses:
        yield
        return
    token = _pins.set({**(_pins.get() or {}), host.lower().rstrip("."): list(addresses)})
    try:
        yield
    finally:
        _pins.reset(token)


@contextlib.contextmanager
def pinned_mail_host(host: str, port: int, what: str):
    """check_mail_host, then connect only to the addresses it checked (no second DNS answer)."""
    addresses = check_mail_host(host, port, what)
    with pin(host, addresses):
        yield addresses
