"""Many people reporting at once: a burst of ticket POSTs against the real `helpdesk run`.

issue 8, finding 3: on SQLite a deferred transaction that reads first and writes later fails
at once with "database is locked" when another writer committed in between, whatever the
busy timeout; 466 of 500 POSTs from 16 threads answered 500. Writes now begin IMMEDIATE.
The server runs as its own process with CSRF on, each thread signs in and takes its tokens
from the pages, as a browser would.
"""

import http.cookiejar
import os
import re
import signal
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL
from tests.intake.processes import HELPDESK, helpdesk_env

THREADS = 16
POSTS = 500
SCHEMA = "burst_test"  # on PostgreSQL the server gets a schema of its own in the test database


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's session: cookies, CSRF tokens from the forms, no redirects followed."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

    def request(self, path, data=None):
        body = None if data is None else urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=120) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers

    def token(self, path):
        status, page, _ = self.request(path)
        assert status == 200, (path, status)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def login(self, username):
        status, _, headers = self.request("/login", {"username": username, "password": "demo",
                                                     "csrf_token": self.token("/login")})
        assert status == 302 and "/login" not in headers["Location"], status


def _database(kind, tmp_path):
    """A URL for an empty database the server alone uses."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'burst.sqlite'}"
    if not PG_URL:
        pytest.skip("PostgreSQL run skipped: HELPDESK_TEST_DATABASE_URL is not set")
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options=-csearch_path%3D{SCHEMA}"


def _drop(kind):
    if kind == "postgresql":
        engine = sa.create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        engine.dispose()


def _drain(stream, lines):
    try:
        for line in stream:
            lines.append(line)
    except (OSError, ValueError):  # closed when the server stopped
        pass


def _start_server(env):
    """`helpdesk run` on a free loopback port; the process, its base URL and its output so far."""
    server = subprocess.Popen([HELPDESK, "run", "--host", "127.0.0.1", "--port", "0", "--no-reload"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    lines = []
    for line in server.stdout:
        lines.append(line)
        found = re.search(r"Running on (http://127\.0\.0\.1:\d+)", line)
        if found:
            threading.Thread(target=_drain, args=(server.stdout, lines), daemon=True).start()
            return server, found.group(1), lines
    raise AssertionError("the server did not start:\n" + "".join(lines))


def test_burst_of_reports_all_succeed(app, tmp_path, request):
    kind = request.node.callspec.params["app"]
    url = _database(kind, tmp_path)
    env = helpdesk_env(url, tmp_path)
    try:
        for command in (["db", "upgrade"], ["seed-demo", "--no-tickets"]):
            subprocess.run([HELPDESK, *command], env=env, check=True, capture_output=True, timeout=300)
        server, base, log = _start_server(env)
        try:
            statuses = _burst(base)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{''.join(log)[-5000:]}") from None
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            server.stdout.close()
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            subjects = Counter(conn.scalars(sa.text("SELECT subject FROM ticket WHERE subject LIKE 'Skur %'")))
        engine.dispose()
    finally:
        _drop(kind)
    assert Counter(statuses) == {302: POSTS}, "".join(line for line in log if "Traceback" in line
                                                        or "Error" in line)[-3000:]
    assert len(subjects) == POSTS and set(subjects.values()) == {1}  # every report exactly once


def _burst(base):
    users = ["anna", "fatima", "goran", "helena"]
    per_thread = [range(t, POSTS, THREADS) for t in range(THREADS)]

    def work(thread):
        browser = Browser(base)
        browser.login(users[thread % len(users)])
        token = browser.token("/tickets/new")
        results = []
        for n in per_thread[thread]:
            status, _, _ = browser.request("/tickets/new", {
                "csrf_token": token, "type": "incident", "system_id": "0", "subject": f"Skur {n}",
                "description": f"Rapport nummer {n} i en skur av samtidiga anmälningar.",
                "impact": "3", "urgency": "3"})
            results.append(status)
        return results

    with ThreadPoolExecutor(THREADS) as pool:
        return [status for results in pool.map(work, range(THREADS)) for status in results]
