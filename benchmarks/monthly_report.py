"""How fast the monthly SLA report is: `python -m benchmarks.monthly_report [--url URL ...]`.

Measures, per data set, the last complete month's report as three kinds of
reader (the whole desk, a department's manager, the security officer who also
counts confidential tickets): the figures alone (`monthly_report()`), and
whole GET requests through the app (page, a drill-down list, a chart, the CSV
export). Prints a Markdown section with median / p95 in milliseconds; the
target is the specification's 2 s for the monthly report at 1M tickets.

Data sets: the URLs given, else the ones in bench-data/ (SQLite files and the
PostgreSQL databases benchmarks/run.py builds) whose schema is at head. The
report counts SLA facts that `helpdesk sla recompute` fills in for tickets
written in bulk; a set with tickets lacking them is measured only with
--prepare, which runs the recompute first.
"""

import argparse
import os
import statistics
import time
from datetime import UTC, datetime

import sqlalchemy as sa

from .datasets import DATA, PG_SERVER, SIZES

TARGET_MS = 2000
READERS = (("admin", "whole desk (admin)"), ("karin", "a department's manager"),
           ("ines", "security officer, confidential included"))


def candidates(urls):
    if urls:
        return [(url.rsplit("/", 1)[-1], url) for url in urls]
    found = []
    for size in SIZES:
        path = DATA / f"helpdesk_bench_{size}.sqlite"
        if path.exists():
            found.append((f"SQLite {size}", f"sqlite:///{path}"))
        found.append((f"PostgreSQL {size}", f"{PG_SERVER}/helpdesk_bench_{size}"))
    return found


def usable(url) -> str | None:
    """Why a data set cannot be measured, or None when it can."""
    from alembic.script import ScriptDirectory

    from helpdesk import ROOT

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as error:  # a missing database or file
        return f"cannot be read ({type(error).__name__})"
    finally:
        engine.dispose()
    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    return None if revision == head else f"schema at {revision}, not {head}: run `helpdesk db upgrade`"


def timed(function, runs, warmup=2) -> dict:
    """Median and p95 wall time, and the median CPU time of this process (SQLite's work included)."""
    for _ in range(warmup):
        function()
    samples, cpu = [], []
    for _ in range(runs):
        started, processor = time.perf_counter(), time.process_time()
        function()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - processor) * 1000)
    samples.sort()
    return {"median": statistics.median(samples), "p95": samples[min(len(samples) - 1, int(len(samples) * 0.95))],
            "cpu": statistics.median(cpu)}


def measure(url, runs, prepare) -> tuple[dict, dict]:
    from helpdesk import create_app
    from helpdesk.auth.models import User
    from helpdesk.extensions import db
    from helpdesk.reports.months import Month
    from helpdesk.reports.queries import report_scope
    from helpdesk.reports.report import monthly_report
    from helpdesk.tickets.models import Ticket

    app = create_app({"SECRET_KEY": "benchmark", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                      "SERVER_NAME": None, "TESTING": True,
                      "MFA_REQUIRED_ROLES": []})  # the readers sign in by password here
    info, results = {}, {}
    with app.app_context():
        missing = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(
            Ticket.sla_reopened_count.is_(None)))
        if missing and prepare:
            from helpdesk.sla.recompute import recompute

            started = time.perf_counter()
            recompute(now=datetime.now(UTC), check=False)
            info["recompute_s"] = round(time.perf_counter() - started)
            missing = 0
        if missing:
            return {"skipped": f"{missing} tickets lack SLA facts: run `helpdesk sla recompute` or --prepare"}, {}
        info["tickets"] = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
        month = Month.of(datetime.now(UTC)).shift(-1)
        info["month"] = month.key
        users = {u.username: u for u in db.session.scalars(sa.select(User).where(
            User.username.in_([name for name, _label in READERS])))}
        for name, label in READERS:
            def figures(user=users[name]):
                db.session.remove()
                monthly_report(report_scope(db.session.merge(user)), month, now=datetime.now(UTC))
            results[f"Figures: {label}"] = timed(figures, runs)
        info["opened"] = monthly_report(report_scope(users["admin"]), month, now=datetime.now(UTC)) \
            .total.values["opened"]
        db.session.remove()
    for name, label in READERS[:2]:
        client = app.test_client()
        client.post("/login", data={"username": name, "password": "demo"})
        base = f"/reports/monthly/{month.key}"
        pages = [(f"Page: {label}", base)]
        if name == "admin":
            pages += [("Drill-down: closed tickets, first page", f"{base}/tickets?figure=closed"),
                      ("Drill-down: one system's backlog", f"{base}/tickets?figure=backlog&dimension=system&value=1"),
                      ("Chart: twelve-month volume (SVG)", f"{base}/charts/volume.svg"),
                      ("Export: CSV", f"{base}/export.csv"), ("Export: PDF", f"{base}/export.pdf")]
        for key, path in pages:
            def get(path=path, client=client):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            results[key] = timed(get, runs)
    with app.app_context():
        db.engine.dispose()
    return info, results


def markdown(sets) -> str:
    names = [name for name, _info, results in sets if results]
    rows = []
    for _name, _info, results in sets:
        rows += [key for key in results if key not in rows]
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = ["## Monthly SLA report", "",
             "`python -m benchmarks.monthly_report`: the last complete month; wall-clock median / p95 in "
             f"milliseconds (✗ marks a median above the {TARGET_MS} ms target), then in brackets the median CPU "
             "time of the measuring process, which includes SQLite's own work but not PostgreSQL's. "
             f"{os.cpu_count()} cores, load average {load} when printed.", ""]
    for name, info, _results in sets:
        lines.append(f"- {name}: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    if not names:
        return "\n".join(lines + ["", "No data set could be measured."]) + "\n"
    lines += ["", "| Measurement | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for key in rows:
        cells = []
        for _name, _info, results in sets:
            if not results:
                continue
            r = results.get(key)
            cells.append("–" if r is None else f"{r['median']:.0f} / {r['p95']:.0f}"
                         + (" ✗" if r["median"] > TARGET_MS else "") + f" ({r['cpu']:.0f})")
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", help="a database URL (repeatable); default: bench-data's sets")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--prepare", action="store_true", help="compute missing SLA facts first (slow)")
    args = parser.parse_args(argv)
    sets = []
    for name, url in candidates(args.url):
        problem = usable(url)
        if problem:
            sets.append((name, {"skipped": problem}, {}))
            continue
        info, results = measure(url, args.runs, args.prepare)
        sets.append((name, info, results))
    print(markdown(sets))


if __name__ == "__main__":
    main()
