"""Writing many rows fast, per database: executemany on SQLite, COPY on PostgreSQL.

Both work on the session's own connection, so they join whatever transaction
the caller holds (in tests: a savepoint that is rolled back afterwards). Rows
are tuples of plain values; times are text in SQLAlchemy's SQLite format,
which PostgreSQL reads as timestamps too.

A chunk (lifecycle.Batch) numbers its messages and events from 0; write_chunk
adds the ids already used, so chunks can be made in worker processes.

SQLite's bulk mode (a whole `helpdesk generate` on the command line) also sets
the connection up for loading — no rollback journal on disk, no fsync, no
foreign-key lookups, a large page cache — and builds the ticket tables'
secondary indexes once after the load instead of row by row; everything is
put back afterwards, also when the load fails.
"""

from contextlib import contextmanager

import sqlalchemy as sa

from .lifecycle import MESSAGE_COLUMNS, PARTICIPANT_COLUMNS

SEQUENCED = ("user", "ticket", "message", "ticket_event")
LOADED_TABLES = ("ticket", "message", "ticket_event", "ticket_participant")
EVENT_INSERT_COLUMNS = ("id", "ticket_id", "at", "actor_id", "kind", "old_value", "new_value", "reason")
# The connection settings bulk mode changes, with the values it loads under.
BULK_PRAGMAS = {"journal_mode": "MEMORY", "synchronous": "OFF", "foreign_keys": "OFF",
                "cache_size": "-1048576", "temp_store": "MEMORY"}


def _quoted(columns) -> str:
    return ", ".join(f'"{c}"' for c in columns)


class SqliteWriter:
    """executemany on the raw sqlite3 connection; the FTS5 table gets its rows the same way."""

    def __init__(self, session):
        self.session = session
        self._raw = None  # in bulk mode: the pool connection every write goes through
        self._indexes = []  # in bulk mode: (name, sql) of the dropped indexes

    def _cursor(self):
        if self._raw is not None:
            return self._raw.driver_connection.cursor()
        return self.session.connection().connection.driver_connection.cursor()

    def begin(self) -> None:
        """Open the batch's transaction (bulk mode) or give the session's a big enough page cache."""
        cursor = self._cursor()
        if self._raw is not None:
            cursor.execute("BEGIN")
        elif int(cursor.execute("PRAGMA cache_size").fetchone()[0]) > -262144:
            cursor.execute("PRAGMA cache_size = -262144")

    def commit(self) -> None:
        if self._raw is not None:
            self._cursor().execute("COMMIT")
        else:
            self.session.commit()

    def insert(self, table, columns, rows) -> None:
        if rows:
            marks = ", ".join("?" * len(columns))
            self._cursor().executemany(f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES ({marks})', rows)

    def write_chunk(self, batch, columns, *, message_base: int, event_base: int) -> None:
        """The chunk's rows; its local message and event ids are shifted in SQL (no Python pass)."""
        cursor = self._cursor()
        self.insert("ticket", columns, batch.tickets)
        rest = ", ".join(f"?{i}" for i in range(2, len(MESSAGE_COLUMNS) + 1))
        cursor.executemany(f'INSERT INTO message ({_quoted(MESSAGE_COLUMNS)}) '
                           f'VALUES (?1 + {int(message_base)}, {rest})', batch.messages)
        cursor.executemany(
            f'INSERT INTO ticket_event ({_quoted(EVENT_INSERT_COLUMNS)}) VALUES (?1 + {int(event_base)}, '
            f'?2, ?3, ?4, ?5, ?6, coalesce(?7, CAST(?9 + {int(message_base)} AS TEXT)), ?8)', batch.events)
        self.insert("ticket_participant", PARTICIPANT_COLUMNS, batch.participants)
        self.documents(batch.documents)

    def documents(self, rows) -> None:
        """Search documents (ticket id, subject, body), as search.write_documents stores them."""
        self._cursor().executemany("INSERT INTO ticket_fts (rowid, subject, body) VALUES (?, ?, ?)", rows)

    def sequences(self) -> None:
        """SQLite takes max(id) + 1 by itself."""

    @contextmanager
    def bulk(self):
        """Write through one connection under BULK_PRAGMAS, without the loaded tables' secondary
        indexes (build_indexes puts them back); settings and indexes are restored on leaving,
        also after a failure. The caller has committed; other connections of this process are
        closed so that the journal mode can change."""
        self.session.close()
        db_engine = self.session.get_bind()
        db_engine.dispose()
        self._raw = db_engine.raw_connection()
        cursor = self._cursor()
        saved = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in BULK_PRAGMAS}
        marks = ", ".join("?" * len(LOADED_TABLES))
        self._indexes = cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY name", LOADED_TABLES).fetchall()
        try:
            for name, value in BULK_PRAGMAS.items():
                cursor.execute(f"PRAGMA {name} = {value}")
            for name, _sql in self._indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            yield
        finally:
            raw, cursor = self._raw, self._cursor()
            if raw.driver_connection.in_transaction:
                cursor.execute("ROLLBACK")  # a failed chunk's rows (committed ones stay)
            self.build_indexes()
            for name, value in saved.items():
                cursor.execute(f"PRAGMA {name} = {value}")
            self._raw = None
            raw.close()

    def build_indexes(self) -> None:
        """Create the indexes bulk mode dropped, from their stored definitions."""
        cursor = self._cursor()
        for _name, sql in self._indexes:
            cursor.execute(sql)
        self._indexes = []

    def finish(self, *, bulk: bool) -> None:
        """Fresh planner statistics; after a bulk load also the FTS index merged into one b-tree."""
        cursor = self._cursor()
        if bulk:  # rewrites the whole index: worth it when most documents are new
            cursor.execute("INSERT INTO ticket_fts (ticket_fts) VALUES ('optimize')")
        cursor.execute("ANALYZE")


