"""`helpdesk generate` in SQLite's bulk mode, and with worker processes, on a copy of the test database."""

import sqlite3

import pytest
import sqlalchemy as sa

from helpdesk import create_app
from helpdesk.clock import FrozenClock
from helpdesk.demo.bulk import BULK_PRAGMAS
from helpdesk.demo.generate import generate
from helpdesk.extensions import db
from helpdesk.sla.recompute import recompute
from helpdesk.tickets.search import matching_ticket_ids
from tests.conftest import BASE_TIME, app_config

TABLES = ("ticket", "message", "ticket_event", "ticket_participant", "user")


@pytest.fixture
def copy_of_database(app, tmp_path, monkeypatch):
    """Make an app on a copy of the committed test database; its own sessions, not the test's transaction."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("bulk mode is SQLite's")
    source = db.engine.url.database
    made = []

    def make(name):
        target = tmp_path / f"{name}.sqlite"
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        copy = create_app(app_config(f"sqlite:///{target}", tmp_path / name), clock=FrozenClock(BASE_TIME))
        made.append(copy)
        return copy

    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    yield make
    for copy in made:
        with copy.app_context():
            db.session.remove()
            db.engine.dispose()


def _settings() -> dict:
    """What bulk mode changes: the connection's settings and the loaded tables' indexes."""
    connection = db.session.connection()
    values = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in BULK_PRAGMAS}
    values["indexes"] = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all()
    db.session.commit()
    return values


def _rows(table) -> list:
    rows = db.session.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY 1, 2')).all()
    db.session.commit()
    return rows


def test_bulk_load_puts_settings_and_indexes_back_and_agrees_with_recompute(copy_of_database):
    with copy_of_database("bulk").app_context():
        before = _settings()
        stats = generate(300, batch_size=120, bulk=True)
        assert _settings() == before
        assert stats["tickets"] == 300
        connection = db.session.connection()
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        db.session.commit()
        assert recompute(now=BASE_TIME, check=True)["differences"] == 0


def test_settings_and_indexes_come_back_when_the_load_fails(copy_of_database, monkeypatch):
    from helpdesk.demo import bulk

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    with copy_of_database("failing").app_context():
        before = _settings()
        monkeypatch.setattr(bulk.SqliteWriter, "documents", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            generate(200, batch_size=100, bulk=True)
        assert _settings() == before


def test_worker_processes_make_the_same_tickets_as_one_process(copy_of_database):
    results = []
    for name, workers in (("alone", 0), ("workers", 2)):
        with copy_of_database(name).app_context():
            generate(250, batch_size=60, bulk=True, workers=workers)
            results.append({table: _rows(table) for table in TABLES})
            word_hits = set(db.session.scalars(matching_ticket_ids("Outlook")))
            results[-1]["search"] = word_hits
    assert results[0] == results[1]
    assert results[0]["search"]
