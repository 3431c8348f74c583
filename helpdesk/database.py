"""Transactions, column types and per-dialect set-up."""

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from .extensions import db


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC, on every database."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL on SQLite
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


# How long a writer waits for another one. Writes are short (one request's changes); a queue
# of them on a busy morning must still fit, and a writer that waited this long gets an error.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# How much of the database file SQLite reads through a memory map (see _sqlite_pragmas); the
# library caps it at its compile-time limit (usually 2 GB), the rest is read as before.
SQLITE_MMAP_BYTES = 8 * 1024**3

# Set while unit_of_work() opens a transaction: SQLite then begins it IMMEDIATE.
_WRITING: ContextVar[bool] = ContextVar("helpdesk_writing", default=False)


@contextmanager
def unit_of_work():
    """One transaction: commit on success, roll back on any error.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock at
    once, waiting up to the busy timeout for another writer, instead of starting as a reader
    and failing with "database is locked" when it first writes after someone else committed
    (SQLite cannot upgrade a stale read snapshot and does not wait in that case). A read
    transaction the request already opened (the signed-in user, the ticket) is ended first;
    what was loaded in it is reloaded inside the write transaction. Reads outside a unit of
    work stay plain deferred transactions, so pages never queue behind writers.
    """
    session = db.session
    _start_write(session())
    token = _WRITING.set(True)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _WRITING.reset(token)


def _start_write(session):
    """End a deferred SQLite read transaction so the next one can begin IMMEDIATE."""
    if not session.in_transaction() or not is_sqlite():
        return
    connection = session.connection()
    if connection.in_nested_transaction() or connection.info.get("sqlite_begin") != "DEFERRED":
        return  # already writing, or a test's savepoint inside an outer transaction
    session.commit()  # nothing to write here: all writes go through unit_of_work


def is_sqlite() -> bool:
    """Whether the bound database is SQLite."""
    return db.engine.dialect.name == "sqlite"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy
    # emit BEGIN itself (see SQLAlchemy's "Serializable isolation" recipe).
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # First, so that everything after it (switching to WAL takes a lock too) waits for
        # other writers instead of failing with "database is locked".
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # SQLite's own page cache is 2 MB per connection; every other page read is a system call.
        # Mapping the file instead reads the operating system's cache directly, shared by all
        # connections and processes: a search for a common word looks up tens of thousands of
        # tickets, which took 3-4 µs each through read() and under 0.5 µs mapped.
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        mode = "IMMEDIATE" if _WRITING.get() else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")
        conn.info["sqlite_begin"] = mode


# Settings-like rows read many times in one transaction (a batch of mail: service levels, clock
# rules, calendars, routing rules, webhook subscriptions). Kept in session.info for the outermost
# transaction only; any flush that touches one of the watched tables, a bulk update or delete, or
# a rollback (also of a savepoint) forgets them all.
_CACHE_KEY = "helpdesk_transaction_cache"
_WATCHED: set[str] = set()


def transaction_cached(name: str, load, *, tables=(), session=None):
    """load() once per transaction under name; tables: the tables whose change must forget it."""
    _WATCHED.update(tables)
    cache = (session or db.session).info.setdefault(_CACHE_KEY, {})
    if name not in cache:
        cache[name] = load()
    return cache[name]


def forget_transaction_cache(session=None) -> None:
    (session or db.session).info.pop(_CACHE_KEY, None)


def kept_for_transaction(key: str, *, rollback: bool = True) -> None:
    """session.info[key] is forgotten when the outermost transaction ends and, with rollback, at any
    rollback (a savepoint's included): what it holds may have been undone."""

    @event.listens_for(Session, "after_transaction_end")
    def _after_transaction(session, transaction):
        if transaction.parent is None:
            session.info.pop(key, None)

    if rollback:
        @event.listens_for(Session, "after_soft_rollback")
        def _on_rollback(session, previous_transaction):
            session.info.pop(key, None)


kept_for_transaction(_CACHE_KEY)


@event.listens_for(Session, "after_flush")
def _forget_cache_on_change(session, flush_context):
    if _CACHE_KEY not in session.info:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in _WATCHED:
            session.info.pop(_CACHE_KEY, None)
            return


@event.listens_for(Session, "after_bulk_update")
@event.listens_for(Session, "after_bulk_delete")
def _forget_cache_on_bulk(update_context):
    update_context.session.info.pop(_CACHE_KEY, None)


def built_once(build):
    """Build a statement on first use and keep it; the values go in as bind parameters.

    SQLAlchemy computes a statement's cache key once per statement object: a statement built
    anew for every call (select, where, options) costs 100-150 µs before it runs, more than
    running a small query on an indexed column. The ticket page runs twenty of them. build(*args)
    must depend on its (hashable) arguments only, never on a request's values, and must return a
    statement: a result kept here would be served to every later caller (another user's rows).
    """
    @functools.wraps(build)
    def checked(*args):
        statement = build(*args)
        if not isinstance(statement, sa.sql.ClauseElement):
            raise TypeError(f"built_once: {build.__qualname__} must return a statement, not {type(statement)!r}")
        return statement

    return functools.cache(checked)
