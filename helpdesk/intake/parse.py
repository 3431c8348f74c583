"""Turning raw RFC 5322 bytes into what the intake needs, without trusting any of it."""

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr

MSGID = re.compile(r"<([^<>\s]+)>")


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str | None = None
    inline: bool = False


@dataclass
class ParsedMail:
    raw_sha256: str
    message_id: str  # without angle brackets; derived from the hash when missing
    message_id_derived: bool
    subject: str
    sender: str  # lower-cased address, "" when none could be read
    sender_name: str
    to: list[str]
    cc: list[str]
    reply_to: str
    in_reply_to: list[str]
    references: list[str]
    headers: dict[str, str]  # lower-cased names, values joined with ", "
    content_type: str
    text: str
    html: str | None
    attachments: list[ParsedAttachment] = field(default_factory=list)
    reports: list[Message] = field(default_factory=list)  # delivery reports' returned parts


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes to text by the declared charset, falling back sensibly; never raises."""
    charset = (charset or "").strip().lower() or "utf-8"
    if charset in ("iso-8859-1", "latin-1", "us-ascii", "ascii"):
        charset = "cp1252"  # what "Latin-1" mail really is (WHATWG)
    for candidate in (charset, "utf-8"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def clean_text(text: str) -> str:
    """Text that any database accepts: raw 8-bit bytes (kept by the parser as surrogates) decoded."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = decode_bytes(text.encode("utf-8", "surrogateescape"), "utf-8")
    return text.replace("\x00", "")


def header_text(value) -> str:
    """A header as readable text (RFC 2047 decoded), or "" if it cannot be read."""
    if value is None:
        return ""
    try:
        text = str(value)
    except Exception:  # malformed headers raise from the parser's lazy decoding
        return ""
    if "=?" in text:
        try:
            text = str(make_header(decode_header(text)))
        except Exception:
            pass
    return " ".join(clean_text(text).split())


def _raw_headers(msg: Message) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        found.setdefault(name.lower(), []).append(header_text(value) if isinstance(value, str) else "")
    return {k: ", ".join(v) for k, v in found.items()}


def _addresses(value: str) -> list[str]:
    try:
        pairs = getaddresses([value])
    except Exception:
        return []
    return [addr.lower() for _name, addr in pairs if "@" in addr]


def message_ids(value: str) -> list[str]:
    """Message-IDs in a header, without angle brackets, in order."""
    found = MSGID.findall(value or "")
    if not found and value and "@" in value and " " not in value.strip():
        found = [value.strip().strip("<>")]
    return found


def _header(part: Message, name: str) -> str:
    try:
        return header_text(part.get(name))
    except Exception:
        return ""


def _part_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if payload is None:
        raw = part.get_payload()
        return clean_text(raw) if isinstance(raw, str) else ""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return clean_text(decode_bytes(payload, charset))


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    return header_text(name) if name else None


def _walk(part: Message, mail: ParsedMail, depth: int = 0) -> None:
    """Visit the MIME tree; an attached message stays whole (an .eml), it is not opened up."""
    try:
        ctype = part.get_content_type()
    except Exception:
        ctype = "application/octet-stream"
    if ctype in ("message/delivery-status", "text/rfc822-headers") or (
            ctype == "message/rfc822" and "report" in mail.content_type):
        mail.reports.append(part)
    if part.is_multipart() and ctype != "message/rfc822":
        if depth < 50:  # a hostile nesting depth ends here
            for sub in part.get_payload():
                if isinstance(sub, Message):
                    _walk(sub, mail, depth + 1)
        return
    disposition = _header(part, "Content-Disposition").split(";")[0].strip().lower()
    name = _filename(part)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
        body = _part_text(part)
        if ctype == "text/plain" and not mail.text:
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
    cid = _header(part, "Content-ID").strip().strip("<>") or None
    mail.attachments.append(ParsedAttachment(
        filename=name or _default_name(ctype), content_type=ctype, data=data, content_id=cid,
        inline=disposition == "inline" or (cid is not None and disposition != "attachment")))


def _payload_bytes(part: Message) -> bytes | None:
    try:
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            return inner.as_bytes() if isinstance(inner, Message) else None
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        raw = part.get_payload()
        data = raw.encode("utf-8", "replace") if isinstance(raw, str) else None
    return data


def _default_name(ctype: str) -> str:
    return {"message/rfc822": "meddelande.eml", "text/calendar": "inbjudan.ics"}.get(
        ctype, "bilaga." + ctype.split("/")[-1][:10])


def _unpack_tnef(part: Message, mail: ParsedMail) -> bool:
    """winmail.dat: take its files and body; keep the blob itself if it cannot be read."""
    from tnefparse import TNEF

    try:
        tnef = TNEF(part.get_payload(decode=True) or b"")
    except Exception:
        return False
    for item in tnef.attachments:
        try:
            name = item.long_filename() or item.name or "bilaga"
            data = item.data
        except Exception:
            continue
        if isinstance(name, bytes):
            name = decode_bytes(name, "cp1252")
        name = clean_text(str(name))
        mail.attachments.append(ParsedAttachment(filename=str(name).strip("\x00"), content_type="application/octet-stream",
                                                 data=data))
    if not mail.text:
        body = getattr(tnef, "body", None)
        if isinstance(body, bytes):
            mail.text = decode_bytes(body, "cp1252")
        elif isinstance(body, str):
            mail.text = clean_text(body)
    return True


def parse(raw: bytes) -> ParsedMail:
    """Parse raw bytes; header and body faults are tolerated, not raised."""
    digest = hashlib.sha256(raw).hexdigest()
    msg = message_from_bytes(raw, policy=policy.default)
    headers = _raw_headers(msg)
    ids = message_ids(headers.get("message-id", ""))
    try:
        name, sender = parseaddr(headers.get("from", "") or headers.get("sender", ""))
    except Exception:
        name, sender = "", ""
    try:
        content_type = msg.get_content_type()
    except Exception:
        content_type = "text/plain"
    mail = ParsedMail(
        raw_sha256=digest,
        message_id=ids[0] if ids else f"{digest[:40]}@derived.invalid",
        message_id_derived=not ids,
        subject=headers.get("subject", "")[:500],
        sender=sender.lower() if "@" in sender else "",
        sender_name=name,
        to=_addresses(headers.get("to", "")),
        cc=_addresses(headers.get("cc", "")),
        reply_to=(_addresses(headers.get("reply-to", "")) or [""])[0],
        in_reply_to=message_ids(headers.get("in-reply-to", "")),
        references=message_ids(headers.get("references", "")),
        headers=headers,
        content_type=content_type,
        text="",
        html=None,
    )
    _walk(msg, mail)
    return mail
