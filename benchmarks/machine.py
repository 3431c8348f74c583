"""A description of the machine and software the benchmarks ran on."""

import os
import platform
import sqlite3
import subprocess
from pathlib import Path


def _first(path, prefix) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _disk(folder: Path) -> str:
    try:
        source, size = subprocess.run(["df", "--output=source,size", "-h", str(folder)], check=True,
                                      capture_output=True, text=True).stdout.splitlines()[1].split()
    except (OSError, subprocess.CalledProcessError, IndexError, ValueError):
        return "unknown"
    device = Path(source).name.rstrip("0123456789")
    rotational = Path(f"/sys/block/{device}/queue/rotational")
    kind = ""
    if rotational.exists():
        kind = ", reported rotational" if rotational.read_text().strip() == "1" else ", non-rotational"
    return f"{source} ({size}{kind}{', virtio' if device.startswith('vd') else ''})"


def _postgres_version() -> str:
    try:
        return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc",
                               "SHOW server_version"], check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not reachable"


def describe(folder: Path) -> dict:
    """CPU, cores, memory, disk, Python, SQLite and PostgreSQL versions."""
    kib = _first("/proc/meminfo", "MemTotal").split()[0]
    memory = f"{int(kib) / 1024 / 1024:.1f} GiB" if kib.isdigit() else "unknown"
    return {
        "CPU": _first("/proc/cpuinfo", "model name"),
        "Cores": str(os.cpu_count()),
        "Memory": memory,
        "Disk": _disk(folder),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _postgres_version(),
    }
