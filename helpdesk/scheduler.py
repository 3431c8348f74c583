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
    from .directory.jobs import scheduled_sync
    from .availability.jobs import availability_alerts
    from .intake.jobs import fetch_mailboxes
    from .notifications.jobs import send_outbox
    from .outages.jobs import remind_major_incident_updates
    from .reports.jobs import monthly_reports
    from .retention.jobs import apply_retention
    from .security.jobs import security_deadlines
    from .sla.jobs import sla_alerts
    from .sla.jobs_refresh import refresh_open_tickets
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
        ("refresh_open_tickets", refresh_open_tickets, 60),  # after calendar or service-level changes
        ("directory_sync", scheduled_sync, _minutes("DIRECTORY_SYNC_MINUTES", 60)),  # users from LDAP/AD
        ("remind_major_incident_updates", remind_major_incident_updates, 60),
        ("availability_alerts", availability_alerts, 900),  # owners of systems below the agreed level, monthly
    ]


# Functions in jobs modules that take only the clock but are not scheduled: run by hand, with the reason.
# tests/test_scheduler_jobs.py fails for any such function in neither job_table() nor this list.
MANUAL_JOBS: dict[str, str] = {
    "helpdesk.directory.jobs.sync_directory": "one sync with options (dry run, force), run by `helpdesk directory "
                                              "sync`; the scheduler runs it through scheduled_sync",
}


def _minutes(setting, default) -> int:
    """An interval setting in seconds (the default outside an app context); at least a minute."""
    from flask import current_app, has_app_context

    minutes = current_app.config.get(setting) if has_app_context() else None
    return max(int(minutes or default), 1) * 60


def run_job(app, name, function, seconds) -> int:
    """One run of one job under its lease, in an app context."""
    with app.app_context():
        clock = get_clock()
        ttl = timedelta(seconds=max(seconds * 4, 120))
        if not leases.acquire(f"job:{name}", now=clock.now(), ttl=ttl):
            return 0
        try:
            with leases.job_lease(f"job:{name}", ttl):  # long jobs renew it with leases.keep_alive()
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
