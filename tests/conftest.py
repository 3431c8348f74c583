"""Test fixtures: one app per database, migrations applied once, each test rolled back."""

import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from helpdesk import create_app
from helpdesk.clock import FrozenClock
from helpdesk.extensions import db

# A Wednesday morning in Stockholm (09:00 local).
BASE_TIME = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)
PG_URL = os.environ.get("HELPDESK_TEST_DATABASE_URL")
DATABASES = ["sqlite", "postgresql"]


def app_config(database_url, tmp_path):
    """Settings for an app under test."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "ATTACHMENT_DIR": str(tmp_path / "attachments"),
        "MAIL_STORE_DIR": str(tmp_path / "mail"),
        "MAIL_OUT_DIR": str(tmp_path / "mail-out"),
        "SERVER_NAME": None,
        # Tests advance the frozen clock by days with a client signed in, and sign in administrators with
        # the password alone; tests/auth/test_sessions.py and test_mfa.py turn these on.
        "SESSION_IDLE_MINUTES": None,
        "SESSION_MAX_HOURS": None,
        "MFA_REQUIRED_ROLES": [],
    }


def reset_postgres(url):
    """Drop everything in the test database so migrations start from empty."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def build_app(database_url, tmp_path, *, seed=True, clock=None):
    """An app with the migrated schema and (optionally) the committed demo data."""
    clock = clock or FrozenClock(BASE_TIME)
    app = create_app(app_config(database_url, tmp_path), clock=clock)
    with app.app_context():
        upgrade()
        if seed:
            from helpdesk.database import unit_of_work
            from helpdesk.demo.seed import seed_demo

            with unit_of_work():
                seed_demo(now=clock.now())
    return app


@pytest.fixture(scope="session", params=DATABASES)
def app(request, tmp_path_factory):
    """The app on SQLite, and again on PostgreSQL when HELPDESK_TEST_DATABASE_URL is set."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("PostgreSQL run skipped: HELPDESK_TEST_DATABASE_URL is not set")
        reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path / 'test.sqlite'}"
    app = build_app(url, tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def clock(app):
    """The app's frozen clock, set back to BASE_TIME after the test."""
    clock = app.extensions["helpdesk.clock"]
    clock.set(BASE_TIME)
    yield clock
    clock.set(BASE_TIME)


@pytest.fixture(autouse=True)
def session(request, app, clock):
    """Run the test inside a transaction that is rolled back afterwards."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        from flask_sqlalchemy.session import _app_ctx_id

        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log in and out as the demo users (password 'demo')."""

    def __init__(self, client):
        self._client = client

    def login(self, username="anna", password="demo"):
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def users():
    """Demo users by user name."""
    from helpdesk.auth.models import User

    return {u.username: u for u in db.session.scalars(sa.select(User))}
