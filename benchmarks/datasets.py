"""Benchmark data sets: built once (seed-demo + generate), then reused.

SQLite sets are files in bench-data/; PostgreSQL sets are databases named
helpdesk_bench_<size>. A JSON file next to them records that the build
finished and what it took; without it the set is rebuilt.
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"  # trust authentication, user postgres
HELPDESK = str(Path(sys.executable).parent / "helpdesk")


@dataclass
class DataSet:
    database: str  # "sqlite" or "postgresql"
    size: str  # a key of SIZES

    @property
    def tickets(self) -> int:
        return SIZES[self.size]

    @property
    def name(self) -> str:
        # HELPDESK_BENCH_PG_SUFFIX keeps one branch's PostgreSQL sets apart from another's on a shared server.
        suffix = os.environ.get("HELPDESK_BENCH_PG_SUFFIX", "") if self.database == "postgresql" else ""
        return f"helpdesk_bench_{self.size}" + (f"_{suffix}" if suffix else "")

    @property
    def url(self) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{DATA / (self.name + '.sqlite')}"
        return f"{PG_SERVER}/{self.name}"

    @property
    def marker(self) -> Path:
        return DATA / f"{self.database}_{self.size}.json"  # bench-data/ is per worktree

    def info(self) -> dict | None:
        """What the finished build recorded, or None when there is no complete build."""
        return json.loads(self.marker.read_text()) if self.marker.exists() else None


def _psql(sql: str) -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def _helpdesk(dataset, *args) -> str:
    env = {**os.environ, "HELPDESK_DATABASE_URL": dataset.url}
    done = subprocess.run([HELPDESK, *args], env=env, check=True, capture_output=True, text=True)
    return done.stdout


def _drop(dataset) -> None:
    dataset.marker.unlink(missing_ok=True)
    if dataset.database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DATA / dataset.name}.sqlite{suffix}").unlink(missing_ok=True)
    else:
        _psql(f"DROP DATABASE IF EXISTS {dataset.name} WITH (FORCE)")
        _psql(f"CREATE DATABASE {dataset.name}")


def size_on_disk(dataset) -> int:
    """Bytes the data set takes (database file or PostgreSQL database)."""
    if dataset.database == "sqlite":
        return sum(p.stat().st_size for p in DATA.glob(dataset.name + ".sqlite*"))
    return int(_psql(f"SELECT pg_database_size('{dataset.name}')"))


def ensure(dataset, *, rebuild=False, log=print) -> dict:
    """Build the data set unless a complete build exists; returns its build record."""
    DATA.mkdir(exist_ok=True)
    if not rebuild and dataset.info():
        try:
            _helpdesk(dataset, "db", "upgrade")  # migrations added since the build; a no-op otherwise
            return dataset.info()
        except subprocess.CalledProcessError as error:
            log(f"{dataset.database} {dataset.size}: migrating the stored data set failed "
                f"({error.stderr.strip().splitlines()[-1] if error.stderr else error}); building it anew")
    log(f"building {dataset.database} {dataset.size} …")
    _drop(dataset)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    _helpdesk(dataset, "db", "upgrade")
    _helpdesk(dataset, "seed-demo")
    generate_started = time.perf_counter()
    output = _helpdesk(dataset, "generate", "--tickets", str(dataset.tickets))
    generate_seconds = time.perf_counter() - generate_started
    if dataset.database == "postgresql":
        # What autovacuum would do soon after a bulk load; done now so it does not run during measuring.
        _psql_db(dataset, "VACUUM (ANALYZE)")
    info = {"tickets": dataset.tickets, "generate_output": output.strip(),
            "generate_seconds": round(generate_seconds, 1),
            "build_seconds": round(time.perf_counter() - started, 1), "bytes": size_on_disk(dataset),
            "load": f"{load_before:.1f} → {os.getloadavg()[0]:.1f}"}
    dataset.marker.write_text(json.dumps(info, indent=2))
    log(f"built {dataset.database} {dataset.size}: {output.strip()}")
    return info


def _psql_db(dataset, sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", dataset.name, "-qc", sql],
                   check=True, capture_output=True, text=True)
