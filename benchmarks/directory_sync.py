"""Directory sync of a large kommun: N users from a real slapd (paged search, 1,000 a page) into SQLite.

    python -m benchmarks.directory_sync [--users 20000] [--rounds 3]     prints a Markdown section

Starts the tests' slapd (tests/directory/slapd.py) on a free loopback port, loads N generated
employees with one ldapadd, and times three kinds of run of `sync_directory`, each the whole
job (read every entry, apply in one transaction, write the run record):
the first sync (creates N users), a sync with nothing to change, and a sync after 1 % of the
entries were disabled (deactivations, with their sessions ended, under the 5 % guard).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

DEPARTMENTS = ["Socialförvaltningen", "Barn- och utbildningsförvaltningen", "Kommunledningskontoret",
               "Tekniska förvaltningen", "Miljö- och byggförvaltningen", "Kultur- och fritidsförvaltningen"]


def ldif(count: int) -> str:
    from tests.directory.slapd import GROUPS, PEOPLE

    parts = []
    for n in range(count):
        uid = f"anst{n:06d}"
        parts.append(f"dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: Anställd {n}\nsn: {n}\n"
                     f"displayName: Anställd Nummer {n}\nmail: {uid}@exempelby.se\n"
                     f"departmentNumber: {DEPARTMENTS[n % len(DEPARTMENTS)]}\nuserPassword: x{n}\n")
    members = "".join(f"member: uid=anst{n:06d},{PEOPLE}\n" for n in range(0, count, 50))
    parts.append(f"dn: cn=Bench-agenter,{GROUPS}\nobjectClass: groupOfNames\ncn: Bench-agenter\n{members}")
    return "\n".join(parts)


def _app(folder: Path, slapd):
    from datetime import UTC, datetime

    from flask_migrate import upgrade

    from helpdesk import create_app
    from helpdesk.clock import FrozenClock
    from helpdesk.database import unit_of_work
    from helpdesk.demo.seed import seed_demo

    clock = FrozenClock(datetime(2026, 11, 18, 8, 0, tzinfo=UTC))
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}",
                      "ATTACHMENT_DIR": str(folder / "att"), "MAIL_STORE_DIR": str(folder / "mail"),
                      "DIRECTORY_GROUP_RULES": {"Bench-agenter": {"roles": ["agent"], "support_groups": ["Servicedesk"]}},
                      **slapd.settings()}, clock=clock)
    with app.app_context():
        upgrade()
        with unit_of_work():
            seed_demo(now=clock.now())
    return app, clock


def run(users: int = 20000, rounds: int = 3) -> tuple[dict, str]:
    from helpdesk.directory.jobs import sync_directory
    from tests.directory.slapd import Slapd

    slapd = Slapd().start()
    try:
        started = time.perf_counter()
        slapd.add(ldif(users))
        load_s = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            app, clock = _app(Path(folder), slapd)
            with app.app_context():
                def timed():
                    began = time.perf_counter()
                    result = sync_directory(clock)
                    return time.perf_counter() - began, result

                first, result = timed()
                assert result.status == "completed" and result.created >= users, (result.status, result.message)
                unchanged = []
                for _ in range(rounds):
                    seconds, result = timed()
                    assert result.created == result.updated == result.deactivated == 0
                    unchanged.append(seconds)
                leaving = [f"anst{n:06d}" for n in range(0, users, 100)]  # 1 %
                for uid in leaving:
                    slapd.set(uid, "employeeType", ["disabled"])
                deactivating, result = timed()
                assert result.deactivated == len(leaving), (result.status, result.message)
    finally:
        slapd.stop()
    figures = {"users": users, "ldapadd_s": load_s, "first_s": first,
               "unchanged_median_s": statistics.median(unchanged), "unchanged_max_s": max(unchanged),
               "deactivate_s": deactivating, "deactivated": len(leaving)}
    markdown = "\n".join([
        "## Directory sync",
        "",
        f"{users:,} employees in the tests' slapd (loaded with one ldapadd in {load_s:.0f} s), "
        "synced into SQLite with the demo organisation; each figure is the whole job: paged search "
        "(1,000 a page), matching, one transaction, the run record.",
        "",
        "| run | seconds |",
        "|---|---|",
        f"| first sync: {users:,} users created | {first:.1f} |",
        f"| nothing to change (median of {rounds}; max) | {figures['unchanged_median_s']:.1f}; {figures['unchanged_max_s']:.1f} |",
        f"| {len(leaving)} entries disabled (1 %): deactivated, sessions ended | {deactivating:.1f} |",
        "",
        "Target: under a minute for 20,000 users.",
    ])
    return figures, markdown


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.directory_sync", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    _figures, markdown = run(args.users, args.rounds)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
