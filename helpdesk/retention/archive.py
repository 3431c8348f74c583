"""A standalone SQLite archive of closed tickets (for e-archiving), and its verification.

The archive holds tickets, messages, events and attachments (with their bytes),
full-text search over subjects and message bodies, and a metadata table with
the selection, the export time, the software version, the row counts and a
SHA-256 per table. A table's checksum is taken over its canonical form: every
row, ordered by id, as a compact JSON array of its columns in the order below
(attachment bytes left out), one UTF-8 line each. The bytes have their own
checksum, and every attachment its own SHA-256. The schema and the full-text
index (its shadow tables) have checksums too.

The metadata is signed: an HMAC-SHA256 over every metadata row but the signature
(the manifest: keys sorted, compact JSON) with a key kept outside the archive
(ARCHIVE_SIGNING_KEY, else one derived from SECRET_KEY). Whoever rewrites rows and
recomputes their checksums, or edits the metadata, cannot sign the result.
Verification reads the archive file (never writes it), recomputes all of it,
checks the signature, and rebuilds the full-text index from the rows in a
temporary file to compare it with the archive's.
"""

import hashlib
import hmac
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

import sqlite_utils

FORMAT = "helpdesk-archive"
FORMAT_VERSION = "2"  # 2: signed metadata, schema and index checksums
SIGNATURE_KEY = "signature"
SIGNATURE_SCHEME = "hmac-sha256"
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
FTS_SHADOW = {"data": "id", "idx": "segid, term", "docsize": "id", "config": "k"}  # FTS5's tables, by key


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
    found["sha256:schema"] = schema_checksum(conn)
    for table in FTS:
        found[f"sha256:fts:{table}"] = index_checksum(conn, table)
    return found


def _rows_digest(rows) -> str:
    digest = hashlib.sha256()
    for row in rows:
        values = [v.hex() if isinstance(v, bytes) else v for v in row]
        digest.update(json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    return digest.hexdigest()


def schema_checksum(conn: sqlite3.Connection) -> str:
    """SHA-256 over every table, index, view and trigger definition: nothing can be added unnoticed."""
    return _rows_digest(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"))


def index_checksum(conn: sqlite3.Connection, table: str) -> str:
    """SHA-256 over the full-text index's shadow tables, as written."""
    digest = hashlib.sha256()
    for shadow, key in FTS_SHADOW.items():
        digest.update(f"{shadow}\n".encode())
        digest.update(_rows_digest(conn.execute(f'SELECT * FROM "{table}_fts_{shadow}" ORDER BY {key}')).encode())
    return digest.hexdigest()


def index_matches_rows(conn: sqlite3.Connection, table: str) -> bool:
    """Whether the archive's full-text index holds exactly the terms of the rows (rebuilt in a temporary file)."""
    columns = ", ".join(f'"{c}"' for c in FTS[table])
    with tempfile.TemporaryDirectory(prefix="helpdesk-verify-") as folder:
        conn.execute("ATTACH DATABASE ? AS rebuilt", (os.path.join(folder, "index.sqlite"),))
        try:
            conn.execute(f"CREATE VIRTUAL TABLE rebuilt.\"{table}_fts\" USING fts5({columns}, tokenize='{TOKENIZE}', "
                         "content='')")
            conn.execute(f'INSERT INTO rebuilt."{table}_fts" (rowid, {columns}) SELECT id, {columns} FROM main."{table}"')
            digests = []
            for schema in ("main", "rebuilt"):
                conn.execute(f'CREATE VIRTUAL TABLE temp."vocab_{schema}" USING fts5vocab({schema}, "{table}_fts", instance)')
                try:
                    digests.append(_rows_digest(conn.execute(
                        f'SELECT term, doc, col, "offset" FROM temp."vocab_{schema}" ORDER BY term, doc, col, "offset"')))
                finally:
                    conn.execute(f'DROP TABLE temp."vocab_{schema}"')
            return digests[0] == digests[1]
        finally:
            if conn.in_transaction:
                conn.rollback()  # the rebuilt index is thrown away with its folder
            conn.execute("DETACH DATABASE rebuilt")


def signing_key(config) -> bytes:
    """ARCHIVE_SIGNING_KEY, or a key derived from SECRET_KEY (then a new SECRET_KEY fails old archives)."""
    key = config.get("ARCHIVE_SIGNING_KEY")
    if key:
        return key.encode() if isinstance(key, str) else bytes(key)
    secret = config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(secret, b"helpdesk archive signing key", hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    """A fingerprint naming the key without revealing it."""
    return hashlib.sha256(b"helpdesk archive key id\n" + key).hexdigest()[:16]


def manifest(meta: dict) -> bytes:
    """What the signature covers: every metadata row but the signature, keys sorted."""
    rows = {k: v for k, v in meta.items() if k != SIGNATURE_KEY}
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(meta: dict, key: bytes) -> str:
    return f"{SIGNATURE_SCHEME}:{hmac.new(key, manifest(meta), hashlib.sha256).hexdigest()}"


@dataclass
class Verification:
    counts: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)  # (check, explanation)

    @property
    def ok(self) -> bool:
        return not self.failures


def verify(path: str, *, key: bytes | None = None) -> Verification:
    """Recompute every count and checksum of the archive at path, compare with its metadata, check
    the signature with key (default: the app's signing key) and the index against the rows."""
    if key is None:
        from flask import current_app

        key = signing_key(current_app.config)
    if not os.path.isfile(path):
        raise NotAnArchive(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise NotAnArchive(f"{path}: cannot be opened ({error})") from None
    try:
        return _verify(conn, path, key)
    except sqlite3.DatabaseError as error:
        raise NotAnArchive(f"{path}: not a readable SQLite archive ({error})") from None
    finally:
        conn.close()


def _verify(conn, path, key) -> Verification:
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
    _check_signature(meta, key, result)
    for table in FTS:
        if not {f"{table}_fts", *(f"{table}_fts_{shadow}" for shadow in FTS_SHADOW)} <= tables:
            result.failures.append((f"fts:{table}", "the full-text index is missing"))
            return result
        try:
            if not index_matches_rows(conn, table):
                result.failures.append((f"fts:{table}", "the full-text index does not match the rows: searches "
                                                        "would miss or invent hits"))
        except sqlite3.DatabaseError as error:
            result.failures.append((f"fts:{table}", f"the full-text index cannot be read ({error})"))
    try:
        found = summary(conn)
    except sqlite3.DatabaseError as error:
        result.failures.append(("checksums", f"cannot be recomputed ({error})"))
        return result
    for name, value in found.items():
        if meta.get(name) != value:
            result.failures.append((name, f"recorded {meta.get(name)!r}, recomputed {value!r}"))
    _digest, _total, bad = attachment_bytes(conn)
    for ident in bad:
        result.failures.append((f"attachment:{ident}", "its bytes do not match its recorded size and SHA-256"))
    result.counts = {table: int(found[f"count:{table}"]) for table in COLUMNS}
    return result


def _check_signature(meta: dict, key: bytes, result: Verification) -> None:
    recorded = meta.get(SIGNATURE_KEY)
    if not recorded:
        result.failures.append(("signature", f"the archive is not signed (format {meta.get('format_version')}): "
                                             "its rows and checksums could have been rewritten together; "
                                             "export it again"))
        return
    if not hmac.compare_digest(recorded, sign(meta, key)):
        ours = key_id(key)
        theirs = meta.get("signing_key_id", "unknown")
        why = ("the archive was changed after it was exported" if theirs == ours else
               f"signed with another key (key id {theirs}, this desk's is {ours}), or changed after export")
        result.failures.append(("signature", f"does not match: {why}"))
