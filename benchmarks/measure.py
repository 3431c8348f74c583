"""Timing requests through the Flask test client: the server's whole work for one request."""

import statistics
import time


def login(app, username, password):
    """A test client with a signed-in user."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"login as {username} failed ({response.status_code})")
    return client


def _get(client, path) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return elapsed


def time_rounds(runs, *, requests: int, warmup: int) -> list[list[float]]:
    """Seconds per request for each (client, paths) run, taking turns.

    One request of each run per round, so a burst of load from elsewhere on
    the machine hits all measurements alike instead of spoiling one of them.
    """
    for i in range(warmup):
        for client, paths in runs:
            _get(client, paths[i % len(paths)])
    times = [[] for _ in runs]
    for i in range(requests):
        for n, (client, paths) in enumerate(runs):
            times[n].append(_get(client, paths[i % len(paths)]))
    return times


def load_average() -> float:
    """The 1-minute load average of the machine (0 where unknown)."""
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError):
        return 0.0


def wait_for_quiet(max_load: float, max_wait: float, log) -> float:
    """Wait (up to max_wait seconds) until the machine's load falls to max_load; the load then."""
    deadline = time.monotonic() + max_wait
    load = load_average()
    if load > max_load:
        log(f"  load average {load:.1f} > {max_load}: waiting up to {max_wait:.0f} s for a quieter machine …")
    while load > max_load and time.monotonic() < deadline:
        time.sleep(15)
        load = load_average()
    return load


def summary(times: list[float]) -> dict:
    """Median and 95th percentile in milliseconds."""
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
    return {"median_ms": round(statistics.median(times) * 1000, 2), "p95_ms": round(p95 * 1000, 2),
            "requests": len(times)}
