"""The integration API: ticket list and ticket read with a token, and what token authentication costs.

    python -m benchmarks.api [--sizes 10k] [--databases sqlite,postgresql] [--requests 50]

Uses the same data sets as `make bench` (built if missing). Prints a Markdown section;
does not rewrite BENCHMARKS.md (whose 1M figures come from runs that take hours).
Token overhead is measured twice: the same cheap API request (/api/v1/organisations)
with a bearer token and with a signed-in session, and token lookup alone (SHA-256 and one
unique-index read) timed in a loop.
"""

import argparse
import random
import statistics
import sys
import time

import sqlalchemy as sa

from helpdesk.auth.models import User
from helpdesk.clock import SystemClock
from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket

from . import datasets
from .measure import load_average, login, summary, time_rounds, wait_for_quiet
from .scenarios import PAGE_TARGET_MS, PASSWORD, _sample_ids, bench_app


class TokenClient:
    """A test client that sends the bearer token with every request."""

    def __init__(self, client, secret):
        self.client, self.headers = client, {"Authorization": f"Bearer {secret}"}

    def get(self, path):
        return self.client.get(path, headers=self.headers)


def new_token(username):
    from helpdesk.api.tokens import create_token

    user = db.session.scalar(sa.select(User).where(User.username == username))
    with unit_of_work():
        _token, secret = create_token(user=user, name="benchmark", scope="read", expires_at=None, actor=None,
                                      now=SystemClock().now())
    return secret


def lookup_cost(secret, rounds=2000) -> tuple[dict, dict]:
    """Microseconds per request for token authentication and, alike, for loading a session's user.

    Each round starts with an empty session, as a request does (the benchmark's test client
    keeps one session across requests, which hides the session user's load from page timings).
    Token: SHA-256, the token row with its user in one query, the user's roles, the checks.
    Session: Flask-Login's user loader (the user, their roles). The difference is what a token costs.
    """
    from helpdesk.api.tokens import find_token
    from helpdesk.auth.models import User

    now = SystemClock().now()
    user_id = find_token(secret).user_id
    token_samples, session_samples = [], []
    for _ in range(rounds):
        db.session.expunge_all()
        started = time.perf_counter()
        token = find_token(secret)
        assert token is not None and token.is_valid(now) and token.user.is_active and token.user.roles is not None
        token_samples.append(time.perf_counter() - started)
        db.session.expunge_all()
        started = time.perf_counter()
        user = db.session.get(User, user_id)
        assert user.is_active and user.roles is not None
        session_samples.append(time.perf_counter() - started)

    def figures(samples):
        return {"median_us": statistics.median(samples) * 1e6, "p95_us": statistics.quantiles(samples, n=20)[18] * 1e6}

    return figures(token_samples), figures(session_samples)


def measure(dataset, requests, warmup, max_load=2.0, max_wait=300) -> list[tuple]:
    app = bench_app(dataset.url)
    app.config["API_RATE_LIMIT"] = "1000000 per minute"  # the limiter runs, but never refuses the benchmark
    rows = []
    with app.app_context():
        rng = random.Random(1)
        reads = [f"/api/v1/tickets/{i}" for i in _sample_ids(rng, ~Ticket.is_confidential)]
        secret = new_token("erik")
        token = TokenClient(app.test_client(), secret)
        session = login(app, "erik", PASSWORD)
        db.session.remove()
    # The requests run outside that app context, each in its own as in a server.
    before = wait_for_quiet(max_load, max_wait, lambda text: print(text, file=sys.stderr, flush=True))
    plan = [
        ("API ticket list, first page (token)", token, ["/api/v1/tickets"], PAGE_TARGET_MS),
        ("API ticket list, page 200 (token)", token, ["/api/v1/tickets?page=200"], PAGE_TARGET_MS),
        ("API ticket list, status all, priority 2 (token)", token, ["/api/v1/tickets?status=all&priority=2"],
         PAGE_TARGET_MS),
        ("API ticket read, with conversation (token)", token, reads, PAGE_TARGET_MS),
        ("For comparison: web queue, first page (session)", session, ["/queue"], PAGE_TARGET_MS),
        ("For comparison: web ticket page (session)", session, [p.replace("/api/v1", "") for p in reads],
         PAGE_TARGET_MS),
        ("API organisations (token)", token, ["/api/v1/organisations"], None),
        ("API organisations (session)", session, ["/api/v1/organisations"], None),
    ]
    times = time_rounds([(client, paths) for _, client, paths, _ in plan], requests=requests, warmup=warmup)
    for (label, _client, _paths, target), samples in zip(plan, times):
        rows.append((label, summary(samples), target))
    with app.app_context():
        token_cost, session_cost = lookup_cost(secret)
        rows.append(("Authentication alone: token (hash, token + user, roles, checks)", token_cost, None))
        rows.append(("Authentication alone: session user (user, roles)", session_cost, None))
        rows.append((f"load average {before:.1f} → {load_average():.1f}", None, None))
        db.engine.dispose()
    return rows


def markdown(results) -> str:
    lines = ["**Integration API** (`python -m benchmarks.api`; median / p95 through the test client; target 20 ms "
             "for list and read):", "", "| Database, size | Measurement | Median | p95 |", "|---|---|---|---|"]
    for (database, size), rows in results.items():
        for label, figures, target in rows:
            if figures is None:
                lines.append(f"| {database} {size} | ({label}) | | |")
                continue
            if "median_us" in figures:
                lines.append(f"| {database} {size} | {label} | {figures['median_us']:.0f} µs | "
                             f"{figures['p95_us']:.0f} µs |")
                continue
            mark = "" if target is None else (" ✓" if figures["median_ms"] <= target else " ✗")
            lines.append(f"| {database} {size} | {label} | {figures['median_ms']:.1f} ms{mark} | "
                         f"{figures['p95_ms']:.1f} ms |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api")
    parser.add_argument("--sizes", default="10k")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--max-load", type=float, default=2.0, help="wait for this 1-minute load average first")
    parser.add_argument("--max-wait", type=float, default=300, help="seconds to wait for it at most")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    results = {}
    for database in [d for d in args.databases.split(",") if d]:
        for size in [s for s in args.sizes.split(",") if s]:
            dataset = datasets.DataSet(database, size)
            datasets.ensure(dataset, rebuild=False, log=lambda text: print(text, file=sys.stderr, flush=True))
            results[database, size] = measure(dataset, args.requests, args.warmup, args.max_load, args.max_wait)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
