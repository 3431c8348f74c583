"""Microsoft Graph (Exchange Online): fetch unread inbox mail as MIME, mark it read or move it, send MIME.

OAuth2 client credentials through msal; plain requests for the API, honouring
Retry-After on 429 and 503.

Mailbox settings: tenant_id and client_id (required), acknowledge ("move", the
default; "read"; or "read_and_move"), processed_folder (default "Processed"),
page_size ($top, default 50), batch (messages per poll, default 200), max_wait
(longest Retry-After in seconds to wait through, default 60), retries (default 4).
The client secret comes from configuration only: HELPDESK_MAILBOX_<NAME>_CLIENT_SECRET.
"""

import base64
import hashlib
import time
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import msal
import requests

from ...notifications import transports
from . import Found, ProbeError, register, require_offline, secret

GRAPH = "https://graph.microsoft.com/v1.0"
LOGIN = "https://login.microsoftonline.com"
SCOPES = ["https://graph.microsoft.com/.default"]
RETRY_STATUSES = (429, 503)
ACKNOWLEDGE_MODES = ("move", "read", "read_and_move")
_APPS: dict = {}  # msal apps by tenant, client and secret: each keeps its token cache between polls


class GraphError(Exception):
    """Graph refused a request (after any retries); status and code say why when Graph or the token endpoint did."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.code = status, code


def sleep(seconds: float) -> None:
    """Wait before a retry; the one place tests replace to keep from waiting."""
    time.sleep(seconds)


def forget_tokens() -> None:
    """Drop the cached msal applications and their tokens (tests, secret rotation)."""
    _APPS.clear()


class GraphClient:
    """Graph requests for one mailbox with an app-only token; throttling answers are waited out and retried."""

    def __init__(self, mailbox, *, sleep_with=None, client_secret=None, timeout=60, retries=None):
        settings = mailbox.settings or {}
        self.address = mailbox.address
        self.user = f"{GRAPH}/users/{quote(mailbox.address, safe='@')}"
        self.tenant_id, self.client_id = settings.get("tenant_id"), settings.get("client_id")
        self.client_secret = client_secret or secret(mailbox, "client_secret")
        self.secret_name = f"MAILBOX_{mailbox.name}_CLIENT_SECRET".upper()
        self.max_wait = float(settings.get("max_wait", 60))
        self.retries = int(settings.get("retries", 4)) if retries is None else retries
        self.timeout = timeout
        self.sleep = sleep_with or sleep
        self.session = requests.Session()

    def request(self, method: str, url: str, *, headers=None, **kwargs) -> requests.Response:
        """Send one request, retrying 429/503 after Retry-After; raises GraphError on any other failure."""
        require_offline(url)
        for attempt in range(self.retries + 1):
            response = self.session.request(method, url, headers={**(headers or {}), **self._auth()},
                                            timeout=self.timeout, **kwargs)
            if response.status_code not in RETRY_STATUSES or attempt == self.retries:
                break
            wait = _retry_after(response)
            if wait > self.max_wait:
                break
            self.sleep(wait)
        if response.status_code >= 400:
            raise GraphError(f"{method} {url.split('?')[0]}: HTTP {response.status_code} {response.text[:300]}",
                             status=response.status_code, code=_error_code(response))
        return response

    def _auth(self) -> dict:
        if not (self.tenant_id and self.client_id):
            raise GraphError(f"Graph mailbox {self.address} needs tenant_id and client_id settings")
        if not self.client_secret:
            raise GraphError(f"Graph mailbox {self.address}: {self.secret_name} is not configured")
        key = (self.tenant_id, self.client_id, hashlib.sha256(self.client_secret.encode()).hexdigest(), self.timeout)
        if key not in _APPS:  # msal reads the tenant's OpenID configuration here
            try:
                _APPS[key] = msal.ConfidentialClientApplication(
                    self.client_id, client_credential=self.client_secret, authority=f"{LOGIN}/{self.tenant_id}",
                    timeout=self.timeout)
            except ValueError as error:  # msal's word for a tenant that does not exist
                raise GraphError(f"no tenant {self.tenant_id}: {error}", code="token:tenant") from error
        result = _APPS[key].acquire_token_for_client(scopes=SCOPES)  # served from msal's cache until it expires
        if "access_token" not in result:
            raise GraphError(f"no token for {self.address}: {result.get('error')}: {result.get('error_description')}",
                             code=f"token:{result.get('error')}")
        return {"Authorization": f"Bearer {result['access_token']}"}


def _error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def _retry_after(response) -> float:
    try:
        return max(float(response.headers.get("Retry-After", "")), 0.0)
    except ValueError:
        return 5.0  # throttled without a hint: a short pause


def _query(params: dict) -> str:
    return urlencode(params, quote_via=quote)  # spaces as %20: OData does not read "+" as a space


class GraphFetcher:
    """Fetcher for one Graph mailbox; the handles are Graph message ids."""

    def __init__(self, mailbox):
        settings = mailbox.settings or {}
        self.client = GraphClient(mailbox)
        self.mode = settings.get("acknowledge", "move")
        self.folder_name = settings.get("processed_folder", "Processed")
        self.page_size = int(settings.get("page_size", 50))
        self.batch = int(settings.get("batch", 200))
        self._processed_id = None

    def fetch(self):
        """Unread inbox mail, oldest first: the ids of every page first, then each raw message."""
        if self.mode not in ACKNOWLEDGE_MODES:  # mail never acknowledged would be fetched again forever
            raise GraphError(f"acknowledge setting must be one of {ACKNOWLEDGE_MODES}, not {self.mode!r}")
        for message_id in self._unread_ids():
            yield message_id, self.client.request("GET", f"{self._message(message_id)}/$value").content

    def _unread_ids(self) -> list[str]:
        # Collect the ids before acknowledging anything: moving mail while paging would shift the pages.
        # Moved mail leaves the inbox, so in move modes everything still there is unprocessed,
        # read or not (someone may have opened it); in "read" mode only unread mail is.
        params = {"$select": "id,internetMessageId,receivedDateTime", "$top": self.page_size}
        if self.mode == "read":
            params["$filter"] = "isRead eq false"
        url = f"{self.client.user}/mailFolders/inbox/messages?" + _query(params)
        found = []
        while url and len(found) < self.batch:
            page = self.client.request("GET", url).json()
            found += page.get("value", [])
            url = page.get("@odata.nextLink")  # carries the whole query
        found.sort(key=lambda message: message.get("receivedDateTime") or "")
        return [message["id"] for message in found[: self.batch]]

    def acknowledge(self, message_id) -> None:
        """Mark read and/or move to the Processed folder, as the mailbox settings choose."""
        if self.mode in ("read", "read_and_move"):
            self.client.request("PATCH", self._message(message_id), json={"isRead": True})
        if self.mode in ("move", "read_and_move"):
            self.client.request("POST", f"{self._message(message_id)}/move",
                                json={"destinationId": self._processed_folder()})

    def close(self) -> None:
        self.client.session.close()

    def _message(self, message_id) -> str:
        return f"{self.client.user}/messages/{quote(message_id, safe='')}"

    def _processed_folder(self) -> str:
        if self._processed_id is None:
            self._processed_id = self._find_folder() or self._create_folder()
        return self._processed_id

    def _find_folder(self) -> str | None:
        return find_child_folder(self.client, self.folder_name)

    def _create_folder(self) -> str:
        try:
            return self.client.request("POST", f"{self.client.user}/mailFolders/inbox/childFolders",
                                       json={"displayName": self.folder_name}).json()["id"]
        except GraphError:
            found = self._find_folder()  # another poller created it first (409)
            if found is None:
                raise
            return found


def probe(name: str, address: str, settings: dict, credential, *, timeout: float) -> Found:
    """Get a token and read the inbox's counts (and look for the processed folder); fetches and moves nothing."""
    mailbox = SimpleNamespace(name=name, address=address, settings=settings)
    client = GraphClient(mailbox, client_secret=credential() if callable(credential) else credential,
                         timeout=timeout, retries=0)
    if not client.client_secret:
        raise ProbeError("secret")
    if not (client.tenant_id and client.client_id):
        raise ProbeError("settings", "tenant_id and client_id are required")
    folder = settings.get("processed_folder") or "Processed"
    moves = settings.get("acknowledge", "move") in ("move", "read_and_move")
    try:
        inbox = client.request("GET", f"{client.user}/mailFolders/inbox?" + _query(
            {"$select": "displayName,totalItemCount,unreadItemCount"})).json()
        processed = find_child_folder(client, folder) is not None if moves else None
    except GraphError as error:
        raise _probe_error(error, client.tenant_id, address) from error
    finally:
        client.session.close()
    return Found(server="graph.microsoft.com", account=client.client_id, folder=inbox.get("displayName") or "Inbox",
                 total=int(inbox.get("totalItemCount") or 0), unread=int(inbox.get("unreadItemCount") or 0),
                 processed_folder=folder if moves else None, processed_exists=processed)


