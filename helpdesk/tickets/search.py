"""Full-text search in each database's own engine: SQLite FTS5, PostgreSQL tsvector.

The index tables live outside the ORM metadata (migration 0001 creates the one
that fits the dialect); each ticket has one document: subject plus all messages.
"""

import re

import sqlalchemy as sa
from flask import g, has_app_context

from ..database import transaction_cached
from ..extensions import db

SEARCH_TABLES = ("ticket_fts", "ticket_search")
_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The searchable words of a query, at most eight."""
    return _WORD.findall(text.lower())[:8]


def matching_ticket_ids(text: str):
    """A SELECT of ticket ids whose document holds every word (prefix match)."""
    terms = words(text)
    if not terms:
        return sa.select(sa.literal(None))
    if db.engine.dialect.name == "postgresql":
        query = " & ".join(f"{t}:*" for t in terms)
        return sa.select(sa.column("ticket_id")).select_from(sa.table("ticket_search")).where(
            sa.text("document @@ to_tsquery('swedish', :q)").bindparams(q=query)
        )
    query = " ".join(f'"{t}"*' for t in terms)
    return sa.select(sa.column("rowid")).select_from(sa.table("ticket_fts")).where(
        sa.text("ticket_fts MATCH :q").bindparams(q=query)
    )


def many_matches(text: str, *, more_than: int = 2_000) -> bool:
    """Whether the search finds more than `more_than` tickets (counted no further, once a request).

    Tells the queue which way to join: a rare word's few matches are looked up in the ticket
    table one by one, while a common word's (a tenth of all tickets) are checked against the
    much smaller index of open tickets instead; and on SQLite, whether to read the matches
    once into a table (see matches).
    """
    cache = g.setdefault("_many_matches", {}) if has_app_context() else {}
    key = (tuple(words(text)), more_than)
    if key not in cache:
        limited = matching_ticket_ids(text).limit(more_than + 1).subquery()
        cache[key] = db.session.scalar(sa.select(sa.func.count()).select_from(limited)) > more_than
    return cache[key]


def matches(text: str):
    """A SELECT of the ids of the tickets the search finds, for the queue's statements.

    On SQLite a common word's matches are read from the full-text index once per transaction
    into a temporary table, and each statement of the page (its rows, the count, the "also
    matches" hints) reads that table: FTS5 otherwise built the whole list again for every
    statement that named it (46,000 rowids for "skrivaren" at a million tickets). The table
    lives on the connection, outside the database file, and holds one search at a time; the
    transaction remembers which (see _read_matches). A rare word's few matches are cheaper to
    look up again than to copy, and PostgreSQL reads its GIN index once per statement anyway.
    """
    if db.engine.dialect.name != "sqlite" or not words(text) or not many_matches(text):
        return matching_ticket_ids(text)
    _read_matches(text)
    return sa.select(sa.column("id")).select_from(sa.table(MATCH_TABLE, schema="temp"))


MATCH_TABLE = "search_match"


def _read_matches(text: str) -> None:
    """Fill temp.search_match with the search's matches unless it holds them for this transaction.

    What the table holds is kept in session.info and forgotten when the transaction ends
    (transaction_cached), so a later transaction, on this connection or another, reads the index
    again and sees every ticket indexed meanwhile.
    """
    held = transaction_cached(MATCH_TABLE, dict)
    key = tuple(words(text))
    if held.get("key") != key:
        connection = db.session.connection()
        connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {MATCH_TABLE} (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql(f"DELETE FROM temp.{MATCH_TABLE}")
        held.clear()
        connection.execute(sa.insert(sa.table(MATCH_TABLE, sa.column("id"), schema="temp"))
                           .from_select(["id"], matching_ticket_ids(text)))
        held["key"] = key


def index_ticket(ticket, bodies=None) -> None:
    """(Re)write a ticket's search document from its subject and messages (bodies: when the caller
    knows them all, as for a ticket just created)."""
    from .models import Message

    if bodies is None:
        session = db.session
        if any(isinstance(o, Message) for o in (*session.new, *session.dirty, *session.deleted)):
            session.flush()  # only messages are read: other pending changes need not be flushed for it
        with session.no_autoflush:
            bodies = session.scalars(sa.select(Message.body).where(Message.ticket_id == ticket.id)).all()
    write_documents([(ticket.id, ticket.subject, "\n".join(bodies))])


def write_documents(rows) -> None:
    """Upsert (ticket_id, subject, body) search documents."""
    rows = [{"id": i, "subject": s, "body": b} for i, s, b in rows]
    if not rows:
        return
    with db.session.no_autoflush:  # the rows carry their tickets' ids, so those tickets are written already
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text(
                "INSERT INTO ticket_search (ticket_id, document) VALUES (:id, "
                "setweight(to_tsvector('swedish', :subject), 'A') || to_tsvector('swedish', :body)) "
                "ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document"), rows)
        else:
            db.session.execute(sa.text("DELETE FROM ticket_fts WHERE rowid = :id"), rows)
            db.session.execute(sa.text(
                "INSERT INTO ticket_fts (rowid, subject, body) VALUES (:id, :subject, :body)"), rows)

