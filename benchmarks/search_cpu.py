"""The queue's search pages on a shared machine: process CPU time, wall time and statements per request.

    python -m benchmarks.search_cpu [--size 1m] [--only search,search_all] [--requests 30] [--url URL]
                                    [--profile 5]

On SQLite the database works inside the measuring process, so the CPU time one request costs
that process is the page's own cost, whatever else the machine is doing (wall time under load
is mostly waiting for a core). The scenarios take turns request by request, as in
benchmarks.run, each request in its own app context. Prints one Markdown table.
"""

import argparse
import statistics
import time

from sqlalchemy import event

from . import datasets
from .measure import load_average, login
from .scenarios import PASSWORD, bench_app, scenarios

SEARCHES = "search,search_all,search_two,search_rare,search_rare_open"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search_cpu", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1m", choices=list(datasets.SIZES))
    parser.add_argument("--only", default=SEARCHES, help=f"comma-separated scenario keys (default {SEARCHES})")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--url", default="", help="another SQLite database than the data set's (a copy, say)")
    parser.add_argument("--profile", type=int, default=0,
                        help="instead: run each scenario this many times under cProfile (CPU clock) and print "
                             "where the time goes")
    args = parser.parse_args(argv)
    url = args.url or datasets.DataSet("sqlite", args.size).url
    app = bench_app(url)
    keys = [k for k in args.only.split(",") if k]
    with app.app_context():
        from helpdesk.extensions import db

        plan = sorted((s for s in scenarios() if s.key in keys), key=lambda s: keys.index(s.key))
        engine = db.engine
    statements = [0]
    event.listen(engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    clients = {s.user: None for s in plan}
    clients = {user: login(app, user, PASSWORD) for user in clients}
    if args.profile:
        return _profile(plan, clients, args.profile, args.warmup)
    samples = {s.key: {"cpu": [], "wall": [], "statements": []} for s in plan}
    load_before = load_average()
    for n in range(args.warmup + args.requests):
        for s in plan:
            path = s.paths[n % len(s.paths)]
            count, cpu, wall = statements[0], time.process_time(), time.perf_counter()
            response = clients[s.user].get(path)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            if n >= args.warmup:
                samples[s.key]["cpu"].append(cpu * 1000)
                samples[s.key]["wall"].append(wall * 1000)
                samples[s.key]["statements"].append(statements[0] - count)
    print(f"\n{args.requests} requests each after {args.warmup} warm-up rounds; load average "
          f"{load_before:.1f} → {load_average():.1f}; {url}\n")
    print("| Scenario | CPU median / p95 (ms) | Wall median / p95 (ms) | Statements |")
    print("|---|---|---|---|")
    for s in plan:
        got = samples[s.key]
        print(f"| {s.label} (`{s.key}`) | {_mp(got['cpu'])} | {_mp(got['wall'])} | "
              f"{statistics.median(got['statements']):.0f} |")


def _profile(plan, clients, runs, warmup):
    """Per scenario: CPU per request under the profiler, SQLite's execute, template rendering, top functions."""
    import cProfile
    import pstats

    for s in plan:
        for n in range(warmup):
            clients[s.user].get(s.paths[n % len(s.paths)])
        profiler = cProfile.Profile(time.process_time)
        start = time.process_time()
        profiler.enable()
        for n in range(runs):
            clients[s.user].get(s.paths[n % len(s.paths)])
        profiler.disable()
        total = (time.process_time() - start) * 1000 / runs
        found = pstats.Stats(profiler).stats
        sql = sum(v[2] for k, v in found.items() if k[0] == "~" and "sqlite3.Cursor" in k[2]) * 1000 / runs
        render = sum(v[3] for k, v in found.items() if k[2] == "render_template" and "flask" in k[0]) * 1000 / runs
        print(f"\n## {s.label} (`{s.key}`): {total:.1f} ms CPU per request under the profiler "
              f"(load {load_average():.1f})\n")
        print(f"- SQLite (own time of sqlite3.Cursor methods): {sql:.1f} ms")
        print(f"- template rendering (`render_template`, cumulative): {render:.1f} ms")
        print("\nTop functions by own time (ms per request):\n")
        for (filename, line, name), v in sorted(found.items(), key=lambda kv: kv[1][2], reverse=True)[:12]:
            print(f"    {v[2] * 1000 / runs:7.2f}  {name}  ({filename.rsplit('/', 1)[-1]}:{line})")


def _mp(values) -> str:
    p95 = statistics.quantiles(values, n=20, method="inclusive")[18]
    return f"{statistics.median(values):.1f} / {p95:.1f}"


if __name__ == "__main__":
    main()
