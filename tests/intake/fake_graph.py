"""Exchange Online's Graph mail API and its token endpoint in memory, through requests-mock.

Routes: the tenant's OpenID configuration and token endpoint (what msal asks; a wrong
client secret gets invalid_client), the inbox folder's counts, the inbox message list with $filter, $top and @odata.nextLink paging (newest first, as
Graph lists), a message's MIME ($value), PATCH isRead, move, the inbox's child
folders (list by displayName, create) and sendMail with base64 MIME as text/plain.
Any route can first answer 429 or 503 with Retry-After, or refuse with a 500.
"""

import base64
import itertools
import json
import re
from collections import Counter
from email import message_from_bytes, policy
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import requests_mock

from tests.intake.builders import message_id_of

GRAPH = "https://graph.microsoft.com/v1.0"
LOGIN = "https://login.microsoftonline.com"
TENANT = "3f1c2a9e-5b7d-4e8f-9a0b-exempelby001"
TOKEN_URL = f"{LOGIN}/{TENANT}/oauth2/v2.0/token"


class FakeGraph:
    """One mailbox as Graph shows it; `sent` holds each sendMail's parsed MIME."""

    def __init__(self, mocker, address="servicedesk@exempelby.se"):
        self.mocker = mocker
        self.address = address
        self.ids = (f"AAMkAGI2{n:04d}AAA=" for n in itertools.count(1))
        self.messages = {}  # id -> {"raw", "folder", "isRead", "received"}
        self.folders = {"inbox": {"displayName": "Inbox", "parent": None}}
        self.sent = []
        self.calls = []  # (route, method) in order
        self.throttle = {}  # route -> [(status, Retry-After), ...] to answer first
        self.refuse = Counter()  # route -> 500 answers still to give
        self.tokens_issued = 0
        self.on_acknowledge = None  # called with the raw message before a PATCH or move
        self.routes = [("GET", r"/mailFolders/inbox", self._inbox),
                       ("GET", r"/mailFolders/inbox/messages", self._list),
                       ("GET", r"/messages/([^/]+)/\$value", self._value),
                       ("PATCH", r"/messages/([^/]+)", self._patch),
                       ("POST", r"/messages/([^/]+)/move", self._move),
                       ("GET", r"/mailFolders/inbox/childFolders", self._child_folders),
                       ("POST", r"/mailFolders/inbox/childFolders", self._create_folder),
                       ("POST", r"/sendMail", self._send_mail)]
        mocker.get(f"{LOGIN}/{TENANT}/v2.0/.well-known/openid-configuration", json={
            "issuer": f"{LOGIN}/{TENANT}/v2.0", "token_endpoint": TOKEN_URL,
            "authorization_endpoint": f"{LOGIN}/{TENANT}/oauth2/v2.0/authorize"})
        mocker.post(TOKEN_URL, json=self._token)
        # msal asks for the cloud's host aliases after a refused token request.
        mocker.get(f"{LOGIN}/common/discovery/instance", json={
            "tenant_discovery_endpoint": f"{LOGIN}/{TENANT}/v2.0/.well-known/openid-configuration",
            "metadata": [{"preferred_network": "login.microsoftonline.com", "preferred_cache": "login.windows.net",
                          "aliases": ["login.microsoftonline.com", "login.windows.net"]}]})
        mocker.register_uri(requests_mock.ANY, re.compile(re.escape(f"{GRAPH}/users/")), content=self._answer)

    def deliver(self, raw: bytes, *, read=False) -> str:
        """Put a message in the inbox, each later than the one before."""
        message_id = next(self.ids)
        received = f"2026-11-18T07:{len(self.messages):02d}:00Z"
        self.messages[message_id] = {"raw": raw, "folder": "inbox", "isRead": read, "received": received}
        return message_id

    def in_folder(self, name: str) -> list[bytes]:
        """The raw messages now in the folder with this display name, oldest first."""
        return [m["raw"] for m in self.messages.values() if self.folders[m["folder"]]["displayName"] == name]

    def _token(self, request, context):
        form = parse_qs(request.text)
        assert form["grant_type"] == ["client_credentials"]
        if form["client_secret"] != ["graph-secret"]:
            context.status_code = 401
            return {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided. "
                                                                    "Trace ID: 0000 Correlation ID: 0000"}
        assert form["scope"][0].split() == ["https://graph.microsoft.com/.default"]
        self.tokens_issued += 1
        return {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "graph-token"}

    def _answer(self, request, context):
        user, path = re.fullmatch(r"/v1\.0/users/([^/]+)(/.*)", urlsplit(request.url).path).groups()
        if unquote(user).lower() != self.address:
            return _json(context, 404, _error("ErrorInvalidUser", "The requested user is invalid."))
        if request.headers.get("Authorization") != "Bearer graph-token":
            return _json(context, 401, _error("InvalidAuthenticationToken", "Access token is empty."))
        for method, pattern, handler in self.routes:
            match = re.fullmatch(pattern, path)
            if request.method == method and match:
                route = handler.__name__.strip("_")
                self.calls.append((route, method))
                if self.throttle.get(route):
                    status, retry_after = self.throttle[route].pop(0)
                    context.headers["Retry-After"] = retry_after
                    return _json(context, status, _error("TooManyRequests" if status == 429 else "ServiceUnavailable",
                                                         "Please retry after the time given in Retry-After."))
                if self.refuse[route]:
                    self.refuse[route] -= 1
                    return _json(context, 500, _error("ErrorInternalServerError", "Refused by the test."))
                return handler(request, context, *(unquote(g) for g in match.groups()))
        return _json(context, 400, _error("BadRequest", f"Unsupported {request.method} {path}"))

    def _inbox(self, request, context):
        inbox = [m for m in self.messages.values() if m["folder"] == "inbox"]
        return _json(context, 200, {"id": "inbox", "displayName": "Inkorgen", "totalItemCount": len(inbox),
                                    "unreadItemCount": sum(1 for m in inbox if not m["isRead"])})

    def _list(self, request, context):
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        unread_only = query.get("$filter") == "isRead eq false"
        top, skip = int(query.get("$top", 10)), int(query.get("$skip", 0))
        found = sorted(((mid, m) for mid, m in self.messages.items() if m["folder"] == "inbox"
                        and not (unread_only and m["isRead"])), key=lambda pair: pair[1]["received"], reverse=True)
        page = {"value": [{"@odata.etag": 'W/"CQAAABYA"', "id": mid, "receivedDateTime": m["received"],
                           "internetMessageId": f"<{message_id_of(m['raw'])}>"} for mid, m in found[skip:skip + top]]}
        if skip + top < len(found):
            page["@odata.nextLink"] = (f"{GRAPH}/users/{self.address}/mailFolders/inbox/messages?"
                                       + urlencode({**query, "$skip": skip + top}, quote_via=quote))
        return _json(context, 200, page)

    def _value(self, request, context, message_id):
        if message_id not in self.messages:
            return _json(context, 404, _error("ErrorItemNotFound", "The specified object was not found in the store."))
        context.status_code, context.headers["Content-Type"] = 200, "text/plain"
        return self.messages[message_id]["raw"]

    def _patch(self, request, context, message_id):
        message = self.messages[message_id]
        if self.on_acknowledge:
            self.on_acknowledge(message["raw"])
        message["isRead"] = request.json()["isRead"]
        return _json(context, 200, {"id": message_id, "isRead": message["isRead"]})

    def _move(self, request, context, message_id):
        destination = request.json()["destinationId"]
        if destination not in self.folders:
            return _json(context, 400, _error("ErrorInvalidIdMalformed", "Id is malformed."))
        message = self.messages.pop(message_id)
        if self.on_acknowledge:
            self.on_acknowledge(message["raw"])
        new_id = next(self.ids)  # a moved message gets a new id
        self.messages[new_id] = {**message, "folder": destination}
        return _json(context, 201, {"id": new_id, "parentFolderId": destination})

    def _child_folders(self, request, context):
        wanted = re.fullmatch(r"displayName eq '(.*)'", parse_qs(urlsplit(request.url).query)["$filter"][0])
        name = wanted.group(1).replace("''", "'")
        return _json(context, 200, {"value": [{"id": fid, "displayName": f["displayName"]}
                                              for fid, f in self.folders.items()
                                              if f["parent"] == "inbox" and f["displayName"] == name]})

    def _create_folder(self, request, context):
        name = request.json()["displayName"]
        if any(f["parent"] == "inbox" and f["displayName"].lower() == name.lower() for f in self.folders.values()):
            return _json(context, 409, _error("ErrorFolderExists", "A folder with the specified name already exists."))
        folder_id = next(self.ids)
        self.folders[folder_id] = {"displayName": name, "parent": "inbox"}
        return _json(context, 201, {"id": folder_id, "displayName": name, "parentFolderId": "inbox"})

    def _send_mail(self, request, context):
        if request.headers.get("Content-Type") != "text/plain":
            return _json(context, 400, _error("ErrorMimeContentInvalid", "MIME content must be base64 text/plain."))
        self.sent.append(message_from_bytes(base64.b64decode(request.body, validate=True), policy=policy.default))
        context.status_code = 202
        return b""


def _error(code, message) -> dict:
    return {"error": {"code": code, "message": message}}


def _json(context, status, body) -> bytes:
    context.status_code, context.headers["Content-Type"] = status, "application/json"
    return json.dumps(body).encode()
