"""A standalone SQLite archive of closed tickets (for e-archiving), and its verification.

The archive holds tickets, messages, events and attachments (with their bytes),
full-text search over subjects and message bodies, and a metadata table with
the selection, the export time, the software version, the row counts and a
SHA-256 per table. A table's checksum is taken over its canonical form: every
row, ordered by id, as a compact JSON array of its columns in the order below
(attachment bytes left out), one UTF-8 line each. The bytes have their own
checksum, and every attachment its own SHA-256. Verification reads only the
archive file and recomputes all of it.
"""

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

import sqlite_utils

FORMAT = "helpdesk-archive"
FORMAT_VERSION = "1"
CANONICAL_FORM = ("per table: rows ordered by id, each a JSON array of its columns in table order "
                  "(attachments.content left out), compact separators, UTF-8, one line per row; "
                  "attachment bytes: per attachment by id, '<id>:<length>\\n' followed by the bytes")

COLUMNS = {
    "tickets": {
        "id": int, "organisation": str, "type": str, "channel": str, "subject": str, "status": str,
        "priority": int, "impact": int, "urgency": int, "confidential": int, "requester_name": str,
        "requester_email": str, "requester_department": str, "system": str, "support_group": str,
        "assignee_name": str, "merged_into": int, "created_at": str, "updated_at": str,
        "first_response_at": str, "solved_at": str, "closed_at": str,
    },
    "messages": {
        "id": int, "ticket_id": int, "kind": str, "channel": str, "author_name": str, "author_email": str,
        "created_at": str, "body": str, "body_html": str, "email_message_id": str,
    },
    "events": {
        "id": int, "ticket_id": int, "at": str, "actor_name": str, "kind": str, "old_value": str,
        "new_value": str, "reason": str,
    },
    "attachments": {
        "id": int, "ticket_id": int, "message_id": int, "filename": str, "content_type": str, "size": int,
        "sha256": str, "created_at": str, "content": bytes,
    },
}
FTS = {"tickets": ["subject"], "messages": ["body"]}
TOKENIZE = "unicode61 remove_diacritics 0"  # å, ä and ö are letters of their own in Swedish


class NotAnArchive(Exception):
    """The file is missing, not SQLite, or not written by this exporter."""


def software_version() -> str:
    try:
        return version("helpdesk")
    except PackageNotFoundError:
        return "unknown"


def create_tables(archive: sqlite_utils.Database) -> None:
    for name, columns in COLUMNS.items():
        archive[name].create(columns, pk="id", not_null={"id"})
    archive["metadata"].create({"key": str, "value": str}, pk="key")


def enable_search(archive: sqlite_utils.Database) -> None:
    for name, columns in FTS.items():
        archive[name].enable_fts(columns, tokenize=TOKENIZE)


def _data_columns(table: str) -> list[str]:
    return [c for c, kind in COLUMNS[table].items() if kind is not bytes]


def table_checksum(conn: sqlite3.Connection, table: str) -> str:
    """SHA-256 of the table's canonical form."""
    digest = hashlib.sha256()
    columns = ", ".join(f'"{c}"' for c in _data_columns(table))
    for row in conn.execute(f'SELECT {columns} FROM "{table}" ORDER BY id'):
        digest.update(json.dumps(list(row), ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    return digest.hexdigest()


def attachment_bytes(conn: sqlite3.Connection) -> tuple[str, int, list[int]]:
    """SHA-256 over every attachment's bytes, their total size, and the ids whose bytes do not match their row."""
    digest, total, bad = hashlib.sha256(), 0, []
    for ident, size, sha, content in conn.execute("SELECT id, size, sha256, content FROM attachments ORDER BY id"):
        content = content if content is not None else b""
        digest.update(f"{ident}:{len(content)}\n".encode())
        digest.update(content)
        total += len(content)
        if len(content) != size or hashlib.sha256(content).hexdigest() != sha:
            bad.append(ident)
    return digest.hexdigest(), total, bad


def summary(conn: sqlite3.Connection) -> dict[str, str]:
    """Counts and checksums as the metadata table records them."""
    found = {}
    for table in COLUMNS:
        found[f"count:{table}"] = str(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        found[f"sha256:{table}"] = table_checksum(conn, table)
    digest, total, _bad = attachment_bytes(conn)
    found["sha256:attachment_bytes"] = digest
    found["count:attachment_bytes"] = str(total)
    return found


@dataclass
class Verification:
    counts: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)  # (check, explanation)

    @property
    def ok(self) -> bool:
        return not self.failures


def verify(path: str) -> Verification:
    """Recompute every count and checksum of the archive at path and compare with its metadata."""
    if not os.path.isfile(path):
        raise NotAnArchive(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise NotAnArchive(f"{path}: cannot be opened ({error})") from None
    try:
        return _verify(conn, path)
    except sqlite3.DatabaseError as error:
        raise NotAnArchive(f"{path}: not a readable SQLite archive ({error})") from None
    finally:
        conn.close()


def _verify(conn, path) -> Verification:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "metadata" not in tables:
        raise NotAnArchive(f"{path}: not a Helpdesk archive (no metadata table)")
    meta = dict(conn.execute("SELECT key, value FROM metadata"))
    if meta.get("format") != FORMAT:
        raise NotAnArchive(f"{path}: not a Helpdesk archive (format {meta.get('format')!r})")
    result = Verification()
    missing = [t for t in COLUMNS if t not in tables]
    if missing:
        result.failures.append(("tables", f"missing: {', '.join(missing)}"))
        return result
    for table, columns in FTS.items():
        if f"{table}_fts" not in tables:
            result.failures.append((f"fts:{table}", "the full-text index is missing"))
    found = summary(conn)
    for key, value in found.items():
        if meta.get(key) != value:
            result.failures.append((key, f"recorded {meta.get(key)!r}, recomputed {value!r}"))
    _digest, _total, bad = attachment_bytes(conn)
    for ident in bad:
        result.failures.append((f"attachment:{ident}", "its bytes do not match its recorded size and SHA-256"))
    result.counts = {table: int(found[f"count:{table}"]) for table in COLUMNS}
    return result
