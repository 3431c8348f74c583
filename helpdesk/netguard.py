"""Network guards: real clients refuse other hosts than this machine under TESTING, and admin-entered
mail servers may not point at link-local (cloud metadata), multicast or unspecified addresses."""

import ipaddress
import socket

from flask import current_app


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
        addresses = sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if ip.is_link_local or ip.is_multicast or ip.is_unspecified or (ip.is_reserved and not ip.is_private):
            raise TargetRefused(host, address)
    return addresses
