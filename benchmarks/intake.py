"""Mail intake: throughput over the shared corpus, and the memory one 25 MB message costs.

    python -m benchmarks.intake [--rounds 3]      prints a Markdown section

run() returns the figures and the Markdown, for the `make bench` driver to include.
Throughput is ingest() on SQLite in one process, one transaction per message, as a
fetcher or the MTA pipe drives it: parse, deduplicate, classify, thread, keep the raw
mail and attachments, compose the outbox rows at commit. Sending is not included.
The memory figure comes from a child process that only loads the app and ingests the one
25 MB message (the parent builds its database), so nothing else is counted.
"""

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from email.message import EmailMessage
from pathlib import Path

TARGET_PER_SECOND = 300
BIG_MESSAGE_MB = 25


def _app(folder: Path, *, build: bool = True):
    """The app on a SQLite file under folder, with a frozen clock; build: migrate and seed it first."""
    from datetime import UTC, datetime

    from flask_migrate import upgrade

    from helpdesk import create_app
    from helpdesk.clock import FrozenClock
    from helpdesk.database import unit_of_work
    from helpdesk.demo.seed import seed_demo

    clock = FrozenClock(datetime(2026, 11, 18, 8, 0, tzinfo=UTC))
    app = create_app({"SECRET_KEY": "benchmark", "DATABASE_URL": f"sqlite:///{folder / 'intake.sqlite'}",
                      "ATTACHMENT_DIR": str(folder / "attachments"), "MAIL_STORE_DIR": str(folder / "mail"),
                      "MAIL_OUT_DIR": str(folder / "mail-out")}, clock=clock)
    if build:
        with app.app_context():
            upgrade()
            with unit_of_work():
                seed_demo(now=clock.now())
    return app, clock


def _ingest_all(app, clock, messages) -> tuple[list[float], dict]:
    import sqlalchemy as sa

    from helpdesk.database import unit_of_work
    from helpdesk.extensions import db
    from helpdesk.intake.models import Mailbox
    from helpdesk.intake.services import ingest

    seconds, outcomes = [], {}
    with app.app_context():
        box_id = db.session.scalar(sa.select(Mailbox.id).where(Mailbox.is_active).order_by(Mailbox.id))
        cpu = time.process_time()
        for raw in messages:
            started = time.perf_counter()
            with unit_of_work():
                result = ingest(raw, db.session.get(Mailbox, box_id), now=clock.now())
                outcome = result.inbound.outcome
            seconds.append(time.perf_counter() - started)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        outcomes["_cpu_seconds"] = time.process_time() - cpu
        db.engine.dispose()
    return seconds, outcomes


def measure_throughput(rounds: int = 1) -> dict:
    """Each round on a fresh database: the whole corpus once, timed per message."""
    import logging

    from tests.intake.corpus import corpus_files, raw_mail

    for name in ("helpdesk", "tnefparse"):  # the corpus holds deliberately broken mail
        logging.getLogger(name).setLevel(logging.CRITICAL)
    messages = [raw_mail(path) for path in corpus_files()]
    best = None
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="bench-intake-") as folder:
            app, clock = _app(Path(folder))
            _ingest_all(app, clock, [_warmup_mail(i) for i in range(20)])
            seconds, outcomes = _ingest_all(app, clock, messages)
        total, cpu = sum(seconds), outcomes.pop("_cpu_seconds")
        result = {"messages": len(messages), "megabytes": round(sum(map(len, messages)) / 1e6, 1),
                  "per_second": round(len(messages) / total, 1), "seconds": round(total, 2),
                  "per_cpu_second": round(len(messages) / cpu, 1), "load": _load(),
                  "median_ms": round(statistics.median(seconds) * 1000, 2),
                  "p95_ms": round(statistics.quantiles(seconds, n=20, method="inclusive")[18] * 1000, 2),
                  "max_ms": round(max(seconds) * 1000, 1), "outcomes": outcomes}
        if best is None or result["per_second"] > best["per_second"]:
            best = result
    return best


def _warmup_mail(i) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = f"warmup{i}@example.org", "servicedesk@exempelby.se", f"Uppvärmning {i}"
    msg["Message-ID"] = f"<warmup-{i}@example.org>"
    msg.set_content("Skrivaren på plan 2 skriver inte ut.")
    return bytes(msg)


