"""The ticket page's cost on a loaded machine: process CPU time and statements per request, and a profile.

    python -m benchmarks.ticket_profile [--size 1m] [--database sqlite] [--requests 50]
                                        [--only baseline,ticket,ticket_requester] [--profile 30]
                                        [--url sqlite:///copy.sqlite]

Each scenario of benchmarks/scenarios.py named in --only runs through the Flask test client (each
request in its own app context, as benchmarks.run does); for each request the CPU time of this
process (time.process_time: what the page cost, whatever else the machine is doing) and the number
of SQL statements are recorded, and the median and 95th percentile printed. --profile N then runs
the first of those scenarios under cProfile with a CPU clock and prints the N functions with the
most own time and the N with the most cumulative time. Wall-clock figures: `benchmarks.run`.
"""

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time

import sqlalchemy as sa

from helpdesk.extensions import db

from . import datasets
from .measure import load_average, login
from .scenarios import PASSWORD, bench_app, scenarios


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ticket_profile")
    parser.add_argument("--size", default="1m", choices=list(datasets.SIZES))
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", default="baseline,ticket,ticket_requester")
    parser.add_argument("--profile", type=int, default=0, help="print this many functions of a CPU profile")
    parser.add_argument("--url", default="", help="another database than the data set's (a copy, say)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    dataset = datasets.DataSet(args.database, args.size)
    app = bench_app(args.url or dataset.url)
    only = [k for k in args.only.split(",") if k]
    with app.app_context():
        found = {s.key: s for s in scenarios()}
        engine = db.engine
    plan = [found[k] for k in only]
    clients = {}
    for scenario in plan:
        clients.setdefault(scenario.user, login(app, scenario.user, PASSWORD))
    counted = [0]

    def count(*_args):
        counted[0] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    cpu = {s.key: [] for s in plan}
    statements = {s.key: [] for s in plan}
    load = load_average()
    for i in range(-args.warmup, args.requests):  # taking turns, as benchmarks.run does
        for scenario in plan:
            path = scenario.paths[i % len(scenario.paths)]
            counted[0] = 0
            started = time.process_time()
            response = clients[scenario.user].get(path)
            spent = time.process_time() - started
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            if i >= 0:
                cpu[scenario.key].append(spent * 1000)
                statements[scenario.key].append(counted[0])
    sa.event.remove(engine, "before_cursor_execute", count)
    print(f"{args.database} {args.size}, {args.requests} requests each, load {load:.1f} → {load_average():.1f}")
    for scenario in plan:
        times = cpu[scenario.key]
        p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
        print(f"  {scenario.label:<40} CPU {statistics.median(times):6.1f} ms median {p95:6.1f} ms p95, "
              f"statements {min(statements[scenario.key])}–{max(statements[scenario.key])}")
    if args.profile:
        scenario = plan[[s.key for s in plan].index("ticket")] if "ticket" in only else plan[0]
        client = clients[scenario.user]
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for i in range(args.requests):
            client.get(scenario.paths[i % len(scenario.paths)])
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.profile)
            print(f"\n== {scenario.key}, {args.requests} requests, by {order}\n{out.getvalue()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
