"""`helpdesk directory sync`: users from the directory, by hand or from cron."""

import json

import click
from flask.cli import with_appcontext

from ..clock import get_clock
from .jobs import sync_directory
from .models import SyncStatus
from .services import summary


@click.group("directory")
def directory_group():
    """The directory (Active Directory, OpenLDAP) as the source of users."""


@directory_group.command("sync")
@click.option("--dry-run", is_flag=True, help="List what would change; change nothing.")
@click.option("--force", is_flag=True, help="Go ahead even when more than the allowed share would be deactivated.")
@click.option("--json", "as_json", is_flag=True, help="Print the run (counts and every change) as JSON.")
@with_appcontext
def sync_command(dry_run, force, as_json):
    """Create, update and deactivate users from the directory; exit 1 when stopped or failed."""
    run = sync_directory(get_clock(), dry_run=dry_run, force=force, trigger="cli")
    result = summary(run)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        counts = result["counts"]
        click.echo(f"{run.status}: {counts['seen']} in the directory, {counts['created']} created, "
                   f"{counts['updated']} updated, {counts['deactivated']} deactivated, "
                   f"{counts['reactivated']} reactivated (run {run.id})")
        for change in result["changes"]:
            click.echo(f"  {change['action']}: {change['username']} {json.dumps(change.get('changes', {}), ensure_ascii=False)}")
        if run.message:
            click.echo(run.message, err=True)
    if run.status in (SyncStatus.STOPPED, SyncStatus.FAILED):
        raise SystemExit(1)
