"""The `helpdesk` command: Flask's CLI group plus the domain commands."""

import logging

import click
from flask.cli import FlaskGroup, with_appcontext


def register(app):
    """Attach every domain's commands to app.cli."""
    from .auth.cli import create_user_command
    from .directory.cli import directory_group
    from .intake.cli import intake_clean_html_command, intake_command, intake_folder_command, lmtp_command
    from .sla.cli import sla_group
    from .demo.cli import generate_command, seed_demo_command
    from .org.cli import import_command
    from .reports.cli import report_group
    from .retention.cli import archive_group, retention_group
    from .tickets.cli import tickets_group
    from .api.cli import api_token_group

    for command in (seed_demo_command, create_user_command, import_command, generate_command, tickets_group,
                    intake_command, intake_folder_command, intake_clean_html_command, lmtp_command, scheduler_command, sla_group,
                    report_group, retention_group, archive_group, directory_group, api_token_group):
        app.cli.add_command(command)
    from .suppliers.cli import suppliers_group

    app.cli.add_command(suppliers_group)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once (under its lease) and exit.")
@click.option("--job", "only", multiple=True, metavar="NAME", help="With --once: only this job (repeatable).")
@with_appcontext
def scheduler_command(once, only):
    """Run the periodic jobs (outbox, mail fetching, SLA alerts, ...) until stopped."""
    from flask import current_app

    from .scheduler import build, job_table, run_job

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if once:
        app = current_app._get_current_object()
        jobs = [job for job in job_table() if not only or job[0] in only]
        if only and len(jobs) != len(set(only)):
            raise click.UsageError(f"unknown job; choose from {', '.join(j[0] for j in job_table())}")
        for name, function, seconds in jobs:
            click.echo(f"{name}: {run_job(app, name, function, seconds)}")
        return
    if only:
        raise click.UsageError("--job needs --once")
    click.echo("Scheduler running; Ctrl+C stops it.")
    try:
        build(current_app._get_current_object()).start()
    except (KeyboardInterrupt, SystemExit):
        pass


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main():
    """Helpdesk: the municipal IT service desk."""
