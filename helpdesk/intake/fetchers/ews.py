"""Exchange Web Services (on-premises Exchange Server): fetch unread inbox mail as MIME, move it, send MIME.

The endpoint, server version and auth type are fixed by the mailbox settings, with
no autodiscover and no version guessing: no extra round trips, nothing to guess wrong.

Mailbox settings: endpoint (required), auth ("ntlm", the default, or "oauth2"),
username (NTLM, default the mailbox address), tenant_id and client_id (OAuth2),
build (server build such as "15.2.1748.10", default 15.2), processed_folder (default
"Processed"), batch (messages per poll, default 50), max_wait (longest server
back-off in seconds to wait through, default 30). Secrets come from configuration
only: HELPDESK_MAILBOX_<NAME>_PASSWORD or _CLIENT_SECRET.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from exchangelib import (
    DELEGATE, IMPERSONATION, NTLM, OAUTH2, UTC, Account, Build, Configuration, Credentials, FailFast,
    FaultTolerance, Folder, Identity, Message, OAuth2Credentials, Version,
)
from exchangelib import errors as ews_errors
from exchangelib.protocol import Protocol
from exchangelib.services import CreateFolder

from ...netguard import check_mail_host, pinned_mail_host
from ...notifications import transports
from . import Found, ProbeError, register, require_offline, secret

DEFAULT_BUILD = (15, 2)  # Exchange Server 2019 / Subscription Edition


class EwsSettings:
    """What an EWS connection needs, copied from the mailbox so no database access happens later."""

    def __init__(self, mailbox):
        settings = mailbox.settings or {}
        self.address = mailbox.address
        self.endpoint = settings.get("endpoint", "")
        self.oauth2 = settings.get("auth", "ntlm") == "oauth2"
        self.username = settings.get("username") or mailbox.address
        self.tenant_id, self.client_id = settings.get("tenant_id"), settings.get("client_id")
        self.build = tuple(int(part) for part in str(settings.get("build", "")).split(".") if part) or DEFAULT_BUILD
        self.max_wait = int(settings.get("max_wait", 30))
        self.batch = int(settings.get("batch", 50))
        self.processed_folder = settings.get("processed_folder", "Processed")
        self.secret = secret(mailbox, "client_secret" if self.oauth2 else "password")
        self.secret_name = f"MAILBOX_{mailbox.name}_{'CLIENT_SECRET' if self.oauth2 else 'PASSWORD'}".upper()


def account_for(settings: EwsSettings, *, retry_policy=None) -> Account:
    """An exchangelib Account on the fixed endpoint; exchangelib caches its connections per endpoint."""
    if not settings.endpoint:
        raise ValueError(f"EWS mailbox {settings.address} has no endpoint setting")
    if not settings.secret:
        raise ValueError(f"EWS mailbox {settings.address}: {settings.secret_name} is not configured")
    parts = urlsplit(settings.endpoint)
    if parts.hostname:  # polls and sends are held to the connection test's rule (never link-local/metadata)
        check_mail_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), "EWS")
    require_offline(settings.endpoint)
    if settings.oauth2:
        credentials = OAuth2Credentials(client_id=settings.client_id, client_secret=settings.secret,
                                        tenant_id=settings.tenant_id,
                                        identity=Identity(primary_smtp_address=settings.address))
        # An app-only token has no mailbox of its own: EWS requires it to impersonate one.
        auth_type, access_type = OAUTH2, IMPERSONATION
    else:
        credentials = Credentials(settings.username, settings.secret)
        auth_type, access_type = NTLM, DELEGATE
    config = Configuration(service_endpoint=settings.endpoint, credentials=credentials, auth_type=auth_type,
                           version=Version(build=Build(*settings.build)),
                           retry_policy=retry_policy or FaultTolerance(max_wait=settings.max_wait))
    return Account(primary_smtp_address=settings.address, config=config, autodiscover=False,
                   access_type=access_type, default_timezone=UTC)


def processed_folder(inbox, name: str):
    """The inbox subfolder that taken-in mail is moved to, created on first use."""
    try:
        return inbox // name
    except ews_errors.ErrorFolderNotFound:
        pass
    try:
        # CreateFolder directly: Folder.save() would first map the whole folder tree.
        return CreateFolder(account=inbox.account).get(parent_folder=inbox,
                                                       folders=[Folder(root=inbox.root, name=name)])
    except ews_errors.ErrorFolderExists:  # another poller was first
        return inbox // name


class EwsFetcher:
    """Fetcher for one EWS mailbox; the handles are exchangelib items."""

    def __init__(self, mailbox):
        self.settings = EwsSettings(mailbox)
        self.account = None
        self._processed = None

    def fetch(self):
        """Inbox mail, oldest first, at most `batch` per poll: FindItem, then GetItem for the MIME.

        Handled mail leaves the inbox (moved to Processed), so everything still there is
        unprocessed, read or not: a person may have opened it in the shared mailbox.
        """
        self.account = account_for(self.settings)
        query = self.account.inbox.all().only("mime_content", "message_id").order_by("datetime_received")
        for item in query[: self.settings.batch]:
            if isinstance(item, Exception):  # exchangelib yields per-item errors instead of raising
                raise item
            yield item, item.mime_content or b""

    def acknowledge(self, item) -> None:
        """Move the item to the Processed folder (it gets a new EWS id; dedupe never relies on it)."""
        if self._processed is None:
            self._processed = processed_folder(self.account.inbox, self.settings.processed_folder)
        item.move(self._processed)

    def close(self) -> None:
        # The protocol and its sessions stay in exchangelib's cache for the next poll.
        self.account = self._processed = None


PROBE_ERRORS = {ews_errors.UnauthorizedError: "auth", ews_errors.ErrorNonExistentMailbox: "mailbox",
                ews_errors.ErrorAccessDenied: "permission", ews_errors.ErrorImpersonateUserDenied: "permission",
                ews_errors.ErrorImpersonationDenied: "permission", ews_errors.ErrorImpersonationFailed: "permission"}


def probe(name: str, address: str, settings: dict, credential, *, timeout: float) -> Found:
    """Open the inbox (GetFolder) for its counts and look for the processed folder; fetches and moves nothing.

    No retries (FailFast) and a short HTTP timeout; the protocol made for the test is closed and
    dropped from exchangelib's process-wide cache afterwards.
    """
    config = EwsSettings(SimpleNamespace(name=name, address=address, settings=settings))
    config.secret = (credential() if callable(credential) else credential) or config.secret
    if not config.endpoint:
        raise ProbeError("settings", "endpoint is required")
    if not config.secret:
        raise ProbeError("secret")
    parts = urlsplit(config.endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProbeError("settings", "endpoint is not an http(s) URL")
    # requests connects to the address checked here, not to a second DNS answer (rebinding)
    with pinned_mail_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), "EWS"):
        return _probe(config, parts, address, timeout=timeout)


def _probe(config, parts, address: str, *, timeout: float) -> Found:
    account = account_for(config, retry_policy=FailFast())
    protocol = account.protocol
    protocol.TIMEOUT = timeout  # this protocol object only: it leaves the cache below
    try:
        inbox = account.inbox
        total, unread = inbox.total_count, inbox.unread_count
        try:
            inbox // config.processed_folder
            processed = True
        except ews_errors.ErrorFolderNotFound:
            processed = False
    except tuple(PROBE_ERRORS) as error:
        kind = next(kind for cls, kind in PROBE_ERRORS.items() if isinstance(error, cls))
        raise ProbeError(kind, f"{type(error).__name__}: {error}", address=address) from error
    finally:
        try:
            del Protocol[protocol.config]
        except KeyError:
            pass
        protocol.close()
    return Found(server=parts.hostname, account=config.client_id if config.oauth2 else config.username,
                 folder=inbox.name or "Inbox", total=total or 0, unread=unread or 0,
                 processed_folder=config.processed_folder, processed_exists=processed)


def send(outbound) -> None:
    """Send an outbox row as MIME through its mailbox's EWS account (CreateItem, SendOnly): our headers stay."""
    from ..models import Mailbox
    from ...extensions import db

    mailbox = db.session.get(Mailbox, outbound.mailbox_id) if outbound.mailbox_id else None
    if mailbox is None:
        raise transports.TransportError(f"outbox #{outbound.id} has no mailbox to send through EWS")
    try:
        account = account_for(EwsSettings(mailbox))
        Message(account=account, mime_content=bytes(transports.build_mime(outbound))).send(save_copy=False)
    except ews_errors.EWSError as error:
        raise transports.TransportError(f"EWS: {type(error).__name__}: {error}") from error


register("ews", EwsFetcher, probe)
transports.register("ews", send)
