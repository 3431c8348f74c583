"""The SLA alerts job at scale: its run time follows the tickets that are due, not the open ones.

    python -m benchmarks.sla [--open 10000,100000] [--due 10,100] [--runs 7] [--rebuild]
    python -m benchmarks.sla --open 20000 --due 5000 --runs 3     # throughput: due items a second

Each data set is a SQLite file in bench-data/sla/: the migrated demo organisation plus N
open tickets written directly (executemany), every one with its next alert in
ix_ticket_sla_next_alert_at, spread over the coming ten days. Before each timed run a
fresh set of tickets is made due (reported three days ago, next alert a minute ago);
the run records their alerts, queues the mail and moves their next alert on, as in
production. Prints a Markdown section.
"""

import argparse
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from .datasets import DATA
from .measure import load_average, summary

FOLDER = DATA / "sla"
NOW = datetime(2026, 11, 18, 13, 0, tzinfo=UTC)  # a Wednesday, 14:00 in Stockholm: service hours
TICKET_COLUMNS = ("id", "organisation_id", "type", "channel", "subject", "requester_id", "system_id",
                  "support_group_id", "impact", "urgency", "priority", "status", "is_open", "is_confidential",
                  "created_at", "updated_at", "due_at", "sla_next_alert_at")
BATCH = 10_000
EMPLOYEES = ("anna", "fatima", "goran", "helena")


def _stamp(at: datetime) -> str:
    """A time as SQLAlchemy stores UTCDateTime on SQLite."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _app(url):
    from helpdesk import create_app
    from helpdesk.clock import FrozenClock

    return create_app({"SECRET_KEY": "benchmark", "DATABASE_URL": url, "SERVER_NAME": None,
                       "MAIL_TRANSPORT": "files"}, clock=FrozenClock(NOW))


def build(open_tickets: int, *, rebuild=False, log=print) -> str:
    """The data set's database URL, built unless a complete build is stored."""
    from flask_migrate import upgrade

    from helpdesk.auth.models import User
    from helpdesk.catalogue.models import System
    from helpdesk.database import unit_of_work
    from helpdesk.demo.bulk import SqliteWriter
    from helpdesk.demo.seed import seed_demo
    from helpdesk.extensions import db

    FOLDER.mkdir(parents=True, exist_ok=True)
    path, marker = FOLDER / f"open_{open_tickets}.sqlite", FOLDER / f"open_{open_tickets}.json"
    url = f"sqlite:///{path}"
    if marker.exists() and not rebuild:
        with _app(url).app_context():
            upgrade()  # migrations added since the build
        return url
    marker.unlink(missing_ok=True)
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    app = _app(url)
    with app.app_context():
        upgrade()
        with unit_of_work():
            seed_demo(now=NOW - timedelta(days=30), with_tickets=False)
        systems = db.session.execute(sa.select(System.id, System.organisation_id, System.support_group_id)).all()
        requesters = db.session.scalars(sa.select(User.id).where(User.username.in_(EMPLOYEES))).all()
        rng = random.Random(f"sla-bench:{open_tickets}")
        writer = SqliteWriter(db.session)
        for first in range(1, open_tickets + 1, BATCH):
            rows = []
            for ticket_id in range(first, min(first + BATCH, open_tickets + 1)):
                system = rng.choice(systems)
                created = NOW - timedelta(minutes=rng.randint(1, 120))
                later = NOW + timedelta(minutes=rng.randint(60, 10 * 24 * 60))
                rows.append((ticket_id, system.organisation_id, "incident", "web", f"Ärende {ticket_id}",
                             rng.choice(requesters), system.id, system.support_group_id, 3, 3,
                             rng.choice((2, 3, 3, 4)), "open", True, False, _stamp(created), _stamp(created),
                             _stamp(later), _stamp(later)))
            writer.insert("ticket", TICKET_COLUMNS, rows)
            db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()
    info = {"open": open_tickets, "seconds": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps(info))
    log(f"built {path.name}: {open_tickets} open tickets in {info['seconds']} s")
    return url


def _make_due(ticket_ids) -> None:
    """These tickets were reported three days ago and their next alert passed a minute ago."""
    from helpdesk.database import unit_of_work
    from helpdesk.extensions import db
    from helpdesk.tickets.models import Ticket

    with unit_of_work():
        db.session.execute(sa.update(Ticket).where(Ticket.id.in_(ticket_ids)).values(
            created_at=NOW - timedelta(days=3), sla_next_alert_at=NOW - timedelta(minutes=1)))


