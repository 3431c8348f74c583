"""Attachment storage under instance/attachments, addressed by content hash."""

import hashlib
import mimetypes
import os
import unicodedata
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


def _windows_name(name: str) -> str:
    """The name as Windows would save it: no control or invisible format characters (soft hyphen,
    zero-width space, bidi marks), no alternate data stream (x.exe::$DATA), no trailing dots or spaces."""
    name = "".join(ch for ch in (name or "") if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = name.split(":", 1)[0] or name
    end = len(name)
    while end and (name[end - 1] == "." or name[end - 1].isspace()):
        end -= 1
    return name[:end]


def clean_filename(name: str) -> str:
    """A file name without path parts, control or invisible characters, or trailing dots and spaces."""
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    name = _windows_name(name)
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name[:200] or "bilaga"


def extension(filename: str) -> str:
    """The extension a desktop would act on, after the same normalisation (NFKC, case) for comparison."""
    name = _windows_name(unicodedata.normalize("NFKC", os.path.basename((filename or "").replace("\\", "/"))))
    return name.rsplit(".", 1)[-1].casefold() if "." in name else ""


def check_upload(filename: str, size: int) -> None:
    """Refuse a forbidden type or an oversized file with a clear message."""
    ext = extension(filename)  # "x.exe.", "x.exe ", "x.ex\u00ade" are .exe too
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
