"""`make bench`: build or reuse the data sets, measure the pages, write BENCHMARKS.md.

    python -m benchmarks.run [--sizes 10k,100k,1m] [--databases sqlite,postgresql]
                             [--requests 50] [--rebuild] [--report-only]
"""

import argparse
import sys

from helpdesk.clock import SystemClock
from helpdesk.extensions import db

from . import datasets, machine, report
from .measure import load_average, login, summary, time_rounds, wait_for_quiet
from .scenarios import PASSWORD, bench_app, scenarios


def _list(value, allowed):
    items = [v.strip().lower() for v in value.split(",") if v.strip()]
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown: {', '.join(unknown)} (choose from {', '.join(allowed)})")
    return items


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda v: _list(v, datasets.SIZES), default=list(datasets.SIZES))
    parser.add_argument("--databases", type=lambda v: _list(v, report.DATABASES), default=list(report.DATABASES))
    parser.add_argument("--requests", type=int, default=50, help="measured requests per page (default 50)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data sets even if present")
    parser.add_argument("--only", default="", help="comma-separated measurement keys (default: all)")
    parser.add_argument("--report-only", action="store_true", help="just rewrite BENCHMARKS.md from stored results")
    parser.add_argument("--no-render", action="store_true",
                        help="measure and store, print the figures, leave BENCHMARKS.md as it is")
    parser.add_argument("--max-load", type=float, default=1.5,
                        help="wait for the 1-minute load average to fall to this before measuring (default 1.5)")
    parser.add_argument("--max-wait", type=float, default=1200, help="seconds to wait for that at most (default 1200)")
    return parser.parse_args(argv)


def log(text):
    print(text, flush=True)


def measure(dataset, args, today) -> None:
    """Run the scenarios on one data set, taking turns, and store the figures."""
    app = bench_app(dataset.url)
    only = {k for k in args.only.split(",") if k}
    with app.app_context():
        plan = [s for s in scenarios() if not only or s.key in only]
    # The requests run outside that app context, each in its own as in a server: inside one, every
    # request shared flask.g (the signed-in user of the first login, per-request caches) and one
    # database session (rows from earlier requests), so the requester's ticket page was drawn for
    # another signed-in user (an agent: the agent view).
    clients = {}
    for scenario in plan:
        if scenario.user not in clients:
            clients[scenario.user] = login(app, scenario.user, PASSWORD)
    load_before = wait_for_quiet(args.max_load, args.max_wait, log)
    times = time_rounds([(clients[s.user], s.paths) for s in plan], requests=args.requests, warmup=args.warmup)
    load = f"{load_before:.1f} → {load_average():.1f}"
    with app.app_context():
        db.engine.dispose()
    results = []
    for scenario, samples in zip(plan, times):
        result = {"key": scenario.key, "label": scenario.label, "target_ms": scenario.target_ms, **summary(samples)}
        results.append(result)
        log(f"  {scenario.label:<45} {result['median_ms']:8.1f} ms median {result['p95_ms']:8.1f} ms p95")
    if only:
        stored = report.load_results().get((dataset.database, dataset.size)) or {}
        merged = {r["key"]: r for r in stored.get("scenarios", [])}
        merged.update({r["key"]: r for r in results})
        results = list(merged.values())
    report.store(dataset, {"measured_on": today, "requests": args.requests, "load": load, "scenarios": results})


def main(argv=None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    today = SystemClock().now().date().isoformat()
    if not args.report_only:
        for database in args.databases:
            for size in args.sizes:
                dataset = datasets.DataSet(database, size)
                info = datasets.ensure(dataset, rebuild=args.rebuild, log=log)
                log(f"{database} {size}: {info['generate_output']}; measuring …")
                measure(dataset, args, today)
    if args.no_render:
        return 0
    text = report.render(machine.describe(datasets.DATA), today)
    (datasets.ROOT / "BENCHMARKS.md").write_text(text)
    log(f"wrote {datasets.ROOT / 'BENCHMARKS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