def measure(urls: dict, *, due: int, runs: int, queries: int = 50) -> dict:
    """Run time of sla_alerts with `due` fresh due tickets on each data set, `runs` times after a warm-up.

    The data sets take turns run by run, so a burst of load from elsewhere on the machine
    hits all of them alike instead of spoiling one.
    """
    from helpdesk.clock import FrozenClock
    from helpdesk.extensions import db
    from helpdesk.sla.jobs import sla_alerts
    from helpdesk.tickets.models import Ticket

    apps = {size: _app(url) for size, url in urls.items()}
    pools, times, mails = {}, {size: [] for size in apps}, dict.fromkeys(apps, 0)
    cpu = {size: [] for size in apps}  # the process's CPU time: what the job costs on a shared machine
    for size, app in apps.items():
        with app.app_context():
            # Tickets made due before (here or in an earlier invocation) were moved three days back.
            pool = db.session.scalars(sa.select(Ticket.id).where(Ticket.created_at > NOW - timedelta(days=1))
                                      .order_by(Ticket.id)).all()
            db.session.rollback()
        if len(pool) < (runs + 1) * due:
            raise SystemExit(f"only {len(pool)} unused tickets left for {runs + 1} runs of {due}: use --rebuild")
        random.Random(f"sla-bench-due:{size}:{due}").shuffle(pool)
        pools[size] = pool
    for n in range(runs + 1):
        for size, app in apps.items():
            with app.app_context():
                _make_due(pools[size][n * due:(n + 1) * due])
                clock = FrozenClock(NOW)
                started, cpu_started = time.perf_counter(), time.process_time()
                queued = sla_alerts(clock)
                elapsed, cpu_used = time.perf_counter() - started, time.process_time() - cpu_started
                if db.session.scalar(sa.select(sa.func.count()).where(Ticket.sla_next_alert_at <= NOW)):
                    raise RuntimeError("sla_alerts left due tickets behind")
                db.session.rollback()
            if n:  # the first run warms the caches (calendars, templates)
                times[size].append(elapsed)
                cpu[size].append(cpu_used)
                mails[size] += queued
    results = {}
    for size, app in apps.items():
        with app.app_context():
            query_ms, plan = _due_query(queries)
            db.engine.dispose()
        result = summary(times[size])
        results[size] = result | {"per_ticket_ms": round(result["median_ms"] / due, 2),
                                  "per_second": round(due / (result["median_ms"] / 1000)),
                                  "per_cpu_second": round(due / statistics.median(cpu[size])),
                                  "mails_per_run": mails[size] / runs, "query_ms": query_ms, "plan": plan}
    return results


def _due_query(queries) -> tuple[float, str]:
    """Median milliseconds of the due query alone (nothing due), and its plan."""
    from helpdesk.extensions import db
    from helpdesk.sla.jobs import due_tickets

    query_times = []
    for _ in range(queries):
        started = time.perf_counter()
        db.session.scalars(due_tickets(NOW)).all()
        query_times.append(time.perf_counter() - started)
        db.session.rollback()
    plan = db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN SELECT id FROM ticket WHERE sla_next_alert_at <= ? "
        "ORDER BY sla_next_alert_at, id LIMIT 5000", (_stamp(NOW),)).all()
    db.session.rollback()
    return round(statistics.median(query_times) * 1000, 3), "; ".join(row[-1] for row in plan)


def report(results, runs) -> str:
    lines = [
        "## SLA alerts job (`helpdesk.sla.jobs.sla_alerts`)", "",
        f"`python -m benchmarks.sla`, SQLite, {runs} timed runs per row after one warm-up, the data sets "
        f"taking turns run by run; load average {load_average()} at the end. Each run first makes a fresh "
        "set of open tickets due (reported three days ago, next alert a minute ago), then times the whole "
        "job: the due query, and per chunk of tickets one transaction with the row locks, the SLA state "
        "from history, the alert events, the rendered outbox mail and the refreshed cache. Every other open "
        "ticket waits in the same index with its next alert later in the coming ten days. "
        f"Load average {load_average()} at the end.", "",
        "| Open tickets | Due per run | Run median / p95 (ms) | Per due ticket (ms) | Due items a second "
        "(wall / per CPU second) | Mails queued per run | Due query alone, median (ms) |",
        "|---|---|---|---|---|---|---|"]
    for (open_tickets, due), r in results.items():
        lines.append(f"| {open_tickets:,} | {due} | {r['median_ms']:.0f} / {r['p95_ms']:.0f} | "
                     f"{r['per_ticket_ms']:.2f} | {r['per_second']:,} / {r['per_cpu_second']:,} | "
                     f"{r['mails_per_run']:.0f} | {r['query_ms']:.2f} |")
    plans = {r["plan"] for r in results.values()}
    lines += ["", "Query plan of the due query: " + " / ".join(f"`{p}`" for p in sorted(plans)) + ".", ""]
    return "\n".join(lines)


def _ints(text):
    return [int(v) for v in text.split(",") if v.strip()]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sla", description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=_ints, default=[10_000, 100_000], help="open tickets per data set")
    parser.add_argument("--due", type=_ints, default=[10, 100], help="due tickets per run")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    urls = {n: build(n, rebuild=args.rebuild, log=lambda text: print(text, flush=True)) for n in args.open}
    results = {}
    for due in args.due:
        for open_tickets, result in measure(urls, due=due, runs=args.runs).items():
            results[open_tickets, due] = result
    print(report(dict(sorted(results.items())), args.runs))


if __name__ == "__main__":
    main()
