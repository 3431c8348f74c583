"""Where webhooks may go (server-side request forgery guard).

Only http(s) URLs, to host names an admin allowed (WEBHOOK_ALLOWED_HOSTS), whose every
resolved address is public unless WEBHOOK_ALLOW_PRIVATE is set. Checked when a subscription
is saved and again before every delivery (DNS may have changed); redirects are never followed.
"""

import fnmatch
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from ..errors import InvalidField
from .. import netguard
from ..netguard import forms_of, refuse_remote_in_tests


class TargetRefused(InvalidField):
    def __init__(self, message):
        super().__init__("url", message)


def host_allowed(host: str) -> bool:
    patterns = current_app.config["WEBHOOK_ALLOWED_HOSTS"]
    return any(fnmatch.fnmatch(host, p.lower()) for p in patterns)


def check_url(url: str, *, resolve: bool = True) -> tuple[str, int]:
    """The host and port of url if a webhook may be sent there; raises TargetRefused otherwise."""
    host, port, _addresses = checked_target(url, resolve=resolve)
    return host, port


def checked_target(url: str, *, resolve: bool = True) -> tuple[str, int, list[str]]:
    """check_url, with the addresses it checked: deliver to those (netguard.pin), never to a second DNS answer."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused(_("Adressen är ogiltig.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(_("Adressen måste börja med https:// (eller http://)."))
    if parts.username or parts.password:
        raise TargetRefused(_("Adressen får inte innehålla användarnamn eller lösenord."))
    host = parts.hostname.lower()
    if not host_allowed(host):
        raise TargetRefused(_("Värden %(host)s finns inte bland de tillåtna mottagarna.", host=host))
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolve_host(host, port) if resolve else []
    for address in addresses:
        if not address_allowed(address):
            raise TargetRefused(_("Värden %(host)s pekar på en intern adress (%(addr)s).", host=host,
                                  addr=address))
    return host, port, addresses


def resolve_host(host: str, port: int) -> list[str]:
    refuse_remote_in_tests(host, "webhooks")
    try:
        infos = netguard._real_getaddrinfo(host, port, type=socket.SOCK_STREAM)  # never a pinned answer
    except OSError:
        raise TargetRefused(_("Värden %(host)s kunde inte slås upp.", host=host)) from None
    return sorted({info[4][0] for info in infos})


def address_allowed(address: str) -> bool:
    """Public, or private when allowed; never link-local (cloud metadata), in any embedded IPv4 form too."""
    return all(_one_allowed(ip) for ip in forms_of(address))


def _one_allowed(ip) -> bool:
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified:
        return False
    if ip.is_global and not ip.is_reserved:
        return True
    if current_app.config["WEBHOOK_ALLOW_PRIVATE"]:
        return ip.is_private or ip.is_loopback
    return False
