"""The sync as a job: read the directory, apply in one transaction (or roll back for a dry run), record the run."""

import logging

from flask import current_app

from ..auth.methods import DirectoryUnavailable
from ..auth.methods.ldap import LdapDirectory
from ..database import unit_of_work
from ..extensions import db
from .models import SyncStatus
from .services import apply_sync, write_run

log = logging.getLogger(__name__)


class _DryRun(Exception):
    """Raised inside the transaction so that nothing of a dry run is kept."""


def sync_directory(clock, *, dry_run=False, force=False, trigger="cli", actor=None, directory=None):
    """One sync; returns the run record (committed)."""
    started = clock.now()
    try:
        directory = directory or LdapDirectory.from_app()
        identities = list(directory.entries())
    except DirectoryUnavailable as error:
        log.error("directory sync failed: %s", error.message)
        with unit_of_work():
            return write_run(started=started, finished=clock.now(), status=SyncStatus.FAILED, trigger=trigger,
                             forced=force, counts={}, changes=[], message=error.message, actor=actor)
    outcome = {}
    try:
        with unit_of_work():
            counts, changes, stop = apply_sync(identities, now=started, force=force, actor=actor)
            outcome.update(counts=counts, changes=changes, stop=stop)
            if dry_run or stop:
                raise _DryRun()
    except _DryRun:
        pass
    status = SyncStatus.STOPPED if outcome["stop"] else SyncStatus.DRY_RUN if dry_run else SyncStatus.COMPLETED
    actor = db.session.merge(actor) if actor is not None else None
    with unit_of_work():
        run = write_run(started=started, finished=clock.now(), status=status, trigger=trigger, forced=force,
                        counts=outcome["counts"], changes=outcome["changes"], message=outcome["stop"], actor=actor)
    return run


def scheduled_sync(clock) -> int:
    """The scheduler's sync when LDAP is configured; returns how many users changed."""
    cfg = current_app.config
    if not cfg.get("LDAP_URL") or not cfg.get("DIRECTORY_SYNC_MINUTES"):
        return 0
    run = sync_directory(clock, trigger="scheduler")
    return run.created + run.updated + run.deactivated + run.reactivated
