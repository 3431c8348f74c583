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
from .extensions import db

log = logging.getLogger(__name__)


def job_table():
    """(name, function, seconds between runs)."""
    from .access.jobs import escalate_overdue_reviews, flag_deactivated_grants, open_due_reviews
    from .intake.jobs import fetch_mailboxes
    from .notifications.jobs import send_outbox
    from .reports.jobs import monthly_reports
    from .retention.jobs import apply_retention
    from .security.jobs import security_deadlines
    from .sla.jobs import sla_alerts
    from .webhooks.jobs import deliver_webhooks

    return [
        ("send_outbox", send_outbox, 15),
        ("deliver_webhooks", deliver_webhooks, 15),
        ("fetch_mailboxes", fetch_mailboxes, 30),
        ("security_deadlines", security_deadlines, 120),
        ("sla_alerts", sla_alerts, 60),
        ("open_due_reviews", open_due_reviews, 3600),
        ("escalate_overdue_reviews", escalate_overdue_reviews, 3600),
        ("flag_deactivated_grants", flag_deactivated_grants, 900),
        ("monthly_reports", monthly_reports, 900),  # sends on the first working day, once per manager
        ("apply_retention", apply_retention, 300),  # approved runs and automatic rules
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
            # Jobs commit their own work; whatever transaction one left open (a read) ends here, so
            # the release neither commits leftovers nor, on SQLite, turns a stale read into a write
            # that fails with "database is locked" once the other scheduler has committed.
            db.session.rollback()
            leases.release(f"job:{name}")


def build(app) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    for name, function, seconds in job_table():
        scheduler.add_job(run_job, "interval", seconds=seconds, args=(app, name, function, seconds),
                          id=name, max_instances=1, coalesce=True)
    return scheduler