class PostgresWriter:
    """COPY through psycopg; documents are staged in a temporary table and turned into tsvectors."""

    def __init__(self, session):
        self.session = session
        self._superuser = None

    def _cursor(self):
        return self.session.connection().connection.driver_connection.cursor()

    def begin(self) -> None:
        """Set up the batch's transaction for bulk loading."""
        session = self.session
        if self._superuser is None:
            self._superuser = session.execute(sa.text("SELECT current_setting('is_superuser')")).scalar() == "on"
        if self._superuser:
            # As pg_restore --disable-triggers: the rows are consistent by construction (the same
            # builder is checked against SQLite's foreign keys), and checking each of the
            # ten million event rows would lock its ticket row and triple the time.
            session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        session.execute(sa.text("SET LOCAL work_mem = '64MB'"))

    def insert(self, table, columns, rows) -> None:
        if not rows:
            return
        with self._cursor() as cursor, cursor.copy(f'COPY "{table}" ({_quoted(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def write_chunk(self, batch, columns, *, message_base: int, event_base: int) -> None:
        """The chunk's rows, local ids shifted while they are copied."""
        self.insert("ticket", columns, batch.tickets)
        self.insert("message", MESSAGE_COLUMNS, ((m[0] + message_base, *m[1:]) for m in batch.messages))
        self.insert("ticket_event", EVENT_INSERT_COLUMNS, (
            (e[0] + event_base, e[1], e[2], e[3], e[4], e[5], e[6] if e[8] is None else str(e[8] + message_base),
             e[7]) for e in batch.events))
        self.insert("ticket_participant", PARTICIPANT_COLUMNS, batch.participants)
        self.documents(batch.documents)

    def documents(self, rows) -> None:
        """Search documents with the weights and configuration search.write_documents uses."""
        session = self.session
        session.execute(sa.text(
            "CREATE TEMPORARY TABLE IF NOT EXISTS generated_document "
            "(ticket_id integer, subject text, body text)"))
        self.insert("generated_document", ("ticket_id", "subject", "body"), rows)
        session.execute(sa.text(
            "INSERT INTO ticket_search (ticket_id, document) SELECT ticket_id, "
            "setweight(to_tsvector('swedish', subject), 'A') || to_tsvector('swedish', body) "
            "FROM generated_document"))
        session.execute(sa.text("TRUNCATE generated_document"))

    def sequences(self) -> None:
        """Move each id sequence past the ids written explicitly."""
        for table in SEQUENCED:
            self.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))"))

    @contextmanager
    def bulk(self):
        """PostgreSQL loads through COPY with triggers off per transaction (see begin)."""
        yield

    def build_indexes(self) -> None:
        """Nothing was dropped."""

    def commit(self) -> None:
        self.session.commit()

    def finish(self, *, bulk: bool) -> None:
        """Fresh planner statistics."""
        for table in ("ticket", "message", "ticket_event", "ticket_search", "ticket_participant", '"user"'):
            self.session.execute(sa.text(f"ANALYZE {table}"))


def writer_for(session):
    """The bulk writer for the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return PostgresWriter(session)
    return SqliteWriter(session)
