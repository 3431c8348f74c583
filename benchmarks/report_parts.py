"""Where the monthly report's time goes, part by part, in CPU time:
`python -m benchmarks.report_parts --url URL [--runs 5] [--reader admin] [--month 2026-11] [--pdf]`.

Wraps the parts `monthly_report()` calls (those of them the tree has) with a CPU-time counter,
builds the report --runs times as the reader would (after one warm-up) and prints each part's
median CPU milliseconds, the whole report's (and its wall time, which on PostgreSQL is the
only one that includes the server's work), and with --pdf the PDF drawn from the figures.
CPU time of this process includes SQLite's own work (not PostgreSQL's); the machine's load
barely changes it, so before and after can be compared on a busy machine.
"""

import argparse
import functools
import importlib
import os
import statistics
import time
from collections import defaultdict
from datetime import UTC, datetime

import sqlalchemy as sa

PARTS = (
    "helpdesk.reports.queries:cube_counts", "helpdesk.reports.queries:rank_values",
    "helpdesk.reports.report:trend", "helpdesk.reports.queries:trend_counts",
    "helpdesk.reports.report:arrivals", "helpdesk.reports.queries:breach_reasons",
    "helpdesk.reports.queries:satisfaction", "helpdesk.reports.followup:build",
    "helpdesk.outages.report:month_section", "helpdesk.security.queries:month_summary",
    "helpdesk.reports.report:dimension_names",
)


def instrument(spent):
    for name in PARTS:
        module_name, function_name = name.split(":")
        module = importlib.import_module(module_name)
        original = getattr(module, function_name, None)
        if original is None:
            continue

        def wrapper(*args, _original=original, _name=function_name, **kwargs):
            started = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] += time.process_time() - started

        setattr(module, function_name, functools.wraps(original)(wrapper))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reader", default="admin")
    parser.add_argument("--month", help="YYYY-MM; default the last complete month")
    parser.add_argument("--pdf", action="store_true", help="also draw the PDF from each report")
    args = parser.parse_args(argv)

    from helpdesk import create_app
    from helpdesk.auth.models import User
    from helpdesk.extensions import db
    from helpdesk.reports import exports
    from helpdesk.reports.months import Month
    from helpdesk.reports.queries import report_scope

    spent = defaultdict(float)
    instrument(spent)
    from helpdesk.reports import report as report_module  # after instrument: its calls go through the wrappers

    app = create_app({"SECRET_KEY": "parts", "DATABASE_URL": args.url, "TESTING": True, "SERVER_NAME": None})
    now = datetime.now(UTC)
    month = Month(*map(int, args.month.split("-"))) if args.month else Month.of(now).shift(-1)
    samples = defaultdict(list)
    load = [os.getloadavg()[0]]
    with app.app_context(), app.test_request_context():
        for run in range(args.runs + 1):
            db.session.remove()
            user = db.session.scalar(sa.select(User).where(User.username == args.reader))
            spent.clear()
            started, wall_started = time.process_time(), time.perf_counter()
            report = report_module.monthly_report(report_scope(user), month, now=now)
            whole, wall = time.process_time() - started, time.perf_counter() - wall_started
            if args.pdf:
                started = time.process_time()
                exports.render(report, "pdf", scope_text="", everything=True)
                samples["(PDF drawn from the figures)"].append(time.process_time() - started)
            if run == 0:
                continue  # warm-up
            samples["monthly_report() in all"].append(whole)
            samples["monthly_report() in all, wall (the database's work too)"].append(wall)
            for name, seconds in spent.items():
                samples[name].append(seconds)
            samples["(rest)"].append(whole - sum(v for k, v in spent.items() if k != "trend_counts"))
    load.append(os.getloadavg()[0])
    print(f"{args.reader}, {month.key}, {args.runs} runs, load {load[0]:.1f} → {load[1]:.1f}; median CPU ms")
    for name, values in samples.items():
        print(f"| {name} | {statistics.median(values) * 1000:.0f} |")


if __name__ == "__main__":
    main()
