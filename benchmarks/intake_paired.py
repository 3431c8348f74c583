"""Mail intake, before and after a change: the same phases run alternately from two source trees.

    git archive <commit> | tar -x -C /tmp/before && pybabel compile -d /tmp/before/helpdesk/translations -f
    python -m benchmarks.intake_paired --before /tmp/before [--rounds 2] [--count 300] [--batch 100]

Each phase (new, followup, mixed: as `benchmarks.intake --profile`) runs in a fresh child process on a
fresh seeded SQLite database, before and after one after the other, so both see about the same machine
load. Reported per phase: statements and ORM flushes per message (exact), messages per CPU second of the
child (its own CPU time: fairest on a shared machine) and the load average when it ended.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
PHASES = ("new", "followup", "mixed")


def _child(tree: str, phase: str, count: int, batch: int) -> dict:
    sys.path.insert(0, tree)  # before helpdesk is imported: this tree's code, not the installed one
    import logging
    import random
    import tempfile

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    import helpdesk
    from benchmarks import intake as bench

    assert Path(helpdesk.__file__).resolve().is_relative_to(Path(tree).resolve()), helpdesk.__file__
    logging.getLogger("helpdesk").setLevel(logging.CRITICAL)
    rng = random.Random(13)
    with tempfile.TemporaryDirectory(prefix="bench-intake-paired-") as folder:
        app, clock = bench._app(Path(folder))
        bench._ingest_all(app, clock, [bench._warmup_mail(i) for i in range(20)])
        originals = [bench.new_mail(rng, i) for i in range(count)]
        messages = [raw for raw, _ in originals]
        if phase != "new":
            bench._ingest_batches(app, clock, messages, 100)
            ours = bench._our_ids(app)
            messages = [bench.reply_mail(rng, i, o, ours.get(o["message_id"]) if i % 2 else None)
                        for i, (_raw, o) in enumerate(originals)]
            if phase == "mixed":
                messages = messages[:count * 4 // 10] + [bench.new_mail(rng, i, "m")[0] for i in range(count * 6 // 10)]
                rng.shuffle(messages)
        statements = bench._count_statements(app)
        flushes = [0]
        event.listen(Session, "after_flush", lambda *a: flushes.__setitem__(0, flushes[0] + 1))
        cpu = time.process_time()
        _seconds, outcomes = bench._ingest_batches(app, clock, messages, batch)
        cpu = time.process_time() - cpu
    n = len(messages)
    return {"phase": phase, "messages": n, "statements": round(statements[0] / n, 2),
            "flushes": round(flushes[0] / n, 2), "cpu_s": round(cpu, 3), "per_cpu_second": round(n / cpu, 1),
            "outcomes": outcomes, "load": open("/proc/loadavg").read().split()[0]}


def run_child(tree: Path, phase: str, count: int, batch: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "benchmarks.intake_paired", "--child", str(tree), phase,
                           "--count", str(count), "--batch", str(batch)],
                          capture_output=True, text=True, cwd=HERE)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intake_paired", description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="the source tree of the state before (git archive of a commit)")
    parser.add_argument("--after", default=str(HERE), help="the source tree after (default: this one)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--count", type=int, default=300, help="messages per phase")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--phases", default=",".join(PHASES))
    parser.add_argument("--child", nargs=2, metavar=("TREE", "PHASE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child[0], args.child[1], args.count, args.batch)))
        return 0
    if not args.before:
        parser.error("--before is required")
    print("| Round | Phase | Statements / message before → after | Flushes / message before → after | "
          "Messages per CPU s before → after | Load before / after |")
    print("|---|---|---|---|---|---|")
    for round_ in range(1, args.rounds + 1):
        for phase in args.phases.split(","):
            before = run_child(Path(args.before), phase, args.count, args.batch)
            after = run_child(Path(args.after), phase, args.count, args.batch)
            if before["outcomes"] != after["outcomes"]:
                print(f"<!-- outcomes differ: {before['outcomes']} / {after['outcomes']} -->")
            print(f"| {round_} | {phase} | {before['statements']} → {after['statements']} | "
                  f"{before['flushes']} → {after['flushes']} | {before['per_cpu_second']} → "
                  f"{after['per_cpu_second']} | {before['load']} / {after['load']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
