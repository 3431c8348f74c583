"""Our own signed Message-IDs, so replies find their ticket and cannot be forged."""

import hashlib
import hmac
import re
import secrets

from flask import current_app

OURS = re.compile(r"^hd\.(\d+)\.([0-9a-f]{8})\.([0-9a-f]{16})@(.+)$")
SUBJECT_TAG = re.compile(r"\[#(\d{1,12})\]")


def _signature(ticket_id: int, token: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{ticket_id}.{token}".encode(), hashlib.sha256).hexdigest()[:16]


def message_id_domain() -> str:
    return current_app.config["MAIL_MESSAGE_ID_DOMAIN"]


def new_message_id(ticket_id: int | None) -> str:
    """A fresh Message-ID (without brackets) naming the ticket, signed with the secret key."""
    token = secrets.token_hex(4)
    number = ticket_id or 0
    return f"hd.{number}.{token}.{_signature(number, token)}@{message_id_domain()}"


def ticket_of(message_id: str) -> int | None:
    """The ticket number inside one of our Message-IDs, if the signature holds."""
    match = OURS.match(message_id.strip().strip("<>"))
    if not match:
        return None
    number, token, signature = int(match.group(1)), match.group(2), match.group(3)
    if not hmac.compare_digest(signature, _signature(number, token)) or number == 0:
        return None
    return number


def subject_tag(subject: str) -> int | None:
    match = SUBJECT_TAG.search(subject or "")
    return int(match.group(1)) if match else None


def thread_key(thread_index: str) -> str | None:
    """Outlook's Thread-Index: its first 22 bytes name the conversation."""
    import base64

    try:
        raw = base64.b64decode(thread_index.strip() + "==", validate=False)
    except ValueError:
        return None
    return raw[:22].hex() if len(raw) >= 22 else None
