"""Alembic: an empty database upgraded to head matches the models exactly."""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from helpdesk import create_app
from helpdesk.clock import FrozenClock
from helpdesk.extensions import db
from tests.conftest import BASE_TIME, app_config

ENV = Path(__file__).resolve().parent.parent / "migrations" / "env.py"


def include_object():
    """The same filter the migration environment uses (search tables are hand-made)."""
    spec = importlib.util.spec_from_file_location("migrations_env_filter", ENV)
    source = ENV.read_text()
    namespace = {}
    start = source.index("IGNORED_TABLES")
    end = source.index("def get_metadata")
    exec(source[start:end], namespace)  # only the constants and include_object()
    assert spec is not None
    return namespace["include_object"]


def differences(connection):
    context = MigrationContext.configure(connection, opts={
        "include_object": include_object(), "compare_type": True})
    return compare_metadata(context, db.metadata)


def test_upgraded_database_matches_models(app):
    # The session app was migrated from an empty database (SQLite file or reset PostgreSQL schema).
    with app.app_context(), db.engine.connect() as connection:
        assert differences(connection) == []


def test_search_index_exists_for_the_dialect(app):
    with app.app_context():
        names = sa.inspect(db.engine).get_table_names()
        assert ("ticket_fts" if db.engine.dialect.name == "sqlite" else "ticket_search") in names


def test_downgrade_and_upgrade_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite'}"
    fresh = create_app(app_config(url, tmp_path), clock=FrozenClock(BASE_TIME))
    with fresh.app_context():
        upgrade()
        downgrade(revision="base")
        assert "ticket" not in sa.inspect(db.engine).get_table_names()
        upgrade()
        with db.engine.connect() as connection:
            assert differences(connection) == []
        db.engine.dispose()


def test_the_latest_migrations_run_on_a_database_with_data(tmp_path):
    # Before: 0023 copied support_group to add a column, and on SQLite dropping the old table failed
    # ("FOREIGN KEY constraint failed") as soon as tickets and users referred to a group.
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'data.sqlite'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(HELPDESK_DATABASE_URL=url, HELPDESK_SECRET_KEY="test-secret", HELPDESK_TESTING="true",
               HELPDESK_INSTANCE_PATH=str(tmp_path))
    for args in (["db", "upgrade"], ["seed-demo"], ["db", "downgrade", "0017"], ["db", "upgrade"]):
        done = subprocess.run([sys.executable, "-c", "from helpdesk.cli import main; main()", *args],
                              cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, (args, done.stderr[-2000:])
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT count(*) FROM support_group WHERE NOT handles_security_incidents")) > 0
            assert connection.scalar(sa.text("SELECT count(*) FROM ticket")) > 0
    finally:
        engine.dispose()