def big_message(megabytes: int = BIG_MESSAGE_MB) -> bytes:
    """A mail of about `megabytes` MB: some text and one large (incompressible) attachment."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "anna@exempelby.se", "servicedesk@exempelby.se", "Stor loggfil"
    msg["Message-ID"] = "<big-25mb@exempelby.se>"
    msg.set_content("Loggen från servern bifogas.\n")
    size = int(megabytes * 1e6 * 3 / 4) - 2000  # base64 grows it by a third
    msg.add_attachment(random.Random(25).randbytes(size), maintype="application", subtype="octet-stream",
                       filename="server.log.gz")
    return bytes(msg)


def measure_memory(megabytes: int = BIG_MESSAGE_MB) -> dict:
    """Peak memory of ingesting one big message, in a fresh child process that only imports and ingests."""
    from helpdesk.extensions import db

    with tempfile.TemporaryDirectory(prefix="bench-intake-mem-") as folder:
        app, _clock = _app(Path(folder))
        with app.app_context():
            db.engine.dispose()
        path = Path(folder) / "big.eml"
        path.write_bytes(big_message(megabytes))
        done = subprocess.run([sys.executable, "-m", "benchmarks.intake", "--memory-child", folder, str(path)],
                              capture_output=True, text=True, check=True, cwd=Path(__file__).parents[1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _memory_child(folder: str, path: str) -> None:
    import logging

    app, clock = _app(Path(folder), build=False)
    logging.getLogger("helpdesk").setLevel(logging.CRITICAL)
    raw = Path(path).read_bytes()
    base_rss = _status_mb("VmRSS")
    _reset_peak_rss()
    tracemalloc.start()
    started = time.perf_counter()
    _seconds, outcomes = _ingest_all(app, clock, [raw])
    outcomes.pop("_cpu_seconds")
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"message_mb": round(len(raw) / 1e6, 1), "outcome": next(iter(outcomes)),
                      "seconds": round(elapsed, 2), "traced_peak_mb": round(peak / 1e6, 1),
                      "rss_before_mb": round(base_rss, 1), "rss_peak_mb": round(_status_mb("VmHWM"), 1)}))


def _reset_peak_rss() -> None:
    """Linux: start VmHWM (peak resident size) afresh from here."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _status_mb(field: str) -> float:
    """A /proc/self/status figure in MB (Linux); ru_maxrss elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load() -> str:
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def run(report=print, *, rounds: int = 1) -> dict:
    """Measure both, hand the Markdown section to report, and return the figures with it."""
    throughput = measure_throughput(rounds)
    memory = measure_memory()
    markdown = render(throughput, memory)
    report(markdown)
    return {"throughput": throughput, "memory": memory, "markdown": markdown}


def render(throughput: dict, memory: dict) -> str:
    ok = "" if throughput["per_second"] >= TARGET_PER_SECOND else " ✗"
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(throughput["outcomes"].items()))
    return "\n".join([
        "## Mail intake",
        "",
        f"The shared corpus ({throughput['messages']} messages, {throughput['megabytes']} MB: real-world fixtures "
        "of eight mail projects, many deliberately broken) through `ingest()` on SQLite, one process, one "
        "transaction per message: parse, deduplicate, classify, thread, keep raw mail and attachments, "
        "compose the outbox at commit. Outcomes: " + outcomes + ".",
        "",
        "| Measurement | Target | Result |",
        "|---|---|---|",
        f"| Throughput (wall clock; load average {throughput['load']} at the end) | ≥ {TARGET_PER_SECOND} "
        f"messages/s | {throughput['per_second']} messages/s{ok} |",
        f"| Throughput per CPU second of the process | | {throughput['per_cpu_second']} messages/s |",
        f"| Per message, median / p95 / max | | {throughput['median_ms']} / {throughput['p95_ms']} / "
        f"{throughput['max_ms']} ms |",
        f"| One {memory['message_mb']} MB message ({memory['outcome']}) | | {memory['seconds']} s |",
        f"| — peak traced Python memory (tracemalloc) | | {memory['traced_peak_mb']} MB |",
        f"| — peak RSS of the process (before: {memory['rss_before_mb']} MB) | | {memory['rss_peak_mb']} MB |",
        "",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intake", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="fresh-database rounds; the best is reported")
    parser.add_argument("--memory-child", nargs=2, metavar=("FOLDER", "EML"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        _memory_child(*args.memory_child)
        return 0
    run(rounds=args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
