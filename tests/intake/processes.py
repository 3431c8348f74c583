"""Running real `helpdesk` processes against a database file of their own."""

import os
import sys
from pathlib import Path

import pytest

from helpdesk.extensions import db
from tests.conftest import build_app

HELPDESK = str(Path(sys.executable).with_name("helpdesk"))


def seeded_database(tmp_path: Path) -> str:
    """A migrated SQLite file (WAL) with the demo data; its URL.

    Build it from a module- or session-scoped fixture: those run before the autouse
    `session` fixture points db.session at the test's rolled-back connection.
    """
    url = f"sqlite:///{tmp_path / 'helpdesk.sqlite'}"
    app = build_app(url, tmp_path)
    with app.app_context():
        db.engine.dispose()
    return url


def helpdesk_env(url: str, tmp_path: Path) -> dict:
    """Environment for a helpdesk process: this database and files under tmp_path, nothing inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(HELPDESK_DATABASE_URL=url, HELPDESK_SECRET_KEY="test-secret",
               HELPDESK_MAIL_STORE_DIR=str(tmp_path / "mail"), HELPDESK_ATTACHMENT_DIR=str(tmp_path / "attachments"),
               HELPDESK_MAIL_OUT_DIR=str(tmp_path / "mail-out"))
    return env


def run_once(request) -> None:
    """Skip all but the SQLite parameter: these tests start processes with their own database."""
    if request.node.callspec.params.get("app") != "sqlite":
        pytest.skip("runs once, with the SQLite parameter: the processes have their own database")
