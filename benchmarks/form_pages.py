"""CPU time of the pages with forms for creating a ticket (and the queue, as a check), SQLite 1M.

    python -m benchmarks.form_pages

Each page through a signed-in Flask test client, 40 requests after 5 warm-up ones; the median of
the process's CPU time per request (a figure that holds on a loaded machine).
"""

import statistics
import time

from .datasets import DataSet
from .measure import login
from .scenarios import PASSWORD, bench_app, busiest_requester


def main() -> int:
    app = bench_app(DataSet("sqlite", "1m").url)
    with app.app_context():
        heavy = busiest_requester().username
    for user, path in ((heavy, "/tickets/new"), ("erik", "/tickets/new"), ("erik", "/phone"), ("erik", "/queue")):
        client = login(app, user, PASSWORD)
        times = []
        for i in range(-5, 40):
            started = time.process_time()
            response = client.get(path)
            spent = time.process_time() - started
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            if i >= 0:
                times.append(spent * 1000)
        print(f"  {user:>16} GET {path:<14} CPU {statistics.median(times):6.2f} ms median")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
