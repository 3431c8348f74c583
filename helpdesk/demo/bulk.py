"""Writing many rows fast, per database: executemany on SQLite, COPY on PostgreSQL.

Both work on the session's own connection, so they join whatever transaction
the caller holds (in tests: a savepoint that is rolled back afterwards). Rows
are tuples of plain values; times are text in SQLAlchemy's SQLite format,
which PostgreSQL reads as timestamps too.
"""

import sqlalchemy as sa

SEQUENCED = ("user", "ticket", "message", "ticket_event")


def _quoted(columns) -> str:
    return ", ".join(f'"{c}"' for c in columns)


class SqliteWriter:
    """executemany on the raw sqlite3 connection; the FTS5 table gets its rows the same way."""

    def __init__(self, session):
        self.session = session

    def _cursor(self):
        return self.session.connection().connection.driver_connection.cursor()

    def begin(self) -> None:
        """Set up the batch's transaction: a page cache that holds the growing indexes."""
        self._cursor().execute("PRAGMA cache_size = -262144")

    def insert(self, table, columns, rows) -> None:
        if rows:
            marks = ", ".join("?" * len(columns))
            self._cursor().executemany(f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES ({marks})', rows)

    def documents(self, rows) -> None:
        """Search documents (ticket id, subject, body), as search.write_documents stores them."""
        self._cursor().executemany("INSERT INTO ticket_fts (rowid, subject, body) VALUES (?, ?, ?)", rows)

    def sequences(self) -> None:
        """SQLite takes max(id) + 1 by itself."""

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

    def finish(self, *, bulk: bool) -> None:
        """Fresh planner statistics."""
        for table in ("ticket", "message", "ticket_event", "ticket_search", "ticket_participant", '"user"'):
            self.session.execute(sa.text(f"ANALYZE {table}"))


def writer_for(session):
    """The bulk writer for the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return PostgresWriter(session)
    return SqliteWriter(session)
