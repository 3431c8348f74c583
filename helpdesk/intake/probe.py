""""Testa anslutningen": connect to a mailbox with given settings and say in Swedish what was found.

Each channel's probe (in its fetcher module) logs in and counts mail; it fetches, marks and moves
nothing. It runs with MAIL_PROBE_TIMEOUT seconds as its socket and HTTP timeout and without
retries, and the whole test gives up after MAIL_PROBE_TIMEOUT seconds (within()), so a test is
bounded in time. A failure is classified by the exceptions it carries (host
not found, refused, timeout, TLS, authentication ...) into one Swedish sentence; the exception's
own text, which may hold server answers in English or internal names, goes to the log only.
"""

import contextvars
import logging
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from imapclient.exceptions import IMAPClientError

from ..netguard import TargetRefused
from .fetchers import Found, ProbeError, probe_for
from .models import MailChannel

log = logging.getLogger(__name__)
TIMEOUTS = (TimeoutError, requests.Timeout, urllib3.exceptions.TimeoutError)


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    kind: str  # "ok", "push" (nothing to connect to) or the failure's kind, for the audit log
    message: str


def secret_key(channel: str, settings: dict) -> str | None:
    """The configuration key (after MAILBOX_<NAME>_) of the secret this channel's settings log in with."""
    if channel == MailChannel.IMAP:
        return "OAUTH_TOKEN" if settings.get("auth") == "xoauth2" else "PASSWORD"
    if channel == MailChannel.GRAPH:
        return "CLIENT_SECRET"
    if channel == MailChannel.EWS:
        return "CLIENT_SECRET" if settings.get("auth") == "oauth2" else "PASSWORD"
    return None


def secret_variable(name: str, key: str) -> str:
    """The environment variable an operator sets the secret in."""
    return f"HELPDESK_MAILBOX_{name}_{key}".upper()


def configured_secret(name: str, key: str | None):
    """The secret from configuration (never from the database), or None."""
    return current_app.config.get(f"MAILBOX_{name}_{key}".upper()) if key else None


def same_server(channel: str, settings: dict, saved_channel: str, saved: dict) -> bool:
    """Whether these settings log in to the same server, the same way, as a saved mailbox's."""
    if channel != saved_channel:
        return False
    if channel == MailChannel.EWS:
        return (settings.get("endpoint") or "") == (saved.get("endpoint") or "")
    if channel == MailChannel.IMAP:
        security = [s.get("security") or ("ssl" if s.get("ssl", True) else "none") for s in (settings, saved)]
        return _target(channel, settings) == _target(channel, saved) and security[0] == security[1]
    return _target(channel, settings) == _target(channel, saved)


def check_connection(*, name: str, address: str, channel: str, settings: dict, secret: str | None = None,
                     saved=None) -> ProbeResult:
    """Connect with these settings and the typed secret (else the configured one); never raises.

    saved: (channel, settings) of the saved mailbox of this name, when there is one. Its configured
    secret is sent only to the server its saved settings name: typed settings for another server
    must come with a typed secret (or be saved first, which is audited with its settings), so a
    test cannot quietly hand the configured password to a server of the tester's choosing.
    """
    probe = probe_for(channel)
    if probe is None:
        return ProbeResult(True, "push", _(
            "Den här kanalen hämtar ingen e-post: e-postservern lämnar över den till helpdesk (Postfix-pipe eller "
            "LMTP). Det finns ingen anslutning att testa härifrån."))
    key = secret_key(channel, settings)
    credential = secret or configured_secret(name, key)
    if not secret and credential and saved is not None and not same_server(channel, settings, *saved):
        return ProbeResult(False, "secret_target", _(
            "Inställningarna pekar på en annan server än den sparade brevlådan %(name)s. Den inställda hemligheten "
            "skickas bara till den sparade servern: skriv lösenordet i fältet för test, eller spara inställningarna "
            "först.", name=name))
    timeout = current_app.config["MAIL_PROBE_TIMEOUT"]
    try:
        found = within(timeout, lambda: probe(name, address, settings, credential, timeout=timeout))
    except Exception as error:  # every failure becomes a sentence; the detail goes to the log
        kind, params = classify(error)
        log.warning("connection test of mailbox %r (%s) failed as %s", name, channel, kind, exc_info=True)
        params = {**_target(channel, settings), "seconds": timeout, "address": address,
                  "variable": secret_variable(name, key) if key else "", **params}
        return ProbeResult(False, kind, failure_text(kind, channel, params))
    log.info("connection test of mailbox %r (%s): %d messages", name, channel, found.total)
    return ProbeResult(True, "ok", success_text(channel, found, address))