def _probe_error(error: GraphError, tenant: str, address: str) -> ProbeError:
    code = error.code or ""
    if code == "token:tenant" or (code.startswith("token:") and "AADSTS90002" in str(error)):
        return ProbeError("tenant", str(error), tenant=tenant)
    if code.startswith("token:"):
        return ProbeError("auth_app", str(error))
    if error.status == 401:
        return ProbeError("auth_app", str(error))
    if error.status == 404 or code in ("ErrorInvalidUser", "MailboxNotEnabledForRESTAPI", "ResourceNotFound"):
        return ProbeError("mailbox", str(error), address=address)
    if error.status == 403 or code == "ErrorAccessDenied":
        return ProbeError("permission", str(error), address=address)
    return ProbeError("server", str(error), status=error.status)


def find_child_folder(client: GraphClient, name: str) -> str | None:
    """The id of the inbox's subfolder with this display name, or None."""
    quoted = name.replace("'", "''")
    page = client.request("GET", f"{client.user}/mailFolders/inbox/childFolders?"
                          + _query({"$filter": f"displayName eq '{quoted}'"})).json()
    return page["value"][0]["id"] if page.get("value") else None


def send(outbound) -> None:
    """Send an outbox row as MIME through its mailbox (sendMail, base64 text/plain) so our headers are kept."""
    from ...extensions import db
    from ..models import Mailbox

    mailbox = db.session.get(Mailbox, outbound.mailbox_id) if outbound.mailbox_id else None
    if mailbox is None:
        raise transports.TransportError(f"outbox #{outbound.id} has no mailbox to send through Graph")
    client = GraphClient(mailbox)
    try:
        client.request("POST", f"{client.user}/sendMail", headers={"Content-Type": "text/plain"},
                       data=base64.b64encode(bytes(transports.build_mime(outbound))))
    except (GraphError, requests.RequestException) as error:
        raise transports.TransportError(f"Graph: {error}") from error
    finally:
        client.session.close()


register("graph", GraphFetcher, probe)
transports.register("graph", send)
