"""IMAP mailboxes: download unseen mail, then move it to a Processed folder (or mark it read).

Settings in Mailbox.settings (JSON, never secrets), for the mailbox admin page:

    host              server name (required)
    port              default 993 with security "ssl", else 143
    security          "ssl" (default), "starttls" or "none"; a boolean "ssl" is read when
                      "security" is absent (false means "none")
    tls_ca_file       PEM file of CA certificates to trust instead of the system's
                      (a municipality's own CA); optional
    username          login name (required)
    auth              "password" (default) or "xoauth2"
    folder            folder to read, default "INBOX"
    acknowledge       "move" (default): move handled mail to processed_folder;
                      "flag": only mark it \\Seen and leave it in folder
    processed_folder  default "Processed"; created when missing. A subfolder is written with
                      the server's hierarchy delimiter ("INBOX.Behandlat" on Dovecot's
                      Maildir++, "INBOX/Behandlat" on Exchange)
    batch_size        messages downloaded per FETCH, default 5
    timeout           socket timeout in seconds, default 60

Secrets come from configuration only, never from the database:
HELPDESK_MAILBOX_<NAME>_PASSWORD, or for XOAUTH2 HELPDESK_MAILBOX_<NAME>_OAUTH_TOKEN
(an access token; in instance/config.py also a callable that returns a fresh one).
"""

import logging
import ssl
from dataclasses import dataclass

from imapclient import DELETED, SEEN, IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ...netguard import pinned_mail_host, refuse_remote_in_tests
from ..models import MailChannel
from ..swallowed import note
from . import Found, ProbeError, register, secret

log = logging.getLogger(__name__)


class ImapSettingsError(ValueError):
    """A mailbox's IMAP settings are missing or wrong."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str
    username: str
    auth: str = "password"
    folder: str = "INBOX"
    acknowledge: str = "move"
    processed_folder: str = "Processed"
    batch_size: int = 5
    timeout: float = 60
    tls_ca_file: str | None = None


CHOICES = {"security": ("ssl", "starttls", "none"), "auth": ("password", "xoauth2"),
           "acknowledge": ("move", "flag")}
NUMBERS = {"port": int, "batch_size": int, "timeout": float}


def parse_settings(raw: dict) -> ImapSettings:
    """Mailbox.settings as checked ImapSettings with the defaults filled in; unknown keys are ignored."""
    values = {key: value for key, value in (raw or {}).items() if value not in (None, "")}
    values.setdefault("security", "ssl" if values.get("ssl", True) else "none")
    for key, allowed in CHOICES.items():
        if values.get(key, allowed[0]) not in allowed:
            raise ImapSettingsError(f"{key} must be one of: {', '.join(allowed)}")
    for key in ("host", "username"):
        if not values.get(key):
            raise ImapSettingsError(f"{key} is required")
    values.setdefault("port", 993 if values["security"] == "ssl" else 143)
    for key, kind in NUMBERS.items():
        if key in values:
            values[key] = kind(values[key])
    return ImapSettings(**{key: value for key, value in values.items() if key in ImapSettings.__dataclass_fields__})


class ImapFetcher:
    """One polling session against one IMAP mailbox; see the module docstring for settings."""

    def __init__(self, name: str, settings: dict, credential, secret_name: str):
        self.name = name
        self._raw = settings
        self._credential = credential
        self._secret_name = secret_name  # for the error message when it is missing
        self._settings: ImapSettings | None = None
        self._client: IMAPClient | None = None

    def fetch(self):
        """(uid, raw bytes) of each message still to take in, downloaded a few at a time.

        In move mode everything left in the folder is unprocessed, read or not (a person
        may have opened it in the shared mailbox); in flag mode only unseen mail is.
        """
        client = self._open()
        criteria = ["UNSEEN", "UNDELETED"] if self._settings.acknowledge == "flag" else ["UNDELETED"]
        uids = sorted(client.search(criteria))
        log.info("imap %s: %d to take in from %s", self.name, len(uids), self._settings.folder)
        size = max(1, self._settings.batch_size)
        for start in range(0, len(uids), size):
            yield from self._download(uids[start:start + size])

    def acknowledge(self, handle) -> None:
        """Move the message to the processed folder, or only mark it read (after its commit)."""
        if self._settings.acknowledge == "flag":
            self._client.add_flags([handle], [SEEN], silent=True)
        elif self._capable("MOVE"):
            self._client.move([handle], self._settings.processed_folder)
        else:
            self._copy_and_expunge(handle)

    def close(self) -> None:
        """Log out; a connection that is already broken is just closed."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception as error:  # the server or the network went away: close our end only
            note("imap.logout", error)
            try:
                client.shutdown()
            except OSError:
                pass

    def _open(self) -> IMAPClient:
        settings = self._settings = parse_settings(self._raw)
        credential = self._credential() if callable(self._credential) else self._credential
        if not credential:
            raise ImapSettingsError(f"no secret configured: set HELPDESK_{self._secret_name}")
        context = ssl.create_default_context(cafile=settings.tls_ca_file)
        # A saved mailbox is held to the connection test's rule, and connects to the address checked.
        with pinned_mail_host(settings.host, settings.port, "IMAP"):
            refuse_remote_in_tests(settings.host, "IMAP")
            self._client = client = IMAPClient(settings.host, port=settings.port, ssl=settings.security == "ssl",
                                               ssl_context=context, timeout=settings.timeout)
        if settings.security == "starttls":
            client.starttls(context)
        _login(client, settings, credential)
        client.select_folder(settings.folder)
        if settings.acknowledge == "move" and not client.folder_exists(settings.processed_folder):
            client.create_folder(settings.processed_folder)
        return client

    def _download(self, uids):
        # BODY.PEEK leaves \Seen alone: a message whose ticket change never
        # committed is still unseen and comes again on the next poll.
        answer = self._client.fetch(uids, ["BODY.PEEK[]"])
        for uid in uids:
            raw = answer.get(uid, {}).get(b"BODY[]")
            if raw is not None:  # expunged by someone else meanwhile
                yield uid, raw

    def _copy_and_expunge(self, uid) -> None:
        self._client.copy([uid], self._settings.processed_folder)
        self._client.add_flags([uid], [DELETED], silent=True)
        if self._capable("UIDPLUS"):
            self._client.uid_expunge([uid])
        else:  # plain EXPUNGE also removes mail others flagged \Deleted, as any client would
            self._client.expunge()

    def _capable(self, name: str) -> bool:
        return self._client.has_capability(name)


