"""Mail intake: throughput over the shared corpus and a realistic mix, and the memory one 25 MB message costs.

    python -m benchmarks.intake [--rounds 3] [--mix 1000] [--batch 100]      prints a Markdown section
    python -m benchmarks.intake --profile new|followup|mixed [--batch 100]     cProfile of the mix

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
MIX_TARGET = 500
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


def measure_throughput(rounds: int = 1, batch: int = 1) -> dict:
    """Each round on a fresh database: the whole corpus once, timed per message (batch > 1: per batch)."""
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
            if batch > 1:
                cpu = time.process_time()
                seconds, outcomes = _ingest_batches(app, clock, messages, batch)
                outcomes["_cpu_seconds"] = time.process_time() - cpu
                seconds = [s / batch for s in seconds for _ in range(batch)][:len(messages)]
            else:
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


SUBJECTS = [
    ("Skrivaren på plan {n} skriver inte ut", "Skrivaren i korridoren skriver inte ut sedan i morse. Den visar fel 49."),
    ("Kommer inte åt Outlook", "Outlook frågar efter lösenord hela tiden och kalendern synkar inte med mobilen."),
    ("Nytt konto till nyanställd {n}", "Vi har en nyanställd som börjar på måndag och behöver konto och dator."),
    ("VPN fungerar inte hemifrån", "Jag kommer inte in på VPN när jag jobbar hemifrån, det står att certifikatet saknas."),
    ("Procapita långsamt", "Verksamhetssystemet är mycket långsamt i eftermiddag, det tar en minut att öppna en akt."),
    ("Lönespecifikation saknas", "Min lönespecifikation för november syns inte i självservice."),
    ("Trasig skärm", "Bildskärmen på min arbetsplats flimrar och blir svart ibland."),
    ("Wifi i skolan", "Eleverna i klass {n}B kommer inte ut på internet via wifi i matsalen."),
]
SIGNATURE = "\n\nMed vänliga hälsningar\n{name}\nExempelby kommun\nTelefon 0123-45 67 {n:02d}\n"
DEMO_SENDERS = ["anna", "fatima", "goran", "helena", "karin", "olle"]


def _sender(rng, i) -> tuple[str, str]:
    """Mostly employees (each a contact after the first mail), some known users, some outsiders."""
    roll = rng.random()
    if roll < 0.2:
        name = rng.choice(DEMO_SENDERS)
        return f"{name}@exempelby.se", name.title()
    if roll < 0.9:
        n = rng.randrange(400)
        return f"anstalld{n}@exempelby.se", f"Anställd {n}"
    n = rng.randrange(100)
    return f"kund{n}@example.org", f"Kund {n}"


def _compose(sender, name, subject, text, message_id, *, rng, headers=(), html=False, attach=False) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = f"{name} <{sender}>", "servicedesk@exempelby.se", subject
    msg["Date"], msg["Message-ID"] = "Wed, 18 Nov 2026 08:00:00 +0100", f"<{message_id}>"
    for key, value in headers:
        msg[key] = value
    msg.set_content(text)
    if html:
        paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
        msg.add_alternative(f"<html><body><div style=\"font-family:Calibri\">{paragraphs}</div></body></html>",
                            subtype="html")
    if attach:
        msg.add_attachment(rng.randbytes(20_000), maintype="application", subtype="pdf", filename="skärmbild.pdf")
    return bytes(msg)


def new_mail(rng, i, tag="") -> tuple[bytes, dict]:
    """One mail that should open a ticket: (raw, what a reply to it needs)."""
    sender, name = _sender(rng, i)
    subject, body = rng.choice(SUBJECTS)
    subject, body = subject.format(n=i % 9 + 1), body.format(n=i % 9 + 1) + SIGNATURE.format(name=name, n=i % 100)
    message_id = f"mix{tag}-{i}@exempelby.se"
    raw = _compose(sender, name, subject, body, message_id, rng=rng, html=rng.random() < 0.3,
                   attach=rng.random() < 0.05)
    return raw, {"sender": sender, "name": name, "subject": subject, "body": body, "message_id": message_id}


def reply_mail(rng, i, original: dict, our_id: str | None, tag="") -> bytes:
    """The requester answers: to our acknowledgement when there is one, else to their own first mail."""
    parent = our_id or original["message_id"]
    quoted = "\n".join("> " + line for line in original["body"].splitlines())
    text = rng.choice(["Det fungerar fortfarande inte, jag har startat om datorn.",
                       "Tack, nu fungerar det!", "Här kommer mer information: felet kommer varje morgon."])
    return _compose(original["sender"], original["name"], "SV: " + original["subject"],
                    f"{text}{SIGNATURE.format(name=original['name'], n=i % 100)}\nDen 18 nov. 2026 skrev du:\n{quoted}",
                    f"mix{tag}-re-{i}@exempelby.se", rng=rng, html=rng.random() < 0.3,
                    headers=[("In-Reply-To", f"<{parent}>"), ("References", f"<{original['message_id']}> <{parent}>")])


def _our_ids(app) -> dict[str, str]:
    """The acknowledgement's Message-ID per received Message-ID (what a requester's reply names)."""
    import sqlalchemy as sa

    from helpdesk.extensions import db
    from helpdesk.intake.models import InboundMessage
    from helpdesk.notifications.models import OutboundMessage

    with app.app_context():
        rows = db.session.execute(
            sa.select(InboundMessage.message_id, OutboundMessage.message_id)
            .join(OutboundMessage, OutboundMessage.ticket_id == InboundMessage.ticket_id)
            .where(OutboundMessage.kind == "acknowledgement", InboundMessage.outcome == "created")).all()
        db.session.remove()
    return dict(rows)


def _count_statements(app) -> list:
    """A one-item list counting every statement sent to the database from now on."""
    from sqlalchemy import event

    from helpdesk.extensions import db

    counter = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: counter.__setitem__(0, counter[0] + 1))
    return counter


def _ingest_batches(app, clock, messages, batch: int) -> tuple[list[float], dict]:
    """As a fetcher drives it (helpdesk.intake.batch): batches of `batch` messages, one transaction each."""
    import sqlalchemy as sa

    from helpdesk.extensions import db
    from helpdesk.intake.batch import ingest_batch
    from helpdesk.intake.models import Mailbox

    seconds, outcomes = [], {}
    with app.app_context():
        box_id = db.session.scalar(sa.select(Mailbox.id).where(Mailbox.is_active).order_by(Mailbox.id))
        db.session.commit()
        for start in range(0, len(messages), batch):
            chunk = list(enumerate(messages[start:start + batch]))
            started = time.perf_counter()
            results = ingest_batch(chunk, box_id, now=clock.now(), acknowledge=lambda handle: None)
            seconds.append(time.perf_counter() - started)
            for result in results:
                outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
        db.engine.dispose()
    return seconds, outcomes


def measure_mix(count: int = 1000, batch: int = 100, seed: int = 13) -> dict:
    """New tickets, then follow-ups to them, then a 60/40 mix; one transaction per message and batched."""
    import logging

    logging.getLogger("helpdesk").setLevel(logging.CRITICAL)
    figures = {}
    for mode in ("single", "batch"):
        rng = random.Random(seed)
        with tempfile.TemporaryDirectory(prefix="bench-intake-mix-") as folder:
            app, clock = _app(Path(folder))
            _ingest_all(app, clock, [_warmup_mail(i) for i in range(20)])
            counter = _count_statements(app)
            originals = [new_mail(rng, i) for i in range(count)]
            mixed_new = [new_mail(rng, i, tag="m") for i in range(int(count * 0.6))]
            phases = {"new": [raw for raw, _ in originals]}
            for phase in ("new", "followup", "mixed"):
                if phase == "followup":
                    ours = _our_ids(app)
                    phases["followup"] = [reply_mail(rng, i, o, ours.get(o["message_id"]) if i % 2 else None)
                                          for i, (_raw, o) in enumerate(originals)]
                elif phase == "mixed":
                    replies = [reply_mail(rng, i, o, None, tag="m") for i, (_raw, o) in
                               enumerate(rng.sample(originals, count - len(mixed_new)))]
                    phases["mixed"] = [raw for raw, _ in mixed_new] + replies
                    rng.shuffle(phases["mixed"])
                messages = phases[phase]
                statements_before, load_before = counter[0], _load()
                cpu = time.process_time()
                if mode == "single":
                    seconds, outcomes = _ingest_all(app, clock, messages)
                    outcomes.pop("_cpu_seconds")
                else:
                    seconds, outcomes = _ingest_batches(app, clock, messages, batch)
                cpu = time.process_time() - cpu
                per = [s / (batch if mode == "batch" else 1) for s in seconds]
                figures[(mode, phase)] = {
                    "messages": len(messages), "per_second": round(len(messages) / sum(seconds), 1),
                    "per_cpu_second": round(len(messages) / cpu, 1),
                    "median_ms": round(statistics.median(per) * 1000, 2),
                    "p95_ms": round(statistics.quantiles(per, n=20, method="inclusive")[18] * 1000, 2),
                    "statements": round((counter[0] - statements_before) / len(messages), 1),
                    "load": f"{load_before} → {_load()}", "outcomes": outcomes}
    return figures


def render_mix(figures: dict, batch: int) -> str:
    lines = ["### Realistic mix", "",
             "Synthetic mail on SQLite (seeded demo desk, fresh database per mode): new tickets from employees "
             "(70 % first-time contacts, 20 % known users, 10 % outsiders; 30 % with an HTML part, 5 % with a "
             "20 kB attachment), then the requesters' replies (half to our acknowledgement, half to their own "
             "first mail), then a 60/40 mix. *single*: one transaction per message (the MTA pipe, LMTP); "
             f"*batch*: {batch} messages per transaction, acknowledged after the commit (fetchers, folder, "
             "mbox). Per message: a batch's time divided by its size in batch mode.", "",
             f"| Mode | Phase | Messages | Messages/s (target ≥ {MIX_TARGET}) | per CPU second | "
             "median / p95 ms per message | statements per message | load average | outcomes |",
             "|---|---|---|---|---|---|---|---|---|"]
    for (mode, phase), f in figures.items():
        ok = "" if f["per_second"] >= MIX_TARGET else " ✗"
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(f["outcomes"].items()))
        lines.append(f"| {mode} | {phase} | {f['messages']} | {f['per_second']}{ok} | {f['per_cpu_second']} | "
                     f"{f['median_ms']} / {f['p95_ms']} | {f['statements']} | {f['load']} | {outcomes} |")
    return "\n".join(lines + [""])


def profile_mix(phase: str, count: int, batch: int, top: int = 45) -> None:
    """cProfile of one phase of the mix (batched when batch > 1), sorted by cumulative time."""
    import cProfile
    import io
    import logging
    import pstats

    logging.getLogger("helpdesk").setLevel(logging.CRITICAL)
    rng = random.Random(13)
    with tempfile.TemporaryDirectory(prefix="bench-intake-prof-") as folder:
        app, clock = _app(Path(folder))
        _ingest_all(app, clock, [_warmup_mail(i) for i in range(20)])
        originals = [new_mail(rng, i) for i in range(count)]
        messages = [raw for raw, _ in originals]
        if phase != "new":
            _ingest_batches(app, clock, messages, 100)
            ours = _our_ids(app)
            messages = [reply_mail(rng, i, o, ours.get(o["message_id"]) if i % 2 else None)
                        for i, (_raw, o) in enumerate(originals)]
            if phase == "mixed":
                messages = messages[:count * 4 // 10] + [new_mail(rng, i, "m")[0] for i in range(count * 6 // 10)]
                rng.shuffle(messages)
        counter = _count_statements(app)
        profiler = cProfile.Profile()
        profiler.enable()
        if batch > 1:
            _ingest_batches(app, clock, messages, batch)
        else:
            _ingest_all(app, clock, messages)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
        print(f"{phase}: {counter[0] / len(messages):.1f} statements per message")
        print(out.getvalue())


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


def run(report=print, *, rounds: int = 1, mix: int = 1000, batch: int = 100) -> dict:
    """Measure all, hand the Markdown section to report, and return the figures with it."""
    throughput = measure_throughput(rounds)
    batched = measure_throughput(rounds, batch=batch)
    memory = measure_memory()
    figures = measure_mix(mix, batch) if mix else {}
    markdown = render(throughput, memory, batched, batch) + ("\n" + render_mix(figures, batch) if figures else "")
    report(markdown)
    return {"throughput": throughput, "batched": batched, "memory": memory,
            "mix": {f"{mode} {phase}": f for (mode, phase), f in figures.items()}, "markdown": markdown}


def render(throughput: dict, memory: dict, batched: dict | None = None, batch: int = 100) -> str:
    ok = "" if throughput["per_second"] >= TARGET_PER_SECOND else " ✗"
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(throughput["outcomes"].items()))
    batch_rows = [] if batched is None else [
        f"| The same, {batch} messages per transaction (fetchers; load average {batched['load']}) | "
        f"≥ {TARGET_PER_SECOND} messages/s | {batched['per_second']} messages/s"
        f"{'' if batched['per_second'] >= TARGET_PER_SECOND else ' ✗'} |",
        f"| — per CPU second; per message median / p95 (a batch's time ÷ its size) | | "
        f"{batched['per_cpu_second']} messages/s; {batched['median_ms']} / {batched['p95_ms']} ms |"]
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
        *batch_rows,
        f"| One {memory['message_mb']} MB message ({memory['outcome']}) | | {memory['seconds']} s |",
        f"| — peak traced Python memory (tracemalloc) | | {memory['traced_peak_mb']} MB |",
        f"| — peak RSS of the process (before: {memory['rss_before_mb']} MB) | | {memory['rss_peak_mb']} MB |",
        "",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intake", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="fresh-database rounds; the best is reported")
    parser.add_argument("--mix", type=int, default=1000, help="messages per phase of the synthetic mix (0: none)")
    parser.add_argument("--batch", type=int, default=100, help="messages per transaction in the batched runs")
    parser.add_argument("--profile", choices=("new", "followup", "mixed"), help="print a cProfile of one phase")
    parser.add_argument("--memory-child", nargs=2, metavar=("FOLDER", "EML"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        _memory_child(*args.memory_child)
        return 0
    if args.profile:
        profile_mix(args.profile, args.mix or 300, args.batch)
        return 0
    run(rounds=args.rounds, mix=args.mix, batch=args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
