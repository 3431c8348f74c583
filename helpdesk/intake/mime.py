"""Walking the MIME tree: body text, HTML, attachments, winmail.dat and delivery reports."""

import binascii
import mimetypes
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message

from .decoding import clean_text, decode_bytes, header_text
from .swallowed import note

BOUNDARY_LINE = re.compile(r"^--([!#-~]{1,70}?)[ \t]*\r?\n(?=[A-Za-z-]+:)", re.M)
MAX_DEPTH = 50  # a hostile nesting depth ends here
LINE_BREAK = re.compile(r"\r?\n")


class _Verbatim(policy.Compat32):
    """Writes an attached message's header fields as received: the stdlib re-folds every one (slow) and
    may change them."""

    def fold_binary(self, name, value):
        if not isinstance(value, str):
            return super().fold_binary(name, value)
        value = LINE_BREAK.sub(self.linesep, value)
        return f"{name}: {value}{self.linesep}".encode("ascii", "surrogateescape")


VERBATIM = _Verbatim(linesep="\r\n")


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str | None = None
    inline: bool = False


def _raw_field(part: Message, name: str) -> str:
    """A field's first value as text, raw 8-bit bytes decoded (the stdlib would replace them)."""
    for key, value in part.raw_items():
        if key.strip().lower() == name:
            return clean_text(value) if isinstance(value, str) else ""
    return ""


def header(part: Message, name: str) -> str:
    return header_text(_raw_field(part, name.lower()))


def _part_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception as error:
        note("mime.part_text.payload", error)
        payload = None
    if payload is None:
        raw = part.get_payload()
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    try:
        charset = part.get_content_charset()
    except Exception as error:
        note("mime.part_text.charset", error)
        charset = None
    text = clean_text(decode_bytes(payload, charset))
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _filename(part: Message) -> str | None:
    """The RFC 2231 or RFC 2047 encoded file name, or a raw 8-bit one, as text."""
    probe = Message()
    for name in ("content-disposition", "content-type"):
        value = _raw_field(part, name)
        if value:
            probe[name] = value
    try:
        filename = probe.get_filename()
    except Exception as error:
        note("mime.filename", error)
        filename = None
    return header_text(filename) if filename else None


def walk(part: Message, mail, depth: int = 0) -> None:
    """Fill mail's text, html, attachments and reports from the tree; an attached message stays whole (.eml)."""
    try:
        ctype = part.get_content_type()
    except Exception as error:
        note("mime.walk.content_type", error)
        ctype = "application/octet-stream"
    if ctype in ("message/delivery-status", "text/rfc822-headers") or (
            ctype == "message/rfc822" and "report" in mail.content_type):
        mail.reports.append(part)
    if part.is_multipart() and ctype != "message/rfc822":
        if depth < MAX_DEPTH:
            for sub in part.get_payload():
                if isinstance(sub, Message):
                    walk(sub, mail, depth + 1)
        return
    if ctype.startswith("multipart/"):  # its boundary was missing or wrong
        recovered = _recover_multipart(part, ctype)
        if recovered is not None and depth < MAX_DEPTH:
            walk(recovered, mail, depth + 1)
        elif not mail.text.strip():
            mail.text = _part_text(part)
        return
    disposition = header(part, "Content-Disposition").split(";")[0].strip().lower()
    name = _filename(part)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
        body = _part_text(part)
        if ctype == "text/plain" and not mail.text.strip():
            mail.text = body
        elif ctype == "text/html" and mail.html is None:
            mail.html = body
        return
    if ctype == "application/ms-tnef" or (name or "").lower() == "winmail.dat":
        if _unpack_tnef(part, mail):
            return
    if ctype == "message/delivery-status":
        return
    data = _payload_bytes(part)
    if data is None:
        return
    cid = header(part, "Content-ID").strip().strip("<>") or None
    mail.attachments.append(ParsedAttachment(
        filename=name or _default_name(ctype), content_type=ctype, data=data, content_id=cid,
        inline=disposition == "inline" or (cid is not None and disposition != "attachment")))


def _recover_multipart(part: Message, ctype: str) -> Message | None:
    """A multipart whose declared boundary matches nothing, re-read with the delimiter its body really uses."""
    payload = part.get_payload()
    found = BOUNDARY_LINE.search(payload) if isinstance(payload, str) else None
    if not found:
        return None
    head = f'Content-Type: {ctype}; boundary="{found.group(1)}"\r\n\r\n'.encode()
    try:
        recovered = message_from_bytes(head + payload.encode("utf-8", "surrogateescape"), policy=policy.compat32)
    except Exception as error:
        note("mime.recover_multipart", error)
        return None
    return recovered if recovered.is_multipart() else None


def _payload_bytes(part: Message) -> bytes | None:
    try:
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            return inner.as_bytes(policy=VERBATIM) if isinstance(inner, Message) else None
        data = _base64(part) or part.get_payload(decode=True)
    except Exception as error:
        note("mime.payload_bytes", error)
        data = None
    if data is None:
        raw = part.get_payload()
        data = raw.encode("utf-8", "replace") if isinstance(raw, str) else None
    return data


def _base64(part: Message) -> bytes | None:
    """A base64 body decoded in one step (the stdlib splits it into lines first: three copies of a
    large attachment at once); None when it is not base64 or not clean, for the tolerant stdlib path."""
    payload = part.get_payload()
    if not isinstance(payload, str) or str(part.get("content-transfer-encoding") or "").strip().lower() != "base64":
        return None
    try:
        return binascii.a2b_base64(payload)  # skips line breaks; raises on bad padding or non-ASCII
    except (binascii.Error, ValueError):
        return None


def _default_name(ctype: str) -> str:
    return {"message/rfc822": "meddelande.eml", "text/calendar": "inbjudan.ics",
            "text/rfc822-headers": "meddelandehuvud.txt"}.get(
        ctype, "bilaga." + ctype.split("/")[-1][:10])


def _unpack_tnef(part: Message, mail) -> bool:
    """winmail.dat: take its files and body; keep the blob itself if it cannot be read."""
    from tnefparse import TNEF

    try:
        tnef = TNEF(part.get_payload(decode=True) or b"")
    except Exception as error:
        note("mime.tnef", error)
        return False
    for item in tnef.attachments:
        try:
            name = item.long_filename() or item.name or "bilaga"
            data = item.data
        except Exception as error:
            note("mime.tnef.attachment", error)
            continue
        if isinstance(name, bytes):
            name = decode_bytes(name, "cp1252")
        name = clean_text(str(name)).strip() or "bilaga"
        mail.attachments.append(ParsedAttachment(
            filename=name, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            data=data if isinstance(data, bytes) else b""))
    if not mail.text.strip():
        mail.text = _tnef_text(getattr(tnef, "body", None))
    if mail.html is None:
        mail.html = _tnef_text(getattr(tnef, "htmlbody", None)) or None
    return True


def _tnef_text(value) -> str:
    if isinstance(value, bytes):
        value = decode_bytes(value, "cp1252")
    return clean_text(value).replace("\r\n", "\n") if isinstance(value, str) else ""
