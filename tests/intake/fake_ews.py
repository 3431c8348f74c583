"""An Exchange Web Services endpoint in memory, answering exchangelib's SOAP through requests-mock.

Speaks the operations the EWS fetcher and transport use: GetFolder, FindFolder,
CreateFolder, FindItem, GetItem, MoveItem and CreateItem, in the response shapes of
Microsoft's EWS reference (m: messages, t: types). It can answer ErrorServerBusy
with BackOffMilliseconds, or refuse an operation, a given number of times.
"""

import base64
import itertools
from collections import Counter
from email import message_from_bytes, policy
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from tests.intake.builders import message_id_of

S = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
E = "http://schemas.microsoft.com/exchange/services/2006/errors"
ENDPOINT = "https://mail.exempelby.se/EWS/Exchange.asmx"
NOT_FOUND = "The specified object was not found in the store."


class FakeEws:
    """One mailbox's folders and items; `sent` holds the MIME of every CreateItem."""

    def __init__(self, mocker, endpoint=ENDPOINT):
        self.mocker = mocker
        self.ids = (f"AAMkADk{n:04d}=" for n in itertools.count(1))
        self.folders = {"root-id": {"name": "Top of Information Store", "parent": None},
                        "inbox-id": {"name": "Inkorgen", "parent": "root-id"}}
        self.distinguished = {"root": "root-id", "msgfolderroot": "root-id", "inbox": "inbox-id"}
        self.items = {}  # id -> {"raw", "folder", "read"}
        self.sent = []  # (MessageDisposition, parsed MIME) from each CreateItem
        self.calls = []  # operation names in order
        self.busy = Counter()  # operation -> ErrorServerBusy answers still to give
        self.back_off_ms = 50
        self.refuse = Counter()  # operation -> error answers still to give
        self.on_move = None  # called with the raw message just before it is moved
        mocker.post(endpoint, text=self._answer)

    def deliver(self, raw: bytes, *, read=False) -> str:
        """Put a message in the inbox, as the transport would."""
        item_id = next(self.ids)
        self.items[item_id] = {"raw": raw, "folder": "inbox-id", "read": read}
        return item_id

    def in_folder(self, name: str) -> list[bytes]:
        """The raw messages now in the folder with this display name."""
        folder = next((fid for fid, f in self.folders.items() if f["name"] == name), None)
        return [i["raw"] for i in self.items.values() if i["folder"] == folder]

    # The SOAP side.

    def _answer(self, request, context):
        context.headers["Content-Type"] = "text/xml; charset=utf-8"
        operation = ET.fromstring(request.body).find(f"{{{S}}}Body")[0]
        name = operation.tag.split("}")[1]
        self.calls.append(name)
        if self.busy[name]:
            self.busy[name] -= 1
            context.status_code = 500
            return _server_busy(self.back_off_ms)
        if self.refuse[name]:
            self.refuse[name] -= 1
            code = "ErrorMoveCopyFailed" if name == "MoveItem" else "ErrorAccessDenied"
            return _envelope(name, [_error(name, code, "Refused by the test.")])
        handler = getattr(self, f"_{name}", None)
        assert handler, f"the fake does not speak {name}"
        return _envelope(name, handler(operation))

    def _GetFolder(self, op):
        return [_ok("GetFolder", f"<m:Folders>{self._folder_xml(fid)}</m:Folders>") if fid in self.folders
                else _error("GetFolder", "ErrorFolderNotFound", "The specified folder could not be found.")
                for fid in (self._folder_id(ref) for ref in op.find(f"{{{M}}}FolderIds"))]

    def _FindFolder(self, op):
        parent = self._folder_id(op.find(f"{{{M}}}ParentFolderIds")[0])
        wanted = op.find(f".//{{{T}}}Constant")
        found = [fid for fid, f in self.folders.items() if f["parent"] == parent
                 and (wanted is None or f["name"].lower() == wanted.get("Value").lower())]
        folders = "".join(self._folder_xml(fid) for fid in found)
        return [_ok("FindFolder", f'<m:RootFolder IndexedPagingOffset="{len(found)}" TotalItemsInView="{len(found)}" '
                                  f'IncludesLastItemInRange="true"><t:Folders>{folders}</t:Folders></m:RootFolder>')]

    def _CreateFolder(self, op):
        parent = self._folder_id(op.find(f"{{{M}}}ParentFolderId")[0])
        answers = []
        for folder in op.find(f"{{{M}}}Folders"):
            name = folder.find(f"{{{T}}}DisplayName").text
            if any(f["parent"] == parent and f["name"].lower() == name.lower() for f in self.folders.values()):
                answers.append(_error("CreateFolder", "ErrorFolderExists", "A folder with that name exists."))
                continue
            folder_id = next(self.ids)
            self.folders[folder_id] = {"name": name, "parent": parent}
            answers.append(_ok("CreateFolder", f'<m:Folders><t:Folder><t:FolderId Id="{folder_id}" '
                                               f'ChangeKey="AQAAABYA"/></t:Folder></m:Folders>'))
        return answers

    def _FindItem(self, op):
        parent = self._folder_id(op.find(f"{{{M}}}ParentFolderIds")[0])
        view = op.find(f"{{{M}}}IndexedPageItemView")
        offset, size = int(view.get("Offset", 0)), int(view.get("MaxEntriesReturned", 1000))
        unread_only = _asks_unread(op.find(f"{{{M}}}Restriction"))
        matching = [iid for iid, i in self.items.items() if i["folder"] == parent and not (unread_only and i["read"])]
        page = matching[offset:offset + size]
        items = "".join(f'<t:Message><t:ItemId Id="{iid}" ChangeKey="CQAAABYA"/></t:Message>' for iid in page)
        last = "true" if offset + len(page) >= len(matching) else "false"
        return [_ok("FindItem", f'<m:RootFolder IndexedPagingOffset="{offset + len(page)}" '
                                f'TotalItemsInView="{len(matching)}" IncludesLastItemInRange="{last}">'
                                f"<t:Items>{items}</t:Items></m:RootFolder>")]

    def _GetItem(self, op):
        answers = []
        for ref in op.find(f"{{{M}}}ItemIds"):
            item = self.items.get(ref.get("Id"))
            if item is None:
                answers.append(_error("GetItem", "ErrorItemNotFound", NOT_FOUND))
                continue
            mime = base64.b64encode(item["raw"]).decode()
            internet_id = escape(f"<{message_id_of(item['raw'])}>")
            answers.append(_ok("GetItem", f'<m:Items><t:Message><t:MimeContent CharacterSet="UTF-8">{mime}'
                                          f'</t:MimeContent><t:ItemId Id="{ref.get("Id")}" ChangeKey="CQAAABYA"/>'
                                          f"<t:InternetMessageId>{internet_id}</t:InternetMessageId>"
                                          f"</t:Message></m:Items>"))
        return answers

    def _MoveItem(self, op):
        target = self._folder_id(op.find(f"{{{M}}}ToFolderId")[0])
        answers = []
        for ref in op.find(f"{{{M}}}ItemIds"):
            item = self.items.pop(ref.get("Id"), None)
            if item is None:
                answers.append(_error("MoveItem", "ErrorItemNotFound", NOT_FOUND))
                continue
            if self.on_move:
                self.on_move(item["raw"])
            new_id = next(self.ids)  # a moved item gets a new id
            self.items[new_id] = {**item, "folder": target}
            answers.append(_ok("MoveItem", f'<m:Items><t:Message><t:ItemId Id="{new_id}" ChangeKey="CQAAABYB"/>'
                                           f"</t:Message></m:Items>"))
        return answers

    def _CreateItem(self, op):
        disposition = op.get("MessageDisposition")
        answers = []
        for message in op.find(f"{{{M}}}Items"):
            mime = base64.b64decode(message.find(f"{{{T}}}MimeContent").text)
            self.sent.append((disposition, message_from_bytes(mime, policy=policy.default)))
            answers.append(_ok("CreateItem", "<m:Items/>"))  # SendOnly returns no item
        return answers

    def _folder_id(self, ref) -> str:
        if ref.tag == f"{{{T}}}DistinguishedFolderId":
            return self.distinguished.get(ref.get("Id"), "unknown:" + ref.get("Id"))
        return ref.get("Id")

    def _folder_xml(self, folder_id) -> str:
        folder = self.folders[folder_id]
        parent = f'<t:ParentFolderId Id="{folder["parent"]}" ChangeKey="AQAAAA=="/>' if folder["parent"] else ""
        children = sum(1 for f in self.folders.values() if f["parent"] == folder_id)
        items = [i for i in self.items.values() if i["folder"] == folder_id]
        return (f'<t:Folder><t:FolderId Id="{folder_id}" ChangeKey="AQAAABYA"/>{parent}'
                f"<t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>{escape(folder['name'])}</t:DisplayName>"
                f"<t:TotalCount>{len(items)}</t:TotalCount><t:ChildFolderCount>{children}</t:ChildFolderCount>"
                f"<t:UnreadCount>{sum(1 for i in items if not i['read'])}</t:UnreadCount></t:Folder>")


