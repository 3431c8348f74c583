"""Writing BENCHMARKS.md from the stored results of every data set measured so far."""

import json
from pathlib import Path

from .datasets import DATA, SIZES, DataSet

DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
RESULTS = DATA / "results"
NOTES = Path(__file__).with_name("NOTES.md")
PEER = Path(__file__).parent / "peer" / "results.md"
REGION = Path(__file__).with_name("region-results.md")


def store(dataset: DataSet, record: dict) -> None:
    """Keep one data set's measurements for this and later reports."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{dataset.database}_{dataset.size}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False))


def load_results() -> dict:
    found = {}
    for path in sorted(RESULTS.glob("*.json")) if RESULTS.exists() else ():
        database, size = path.stem.split("_", 1)
        found[database, size] = json.loads(path.read_text())
    return found


def _size(size) -> str:
    return "1M" if size == "1m" else size.upper()


def _megabytes(n) -> str:
    return f"{n / 1024 / 1024:,.0f} MB" if n else "–"


def _missed(result) -> bool:
    return result["target_ms"] is not None and result["median_ms"] > result["target_ms"]


def _cell(result) -> str:
    mark = " ✗" if _missed(result) else ""
    return f"{result['median_ms']:.1f} / {result['p95_ms']:.1f}{mark}"


def _results_table(results, sizes, rows) -> list[str]:
    head = ["Measurement", "Target (median)"] + [_size(s) for s in sizes]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, label, target in rows:
        cells = []
        for size in sizes:
            result = results.get(size, {}).get(key)
            cells.append(_cell(result) if result else "–")
        lines.append(f"| {label} | {f'≤ {target} ms' if target else '–'} | " + " | ".join(cells) + " |")
    return lines


def render(machine: dict, today: str) -> str:
    """The whole BENCHMARKS.md."""
    stored = load_results()
    out = ["# Benchmarks", "",
           f"Written by `make bench` (`benchmarks/run.py`) on {today}; do not edit by hand — the "
           "commentary lives in `benchmarks/NOTES.md` and is copied in at the end.", "",
           "## Machine", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in machine.items()]
    out += ["", "## Method", "",
            "Each data set is the demo organisation (`helpdesk seed-demo`) plus `helpdesk generate --tickets N`: "
            "synthetic employees and tickets over three years, about three messages and ten history events "
            "per ticket, 4–5 % still open. Every measurement is a GET through the real Flask app "
            "(`app.test_client()`, signed in as that user), timed with `time.perf_counter()` around the "
            "request: routing, permission checks, queries, template rendering — the server's whole work, "
            "without network. A few warm-up requests, then the stated number of measured ones; cells show "
            "**median / p95 in milliseconds**, ✗ marks a median above its target.", "",
            "## Data sets", "",
            "| Database | Size | `helpdesk generate` | Whole build | On disk | Load average | Output |",
            "|---|---|---|---|---|---|---|"]
    for database, title in DATABASES.items():
        for size in SIZES:
            info = DataSet(database, size).info()
            if info:
                out.append(f"| {title} | {_size(size)} | {info['generate_seconds']:,.0f} s "
                           f"| {info['build_seconds']:,.0f} s | {_megabytes(info.get('bytes'))} "
                           f"| {info.get('load', '?')} | {info['generate_output']} |")
    for database, title in DATABASES.items():
        results = {size: {r["key"]: r for r in record["scenarios"]}
                   for (name, size), record in stored.items() if name == database}
        if not results:
            continue
        sizes = [s for s in SIZES if s in results]
        rows, seen = [], set()
        for size in sizes:
            for r in stored[database, size]["scenarios"]:
                if r["key"] not in seen:
                    seen.add(r["key"])
                    rows.append((r["key"], r["label"], r["target_ms"]))
        runs = [f"{_size(s)} on {stored[database, s]['measured_on']}, {stored[database, s]['requests']} requests "
                f"each, load average {stored[database, s].get('load', '?')}" for s in sizes]
        out += ["", f"## {title}", "", "Measured " + "; ".join(runs) + ".", ""] + _results_table(results, sizes, rows)
    out += ["", "## Targets at 1M tickets", "",
            "From the specification: the queue and the ticket page at most 20 ms median, text search at "
            "most 100 ms median (the portal's *my tickets* page is held to the page target too).", ""]
    out += _verdicts(stored)
    for written in (PEER, REGION):  # by `python -m benchmarks.peer` and `python -m benchmarks.region`
        if written.exists():
            out += ["", written.read_text().strip()]
    if NOTES.exists():
        out += ["", NOTES.read_text().strip()]
    return "\n".join(out) + "\n"


def _verdicts(stored) -> list[str]:
    lines = []
    for database, title in DATABASES.items():
        record = stored.get((database, "1m"))
        if not record:
            lines.append(f"- {title}: not measured at 1M yet.")
            continue
        missed = [f"{r['label']} ({r['median_ms']:.1f} ms)" for r in record["scenarios"] if _missed(r)]
        lines.append(f"- {title}: " + ("all targets met." if not missed else "missed — " + "; ".join(missed) + "."))
    return lines
