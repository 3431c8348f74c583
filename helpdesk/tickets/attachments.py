"""Attachment storage under instance/attachments, addressed by content hash."""

import hashlib
import mimetypes
import os
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from ..errors import DomainError

SAFE_INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "text/plain", "application/pdf"}


class AttachmentRefused(DomainError):
    """A file that may not be attached (type or size)."""


@dataclass
class StoredFile:
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str


def storage_root() -> str:
    return current_app.config.get("ATTACHMENT_DIR") or os.path.join(
        current_app.instance_path, "attachments")


def clean_filename(name: str) -> str:
    """A file name without path parts or control characters."""
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name[:200] or "bilaga"


def check_upload(filename: str, size: int) -> None:
    """Refuse a forbidden type or an oversized file with a clear message."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext in current_app.config["ATTACHMENT_FORBIDDEN_EXTENSIONS"]:
        raise AttachmentRefused(_("Filtypen .%(ext)s får inte bifogas (%(name)s).", ext=ext, name=filename))
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if size > limit:
        raise AttachmentRefused(_("%(name)s är för stor: högst %(mb)s MB per fil.",
                            name=filename, mb=limit // (1024 * 1024)))


def store(filename: str, data: bytes) -> StoredFile:
    """Check and write one file; identical content is stored once."""
    filename = clean_filename(filename)
    check_upload(filename, len(data))
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest[:2]}/{digest[2:4]}/{digest}"
    path = os.path.join(storage_root(), key)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return StoredFile(filename, content_type, len(data), digest, key)


def path_of(storage_key: str) -> str:
    return os.path.join(storage_root(), storage_key)


def served_type(content_type: str) -> str:
    """The type we serve: known harmless types as they are, everything else as bytes."""
    return content_type if content_type in SAFE_INLINE_TYPES else "application/octet-stream"