def _login(client: IMAPClient, settings: ImapSettings, credential: str) -> None:
    if settings.auth == "xoauth2":
        client.oauth2_login(settings.username, credential)
    elif credential.isascii():
        client.login(settings.username, credential)
    else:  # LOGIN is ASCII only; SASL PLAIN carries UTF-8 (lösenord with åäö)
        client.plain_login(settings.username, credential)


def probe(name: str, address: str, raw: dict, credential, *, timeout: float) -> Found:
    """Log in, count the folder's messages and look for the processed folder; selects, fetches and moves nothing."""
    settings = parse_settings(raw)
    with pinned_mail_host(settings.host, settings.port, "IMAP"):  # connect to the address checked, not a new answer
        return _probe(name, settings, credential, timeout=timeout)


def _probe(name: str, settings, credential, *, timeout: float) -> Found:
    refuse_remote_in_tests(settings.host, "IMAP")
    if callable(credential):
        credential = credential()
    if not credential:
        raise ProbeError("secret")
    try:
        context = ssl.create_default_context(cafile=settings.tls_ca_file)
    except (OSError, ssl.SSLError) as error:
        raise ProbeError("ca_file", str(error), path=settings.tls_ca_file) from error
    client = IMAPClient(settings.host, port=settings.port, ssl=settings.security == "ssl", ssl_context=context,
                        timeout=min(settings.timeout, timeout))
    try:
        if settings.security == "starttls":
            client.starttls(context)
        try:
            _login(client, settings, credential)
        except LoginError as error:
            raise ProbeError("auth", str(error)) from error
        if not client.folder_exists(settings.folder):
            raise ProbeError("folder", folder=settings.folder)
        status = client.folder_status(settings.folder, [b"MESSAGES", b"UNSEEN"])  # STATUS: nothing is selected
        processed = client.folder_exists(settings.processed_folder) if settings.acknowledge == "move" else None
    finally:
        try:
            client.logout()
        except (IMAPClientError, OSError) as error:  # a broken connection: close our end only
            log.info("imap probe %s: logout failed (%s); closing the socket", name, type(error).__name__)
            try:
                client.shutdown()
            except OSError:
                pass
    return Found(server=settings.host, account=settings.username, folder=settings.folder,
                 total=status[b"MESSAGES"], unread=status[b"UNSEEN"],
                 processed_folder=settings.processed_folder if processed is not None else None,
                 processed_exists=processed)


def imap_fetcher(mailbox) -> ImapFetcher:
    """The fetcher for an IMAP mailbox, its password or token read from configuration."""
    settings = dict(mailbox.settings or {})
    key = "oauth_token" if settings.get("auth") == "xoauth2" else "password"
    return ImapFetcher(mailbox.name, settings, secret(mailbox, key), f"MAILBOX_{mailbox.name}_{key}".upper())


register(MailChannel.IMAP, imap_fetcher, probe)
