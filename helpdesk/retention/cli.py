"""`helpdesk retention …` (rules, dry runs, runs) and `helpdesk archive …` (export, verify)."""

import os

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..audit.services import record
from ..auth.models import User
from ..auth.permissions import Permission, can
from ..clock import get_clock, local
from ..database import unit_of_work
from ..extensions import db
from ..limits import MAX_ID
from . import archive, export, queries, services
from .jobs import execute_run
from .models import RetentionRun


@click.group("retention")
def retention_group():
    """Retention (gallring): rules, dry runs and runs."""


def _describe(rule) -> str:
    automatic = "automatic" if rule.automatic else "approved by an administrator"
    return (f"rule {rule.id}: {rule.organisation.name} / {rule.ticket_type}: {rule.action} "
            f"{rule.months} months after closing ({automatic}; decision {rule.decision_reference})")


@retention_group.command("rules")
@with_appcontext
def rules_command():
    """List the retention rules."""
    for rule in queries.rules():
        click.echo(("" if rule.is_active else "[inactive] ") + _describe(rule))


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Only list what would be destroyed or pseudonymised.")
@click.option("--rule", "rule_id", type=click.IntRange(1, MAX_ID), default=None, help="Only this rule (default: every active rule).")
@click.option("--approved-by", default=None,
              help="User name of the person approving the run (required without --dry-run).")
@with_appcontext
def run_command(dry_run, rule_id, approved_by):
    """Apply the active retention rules now, each batch in its own transaction, and print the protocol."""
    clock = get_clock()
    now = clock.now()
    rules = [r for r in queries.active_rules() if rule_id in (None, r.id)]
    if rule_id is not None and not rules:
        raise click.ClickException(f"No active retention rule {rule_id}.")
    approver = None
    if not dry_run:
        if not approved_by:
            raise click.ClickException("Without --dry-run, name the person approving the run with --approved-by.")
        approver = db.session.scalar(sa.select(User).where(User.username == approved_by.lower(), User.is_active))
        if approver is None:
            raise click.ClickException(f"No active user {approved_by!r}.")
        if not can(approver, Permission.ADMIN_MANAGE):
            raise click.ClickException(f"{approved_by!r} may not approve retention runs (only administrators may).")
    for rule in rules:
        click.echo(_describe(rule))
        if dry_run:
            numbers = list(queries.due_numbers(queries.Terms.of_rule(rule, now)))
            click.echo(f"  would {rule.action} {len(numbers)} tickets: {queries.ranges(numbers) or '-'}")
            continue
        with unit_of_work():
            run = services.approve_run(rule, actor=approver, now=now)
        execute_run(run.id, clock)
        run = db.session.get(RetentionRun, run.id)
        click.echo(f"  protocol {run.id}: {run.status}, {run.action} {run.count} tickets: "
                   f"{queries.ranges(queries.run_numbers(run.id)) or '-'}")
        if run.error:
            click.echo(f"  error: {run.error}", err=True)
    if dry_run:
        click.echo("Dry run: nothing was changed.")


@click.group("archive")
def archive_group():
    """Standalone SQLite archives of closed tickets: export and verify."""


@archive_group.command("export")
@click.option("--closed-before", "closed_before", required=True,
              help="Tickets closed before this date (YYYY-MM-DD, Stockholm).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The archive file to create (.sqlite).")
@click.option("--org", "org_name", default=None, help="Only this organisation (by name).")
@with_appcontext
def archive_export_command(closed_before, out, org_name):
    """Write the closed tickets with messages, events and attachments to a new archive file."""
    from ..org.models import Organisation

    now = get_clock().now()
    try:
        day = export.parse_closed_before(closed_before, today=local(now).date())
        organisation = None
        if org_name:
            organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == org_name))
            if organisation is None:
                raise export.ExportRefused(f"No organisation named {org_name!r}.")
        counts = export.export_archive(out, closed_before=day, organisation=organisation, now=now)
    except export.ExportRefused as error:
        raise click.ClickException(str(error))
    with unit_of_work():
        record("archive_exported", actor=None, now=now, object_type="archive", object_id=os.path.basename(out),
               closed_before=day.isoformat(), organisation=org_name or "all", counts=counts)
    click.echo(f"Archive written to {out}: " + ", ".join(f"{n} {table}" for table, n in counts.items()))


@archive_group.command("verify")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def archive_verify_command(file):
    """Recompute every count and checksum of an archive, check its signature (with ARCHIVE_SIGNING_KEY,
    else the key derived from SECRET_KEY) and its search index; exit 1 naming each check that fails."""
    try:
        result = archive.verify(file)
    except archive.NotAnArchive as error:
        raise click.ClickException(str(error))
    if not result.ok:
        for check, explanation in result.failures:
            click.echo(f"FAILED {check}: {explanation}", err=True)
        raise SystemExit(1)
    click.echo("OK: " + ", ".join(f"{n} {table}" for table, n in result.counts.items()))