class ProbeDeadline(TimeoutError):
    """The whole test took longer than MAIL_PROBE_TIMEOUT."""


def within(seconds: float, call):
    """call(), but give up waiting after seconds in all: a server that answers each step just in time
    (a byte at a time) would otherwise hold the admin's request for as many timeouts as there are steps.

    The probe runs in a worker thread with a copy of this context (the app, the netguard pins); a
    worker still running at the deadline is left to end at its own socket timeout."""
    outcome = {}
    context = contextvars.copy_context()

    def run():
        try:
            outcome["value"] = context.run(call)
        except BaseException as error:  # handed to the caller as it is
            outcome["error"] = error

    worker = threading.Thread(target=run, name="mail-probe", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise ProbeDeadline(f"connection test took longer than {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _chain(error: BaseException):
    """The error and every exception it wraps (cause, context, urllib3's reason, exceptions in args)."""
    seen, todo = [], [error]
    while todo and len(seen) < 20:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [current.__cause__, current.__context__, getattr(current, "reason", None)]  # ssl's reason: a str
        todo += [arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)]
    return seen


def classify(error: BaseException) -> tuple[str, dict]:
    """The kind of a failed connection test, and the values its sentence names."""
    chain = _chain(error)
    for check, kind in ((ProbeError, None), (TargetRefused, "target"), (socket.gaierror, "host"),
                        (urllib3.exceptions.NameResolutionError, "host"),
                        (ssl.SSLCertVerificationError, "certificate"), (ssl.SSLError, "tls"),
                        (ConnectionRefusedError, "refused"), (TIMEOUTS, "timeout"),
                        (ConnectionError, "connection"), (requests.ConnectionError, "connection"),
                        (IMAPClientError, "protocol"), (OSError, "connection")):
        found = next((e for e in chain if isinstance(e, check)), None)
        if found is None:
            continue
        if isinstance(found, ProbeError):
            return found.kind, found.params
        if isinstance(found, TargetRefused):
            return kind, {"host": found.host, "ip": found.address}
        return kind, {}
    if type(error).__name__ == "ImapSettingsError":
        return "settings", {}
    return "error", {}


def _target(channel: str, settings: dict) -> dict:
    """The host and port a channel's settings point at, for the sentences."""
    if channel == MailChannel.IMAP:
        security = settings.get("security") or ("ssl" if settings.get("ssl", True) else "none")
        return {"host": settings.get("host") or "", "port": settings.get("port") or (993 if security == "ssl" else 143)}
    if channel == MailChannel.EWS:
        try:
            parts = urlsplit(settings.get("endpoint") or "")
            return {"host": parts.hostname or "", "port": parts.port or (80 if parts.scheme == "http" else 443)}
        except ValueError:
            return {"host": "", "port": ""}
    if channel == MailChannel.GRAPH:
        return {"host": "graph.microsoft.com", "port": 443}
    return {"host": "", "port": "", "path": settings.get("path") or ""}


def failure_text(kind: str, channel: str, p: dict) -> str:
    """One Swedish sentence (or two) for a failed test: what went wrong and what to check."""
    texts = {
        "secret": lambda: _("Det finns inget lösenord eller annan hemlighet att testa med. Skriv den i fältet för test, "
                            "eller ange den i miljövariabeln %(variable)s.", variable=p["variable"]),
        "settings": lambda: _("Inställningarna är ofullständiga. Fyll i de obligatoriska fälten och försök igen."),
        "ca_file": lambda: _("CA-filen %(path)s kunde inte läsas. Kontrollera sökvägen.", path=p.get("path") or ""),
        "target": lambda: _("Servern %(host)s pekar på en adress som helpdesk inte får ansluta till (%(ip)s).",
                            host=p["host"], ip=p.get("ip", "")),
        "host": lambda: _("Servern %(host)s hittades inte: namnet kunde inte slås upp. Kontrollera servernamnet.",
                          host=p["host"]),
        "refused": lambda: _("Servern %(host)s tog inte emot anslutningen på port %(port)s. Kontrollera port och "
                             "säkerhetsinställning.", host=p["host"], port=p["port"]),
        "timeout": lambda: _("Servern %(host)s svarade inte inom %(seconds)s sekunder. Kontrollera namn, port och "
                             "att brandväggen släpper igenom.", host=p["host"], seconds=p["seconds"]),
        "certificate": lambda: _("Serverns certifikat kunde inte verifieras. Använder servern ett certifikat från "
                                 "kommunens egen CA, ange CA-filen."),
        "tls": lambda: _("Den krypterade anslutningen (TLS) till %(host)s misslyckades. Kontrollera att port och "
                         "säkerhetsinställning hör ihop (till exempel 993 med SSL/TLS, 143 med STARTTLS).",
                         host=p["host"]),
        "connection": lambda: _("Anslutningen till %(host)s bröts eller kunde inte upprättas.", host=p["host"]),
        "protocol": lambda: _("Servern %(host)s svarade på ett sätt som inte går att tolka som IMAP. Kontrollera port "
                              "och säkerhetsinställning.", host=p["host"]),
        "auth": lambda: _("Inloggningen misslyckades: servern %(host)s godtog inte användarnamnet eller lösenordet.",
                          host=p["host"]),
        "auth_app": lambda: _("Inloggningen hos Microsoft misslyckades. Kontrollera klient-id och klienthemlighet "
                              "(appregistreringen i Entra ID)."),
        "tenant": lambda: _("Klientorganisationen (tenant) %(tenant)s hittades inte hos Microsoft. Kontrollera "
                            "tenant-id.", tenant=p.get("tenant") or ""),
        "folder": lambda: _("Inloggningen lyckades, men mappen %(folder)s finns inte på servern.",
                            folder=p.get("folder") or ""),
        "mailbox": lambda: _("Inloggningen lyckades, men brevlådan %(address)s hittades inte.", address=p["address"]),
        "permission": lambda: _("Inloggningen lyckades, men kontot saknar behörighet till brevlådan %(address)s.",
                                address=p["address"]),
        "server": lambda: _("Servern svarade med ett fel. Försök igen om en stund; detaljerna finns i loggen."),
        "path": lambda: _("Mappen %(path)s finns inte.", path=p.get("path") or ""),
        "path_access": lambda: _("Helpdesk får inte läsa och flytta filer i mappen %(path)s.", path=p.get("path") or ""),
    }
    text = texts.get(kind)
    return text() if text else _("Anslutningen misslyckades av ett oväntat skäl. Detaljerna finns i serverns logg.")


def success_text(channel: str, found: Found, address: str) -> str:
    """What a successful test found, in Swedish."""
    if channel == MailChannel.FILES:
        parts = [_("Mappen %(folder)s finns och kan läsas.", folder=found.folder),
                 ngettext("%(num)s fil väntar på att läsas in.", "%(num)s filer väntar på att läsas in.", found.total)]
    else:
        if channel == MailChannel.GRAPH:
            head = _("Ansluten till Microsoft Graph med appen %(account)s; brevlådan %(address)s hittades.",
                     account=found.account, address=address)
        elif channel == MailChannel.EWS:
            head = _("Ansluten till %(host)s som %(account)s; brevlådan %(address)s hittades.",
                     host=found.server, account=found.account, address=address)
        else:
            head = _("Ansluten till %(host)s som %(account)s.", host=found.server, account=found.account)
        total = ngettext("%(num)s meddelande", "%(num)s meddelanden", found.total)
        unread = ngettext("%(num)s oläst", "%(num)s olästa", found.unread or 0)
        parts = [head, _("Mappen %(folder)s har %(total)s, varav %(unread)s.", folder=found.folder, total=total,
                         unread=unread)]
    if found.processed_exists is True:
        parts.append(_("Mappen %(folder)s för hanterad e-post finns.", folder=found.processed_folder))
    elif found.processed_exists is False:
        parts.append(_("Mappen %(folder)s för hanterad e-post finns inte än; den skapas vid första hämtningen.",
                       folder=found.processed_folder))
    parts.append(_("Ingen e-post hämtades eller flyttades."))
    return " ".join(parts)
