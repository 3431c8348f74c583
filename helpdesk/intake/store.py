"""Raw e-mail kept byte for byte under instance/mail, addressed by content hash."""

import hashlib
import os

from flask import current_app


def root() -> str:
    return current_app.config.get("MAIL_STORE_DIR") or os.path.join(current_app.instance_path, "mail")


def path_of(sha256: str) -> str:
    return os.path.join(root(), sha256[:2], sha256[2:4], sha256 + ".eml")


def keep(raw: bytes) -> str:
    """Write raw bytes durably (idempotent) and return their hash."""
    digest = hashlib.sha256(raw).hexdigest()
    path = path_of(digest)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(raw)
            if _must_sync():
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    return digest


def _must_sync() -> bool:
    """Whether the raw file must reach the disk before the commit that names it."""
    setting = current_app.config.get("MAIL_STORE_FSYNC")
    if setting is not None:
        return bool(setting)
    from ..database import is_sqlite

    return not is_sqlite()  # a process crash keeps written files anyway; only a power cut needs fsync


def load(sha256: str) -> bytes:
    with open(path_of(sha256), "rb") as fh:
        return fh.read()
