"""Where a queue page's time goes: each SQL statement of one request, timed, with its plan.

    python -m benchmarks.queue_profile [--size 100k] [--database sqlite] [--only sort_number,count_all]
                                       [--plans] [--min-ms 1]

Runs each queue scenario of benchmarks/scenarios.py once to capture its statements, then runs
each statement again --runs times on its own and prints the fastest time of those that took at
least --min-ms (the fastest run is the least disturbed by other work on a shared machine) and,
with --plans, their EXPLAIN QUERY PLAN / EXPLAIN ANALYZE. A tool for reading plans, not a
measurement of pages: `benchmarks.run` measures those.
"""

import argparse
import sys
import time

import sqlalchemy as sa

from helpdesk.extensions import db

from . import datasets
from .measure import login
from .scenarios import PASSWORD, bench_app, scenarios


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.queue_profile")
    parser.add_argument("--size", default="100k", choices=list(datasets.SIZES))
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--only", default="", help="comma-separated scenario keys (default: the queue's)")
    parser.add_argument("--plans", action="store_true", help="print each slow statement's plan")
    parser.add_argument("--min-ms", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", default="", help="another database than the data set's (a copy, say)")
    return parser.parse_args(argv)


def explain(statement, parameters):
    """The plan of one statement as the database chose it."""
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection.cursor()
        if db.engine.dialect.name == "sqlite":
            raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return "\n".join(f"    {row[1]:>3} {row[3]}" for row in raw.fetchall())
        raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return "\n".join(f"    {row[0]}" for row in raw.fetchall())


def replay(statement, parameters, runs) -> float:
    """The fastest of `runs` executions of one statement, in milliseconds."""
    best = float("inf")
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection.cursor()
        for _ in range(runs):
            started = time.perf_counter()
            raw.execute(statement, parameters)
            raw.fetchall()
            best = min(best, time.perf_counter() - started)
        connection.rollback()
    return best * 1000


def main(argv=None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    dataset = datasets.DataSet(args.database, args.size)
    app = bench_app(args.url or dataset.url)
    only = {k for k in args.only.split(",") if k}
    captured = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("started", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        started = conn.info["started"].pop()
        captured.append(((time.perf_counter() - started) * 1000, statement, parameters))

    with app.app_context():
        plan = [s for s in scenarios() if (s.key in only if only else s.paths[0].startswith("/queue"))]
        clients = {}
        sa.event.listen(db.engine, "before_cursor_execute", before)
        sa.event.listen(db.engine, "after_cursor_execute", after)
        for scenario in plan:
            client = clients.get(scenario.user) or login(app, scenario.user, PASSWORD)
            clients[scenario.user] = client
            client.get(scenario.paths[0])  # warm-up: caches, prepared statements
            captured.clear()
            client.get(scenario.paths[0])
            statements = [(replay(s, p, args.runs), s, p) for _ms, s, p in captured if s.lstrip().startswith("SELECT")]
            in_db = sum(ms for ms, _s, _p in statements)
            print(f"\n== {scenario.key} {scenario.paths[0]}: {len(captured)} statements, "
                  f"{in_db:.1f} ms in the database (fastest of {args.runs} each)")
            for ms, statement, parameters in (c for c in statements if c[0] >= args.min_ms):
                print(f"  {ms:7.1f} ms  {' '.join(statement.split())[:400]}")
                if args.plans:
                    print(explain(statement, parameters))
        sa.event.remove(db.engine, "before_cursor_execute", before)
        sa.event.remove(db.engine, "after_cursor_execute", after)
    return 0


if __name__ == "__main__":
    sys.exit(main())
