"""Side by side with django-helpdesk 2.6.1, on SQLite, in one run, requests taking turns.

    python -m benchmarks.peer [--tickets 10000] [--rounds 50] [--messages 200]

The peer is installed from PyPI into bench-data/peer-venv (Django 5.2) and filled with the
same number of tickets, each with one follow-up; the desk uses the `make bench` data set of
that size (copied, so created tickets do not pile up in it). Each side runs in its own
process (both packages are called `helpdesk`) and times one operation per command through
its framework's test client; the driver asks the two in turn, alternating who goes first,
so load from elsewhere on the machine hits both alike. Mail intake takes the same messages
on both sides: the shared corpus when it is there, else generated Swedish mail.
The result is written to benchmarks/peer/results.md, which BENCHMARKS.md includes.
"""

import argparse
import base64
import json
import shutil
import statistics
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

from .. import datasets, machine
from ..measure import load_average

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench-data" / "peer"
VENV = ROOT / "bench-data" / "peer-venv"
RESULTS = Path(__file__).with_name("results.md")
PEER = ["django-helpdesk==2.6.1", "Django>=5.2,<5.3"]
SIZE_KEYS = {10_000: "10k", 100_000: "100k", 1_000_000: "1m"}
OPERATIONS = [
    ("queue", "Queue, first page (peer: list page + first 25 rows)"),
    ("search", "Search, one word"),
    ("ticket", "Ticket page (agent)"),
    ("create", "Create a ticket through the web form"),
    ("intake", "Mail intake, one new message"),
]
WORDS = ["skrivaren", "outlook", "profil", "nätverket"]


def log(text):
    print(text, flush=True)


def install_peer() -> str | None:
    """Create the peer's virtual environment; None when ready, else what went wrong."""
    python = VENV / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import helpdesk, django"],
                                          capture_output=True).returncode == 0:
        return None
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True, capture_output=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", *PEER], check=True, capture_output=True,
                       text=True)
    except subprocess.CalledProcessError as error:
        return (error.stderr or str(error)).strip().splitlines()[-1][:300]
    return None


class Worker:
    """One side: a child process answering one timed operation per JSON line."""

    def __init__(self, name, argv, cwd):
        self.name = name
        self.process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = self.process.stdout.readline()
        if not ready:
            raise RuntimeError(f"{name} did not start")
        self.info = json.loads(ready)

    def run(self, command: dict) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} stopped during {command['op']}")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def messages(count: int) -> list[bytes]:
    """The same raw mails for both sides: the corpus if present, else generated ones."""
    try:
        from tests.intake.corpus import corpus_files, raw_mail

        corpus = [raw_mail(p) for p in corpus_files()]
    except Exception:  # noqa: BLE001 - the corpus is optional here; generated mail stands in
        corpus = []
    if corpus:
        return corpus[:count]
    out = []
    for i in range(count):
        msg = EmailMessage()
        msg["From"] = f"person{i % 97}@exempelby.se"
        msg["To"] = "servicedesk@exempelby.se"
        msg["Subject"] = f"{WORDS[i % len(WORDS)].capitalize()} fungerar inte ({i})"
        msg["Message-ID"] = f"<peer-bench-{i}@exempelby.se>"
        msg.set_content("Hej!\n\nSedan i morse går det inte att skriva ut från min dator. "
                        "Jag har startat om den men felet kvarstår.\n\nMed vänliga hälsningar\nPerson")
        out.append(bytes(msg))
    return out


def commands(op: str, i: int, mails: list[bytes]) -> dict:
    if op == "search":
        return {"op": op, "word": WORDS[i % len(WORDS)]}
    if op == "create":
        return {"op": op, "subject": f"Skärmen flimrar ({i})",
                "body": "Skärmen på min arbetsplats flimrar sedan i morse."}
    if op == "intake":
        return {"op": op, "raw": base64.b64encode(mails[i % len(mails)]).decode()}
    return {"op": op}


def summary(samples):
    ms = sorted(samples)
    return {"median": statistics.median(ms), "p95": statistics.quantiles(ms, n=20, method="inclusive")[18],
            "n": len(ms)}


