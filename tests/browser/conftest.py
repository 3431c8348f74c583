"""Browser fixtures: a real server on a free port and headless Debian Chromium.

The browser talks to the app over HTTP from another thread, so every request
must really commit. These fixtures therefore build their own app on a
temporary SQLite file instead of using the rolled-back, per-database `app` of
tests/conftest.py, and they replace its autouse `session` so browser tests run
once, not once per database.
"""

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from helpdesk.extensions import db
from tests.conftest import build_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HELPDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "demo"


@pytest.fixture(autouse=True)
def session():
    """No rolled-back transaction here: the server commits for real."""
    yield None


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The served app: migrated, demo data committed, CSRF protection on."""
    tmp_path = tmp_path_factory.mktemp("browser")
    app = build_app(f"sqlite:///{tmp_path / 'browser.sqlite'}", tmp_path)
    app.config["WTF_CSRF_ENABLED"] = True  # the browser posts real forms
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def clock(app):
    """The served app's frozen clock."""
    return app.extensions["helpdesk.clock"]


@pytest.fixture(scope="session")
def base_url(app):
    """Serve the app on 127.0.0.1 on a free port from a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="helpdesk-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package 'chromium'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, base_url):
    """Make browser contexts (one per user) that are closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "sv-SE")
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def login(context, username):
    """Sign in through the login form; returns the page, on the start page (staff: the queue)."""
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/(queue)?$"))
    return page


@pytest.fixture
def as_user(new_context):
    """A signed-in page for a demo user, in a context of its own."""

    def make(username, **options):
        return login(new_context(**options), username)

    return make


def ticket_number(app, subject):
    """The number of the ticket with this subject (read straight from the database)."""
    from helpdesk.tickets.models import Ticket

    with app.app_context():
        number = db.session.scalar(sa.select(Ticket.id).where(Ticket.subject == subject))
        db.session.remove()
    assert number is not None, f"no ticket with subject {subject!r}"
    return number


def screenshot(page, name):
    """Keep a full-page picture of the page for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's source, injected into pages by the accessibility checks."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in the repository root")
    return AXE.read_text(encoding="utf-8")
