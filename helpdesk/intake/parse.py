"""Turning raw RFC 5322 bytes into what the intake needs, without trusting any of it.

The stdlib parser runs with the compat32 policy: its lazily parsed header objects
cost several times the whole parse, and every field is decoded here anyway.
"""

import hashlib
import re
from dataclasses import dataclass, field
from email import errors, policy
from email.feedparser import BytesFeedParser
from email.message import Message
from email.utils import getaddresses, parseaddr

from .decoding import clean_text, decode_bytes, header_text  # noqa: F401  (decode_bytes: public here too)
from ..textnorm import multi_line, single_line
from .mime import ParsedAttachment, walk
from .swallowed import note

MSGID = re.compile(r"<([^<>\s]+)>")
FEED_BYTES = 1 << 20
HEADER_END = re.compile(rb"\r?\n\r?\n")


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
    auth_results: list[str] = field(default_factory=list)  # Authentication-Results values, topmost first
    unverified: bool = False  # set by the intake: our mail server could not verify From (helpdesk.intake.verify)


ADDRESS_HEADERS = ("from", "sender", "to", "cc", "reply-to")
ADDR_SPEC = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
FIELD = re.compile(rb"^([!-9;-~]+)[ \t]*:(.*)$", re.S)


def _read_headers(msg: Message) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Decoded header text by lower-cased name, and the undecoded address headers.

    Addresses are read before RFC 2047 decoding: a decoded display name may hold a comma.
    """
    decoded: dict[str, list[str]] = {}
    raw: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        key = name.strip().lower()
        value = value if isinstance(value, str) else ""
        if key in ADDRESS_HEADERS:
            raw.setdefault(key, []).append(" ".join(clean_text(value).split()))
        decoded.setdefault(key, []).append(header_text(value))
    return {k: ", ".join(v) for k, v in decoded.items()}, raw


def _addresses(values: list[str]) -> list[str]:
    try:
        pairs = getaddresses(values)
    except Exception as error:
        note("parse.addresses", error)
        return []
    return [addr.lower() for _name, addr in pairs if "@" in addr]


def _sender(raw: dict[str, list[str]]) -> tuple[str, str]:
    """(display name, lower-cased address) of From (else Sender); a malformed field yields its first address."""
    value = (raw.get("from") or raw.get("sender") or [""])[0]
    try:
        name, address = parseaddr(value)
    except Exception as error:
        note("parse.sender", error)
        name, address = "", ""
    if "@" not in address:
        found = ADDR_SPEC.search(value)
        name, address = "", found.group(0) if found else ""
    return header_text(name), address.lower()


def _repair_header_block(raw: bytes) -> bytes:
    """The header block with obsolete "Name  :" fields normalised and stray non-field lines dropped.

    The stdlib parser ends the headers at the first line that is not a field, which
    loses From, Subject and the rest below a single garbage line.
    """
    end = HEADER_END.search(raw)
    head, body = (raw[:end.start()], raw[end.end():]) if end else (raw, b"")
    fixed: list[bytes] = []
    for line in head.splitlines():
        if line[:1] in (b" ", b"\t"):
            if fixed:
                fixed.append(line)
            continue
        field_ = FIELD.match(line)
        if field_:
            fixed.append(field_.group(1) + b":" + field_.group(2))
    return b"\r\n".join(fixed) + b"\r\n\r\n" + body


def message_ids(value: str) -> list[str]:
    """Message-IDs in a header, without angle brackets, in order."""
    found = MSGID.findall(value or "")
    if not found and value and "@" in value and " " not in value.strip():
        found = [value.strip().strip("<>")]
    return found


def header_block(raw: bytes) -> bytes:
    """The header fields of a raw message, without the body."""
    end = HEADER_END.search(raw)
    return raw[:end.end()] if end else raw


def _read(raw: bytes) -> Message:
    """The stdlib parser fed in slices: given all at once it holds the text and every line of it
    besides the bytes (about nine times the size of a large message at its peak; sliced, three)."""
    parser = BytesFeedParser(policy=policy.compat32)
    for start in range(0, len(raw), FEED_BYTES):
        parser.feed(raw[start:start + FEED_BYTES])
    return parser.close()


def _message(raw: bytes) -> Message:
    msg = _read(raw)
    if "from" not in msg and any(isinstance(d, errors.MissingHeaderBodySeparatorDefect) for d in msg.defects):
        repaired = _read(_repair_header_block(raw))
        if "from" in repaired:
            return repaired
    return msg


def parse(raw: bytes) -> ParsedMail:
    """Parse raw bytes; header and body faults are tolerated, not raised."""
    digest = hashlib.sha256(raw).hexdigest()
    msg = _message(raw)
    headers, raw_addresses = _read_headers(msg)
    ids = message_ids(headers.get("message-id", ""))
    name, sender = _sender(raw_addresses)
    try:
        content_type = msg.get_content_type()
    except Exception as error:
        note("parse.content_type", error)
        content_type = "text/plain"
    mail = ParsedMail(
        raw_sha256=digest,
        message_id=ids[0] if ids else f"{digest[:40]}@derived.invalid",
        message_id_derived=not ids,
        subject=single_line(headers.get("subject", ""))[:500],
        sender=sender,
        sender_name=single_line(name),
        to=_addresses(raw_addresses.get("to", [])),
        cc=_addresses(raw_addresses.get("cc", [])),
        reply_to=(_addresses(raw_addresses.get("reply-to", [])) or [""])[0],
        in_reply_to=message_ids(headers.get("in-reply-to", "")),
        references=message_ids(headers.get("references", "")),
        headers=headers,
        content_type=content_type,
        text="",
        html=None,
    )
    mail.auth_results = [" ".join(clean_text(value).split()) for name, value in msg.raw_items()
                         if name.strip().lower() == "authentication-results" and isinstance(value, str)]
    walk(msg, mail)
    mail.text = multi_line(mail.text)
    return mail