def _asks_unread(restriction) -> bool:
    """Whether a FindItem restriction is exchangelib's is_read=False: IsEqualTo message:IsRead, constant 0."""
    test = restriction.find(f"{{{T}}}IsEqualTo") if restriction is not None else None
    return (test is not None and test.find(f"{{{T}}}FieldURI").get("FieldURI") == "message:IsRead"
            and test.find(f".//{{{T}}}Constant").get("Value") in ("0", "false"))


def _envelope(operation, messages) -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{S}"><s:Header>'
            f'<h:ServerVersionInfo xmlns:h="{T}" MajorVersion="15" MinorVersion="2" MajorBuildNumber="1748" '
            f'MinorBuildNumber="10" Version="V2017_07_11"/></s:Header><s:Body>'
            f'<m:{operation}Response xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>{"".join(messages)}'
            f"</m:ResponseMessages></m:{operation}Response></s:Body></s:Envelope>")


def _ok(operation, content="") -> str:
    return (f'<m:{operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
            f"{content}</m:{operation}ResponseMessage>")


def _error(operation, code, text) -> str:
    return (f'<m:{operation}ResponseMessage ResponseClass="Error"><m:MessageText>{escape(text)}</m:MessageText>'
            f"<m:ResponseCode>{code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
            f"</m:{operation}ResponseMessage>")


def _server_busy(back_off_ms) -> str:
    """The SOAP fault Exchange throttling answers with (HTTP 500)."""
    text = "The server cannot service this request right now. Try again later."
    return (f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{S}"><s:Body><s:Fault>'
            f'<faultcode xmlns:a="{T}">a:ErrorServerBusy</faultcode><faultstring xml:lang="en-US">{text}</faultstring>'
            f'<detail><e:ResponseCode xmlns:e="{E}">ErrorServerBusy</e:ResponseCode>'
            f'<e:Message xmlns:e="{E}">{text}</e:Message><t:MessageXml xmlns:t="{T}">'
            f'<t:Value Name="BackOffMilliseconds">{back_off_ms}</t:Value></t:MessageXml></detail>'
            f"</s:Fault></s:Body></s:Envelope>")