def render(results, meta) -> str:
    lines = ["## Side by side with django-helpdesk", "",
             f"Measured on {meta['date']} by `python -m benchmarks.peer --tickets {meta['tickets']} "
             f"--rounds {meta['rounds']}`: django-helpdesk {meta['peer']} (Django 5.2, SQLite, "
             f"{meta['tickets']:,} tickets each with one follow-up) and the desk (SQLite, the `make bench` "
             f"data set of {meta['tickets']:,} tickets) on the same machine in one run, each operation asked "
             "of both sides in turn. Server time through each framework's test client, median / p95 in ms; "
             f"load average {meta['load']}. Mail intake: {meta['mail_source']}, each message once per side "
             "(the peer's `extract_email_metadata`, the desk's whole `ingest()` with its commit).", ""]
    if meta.get("peer_error"):
        return "\n".join(lines + [f"**The peer did not install:** {meta['peer_error']}", ""])
    lines += ["| Operation | Helpdesk | django-helpdesk | Ratio (peer ÷ desk, medians) |", "|---|---|---|---|"]
    for op, label in OPERATIONS:
        desk, peer = results[op]["desk"], results[op]["peer"]
        errors = results[op]["peer_errors"]
        note = f" ({errors} of {peer['n'] + errors} messages failed in the peer)" if errors else ""
        lines.append(f"| {label} | {desk['median']:.1f} / {desk['p95']:.1f} | {peer['median']:.1f} / "
                     f"{peer['p95']:.1f}{note} | {peer['median'] / desk['median']:.1f}× |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peer", description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, choices=sorted(SIZE_KEYS), default=10_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    from helpdesk.clock import SystemClock

    meta = {"date": SystemClock().now().date().isoformat(), "tickets": args.tickets, "rounds": args.rounds,
            "peer": "2.6.1"}
    DATA.mkdir(parents=True, exist_ok=True)
    log("installing django-helpdesk into bench-data/peer-venv …")
    meta["peer_error"] = install_peer()
    if meta["peer_error"]:
        meta["load"] = f"{load_average():.1f}"
        RESULTS.write_text(render({}, {**meta, "mail_source": "-"}))
        log(f"peer failed to install: {meta['peer_error']}")
        return 1
    dataset = datasets.DataSet("sqlite", SIZE_KEYS[args.tickets])
    datasets.ensure(dataset, log=log)
    desk_db = DATA / "desk.sqlite"
    shutil.copyfile(dataset.url.removeprefix("sqlite:///"), desk_db)
    mails = messages(args.messages)
    meta["mail_source"] = (f"{len(mails)} messages of the shared corpus" if b"peer-bench-" not in mails[0]
                           else f"{len(mails)} generated Swedish messages")
    log("starting both sides (the peer builds its database the first time) …")
    desk = Worker("helpdesk", [sys.executable, "-m", "benchmarks.peer.desk_worker", f"sqlite:///{desk_db}"], ROOT)
    peer = Worker("django-helpdesk", [VENV / "bin" / "python", Path(__file__).with_name("django_worker.py"),
                                      DATA / "django", str(args.tickets)], DATA)
    load_before = load_average()
    samples = {op: {"desk": [], "peer": [], "peer_errors": 0, "desk_errors": 0} for op, _ in OPERATIONS}
    try:
        for op, _label in OPERATIONS:
            count = len(mails) if op == "intake" else args.rounds
            for i in range(-3 if op != "intake" else 0, count):  # three warm-up turns
                command = commands(op, i, mails)
                sides = [("desk", desk), ("peer", peer)] if i % 2 == 0 else [("peer", peer), ("desk", desk)]
                for side, worker in sides:
                    answer = worker.run(command)
                    if answer.get("error"):
                        samples[op][f"{side}_errors"] += 1
                    elif i >= 0:
                        samples[op][side].append(answer["ms"])
            log(f"  {op}: done")
    finally:
        desk.close()
        peer.close()
    meta["load"] = f"{load_before:.1f} → {load_average():.1f}"
    results = {op: {"desk": summary(s["desk"]), "peer": summary(s["peer"]), "peer_errors": s["peer_errors"],
                    "desk_errors": s["desk_errors"]} for op, s in samples.items()}
    RESULTS.write_text(render(results, meta))
    (DATA / "results.json").write_text(json.dumps({"meta": meta, "results": results,
                                                   "machine": machine.describe(ROOT)}, indent=1))
    log(RESULTS.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
