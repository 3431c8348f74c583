"""The scheduler process (`helpdesk scheduler`): every periodic job and its trigger.

Jobs are plain functions (clock) -> int. Each run holds a database lease, so a
second scheduler process (another machine, a restart overlap) skips the run
instead of doing the work twice.
"""

import logging
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler

from . import leases
from .clock import get_clock

log = logging.getLogger(__name__)


def job_table():
    """(name, function, seconds between runs)."""
    from .intake.jobs import fetch_mailboxes
    from .notifications.jobs import send_outbox

    return [
        ("send_outbox", send_outbox, 15),
        ("fetch_mailboxes", fetch_mailboxes, 30),
    ]


def run_job(app, name, function, seconds) -> int:
    """One run of one job under its lease, in an app context."""
    with app.app_context():
        clock = get_clock()
        if not leases.acquire(f"job:{name}", now=clock.now(), ttl=timedelta(seconds=max(seconds * 4, 120))):
            return 0
        try:
            done = function(clock)
            if done:
                log.info("%s: %s", name, done)
            return done
        except Exception:  # one failing run must not stop the scheduler
            log.exception("job %s failed", name)
            return 0
        finally:
            leases.release(f"job:{name}")


def build(app) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    for name, function, seconds in job_table():
        scheduler.add_job(run_job, "interval", seconds=seconds, args=(app, name, function, seconds),
                          id=name, max_instances=1, coalesce=True)
    return scheduler
