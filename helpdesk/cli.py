"""The `helpdesk` command: Flask's CLI group plus the domain commands."""

import logging

import click
from flask.cli import FlaskGroup, with_appcontext


def register(app):
    """Attach every domain's commands to app.cli."""
    from .auth.cli import create_user_command
    from .intake.cli import intake_command
    from .sla.cli import sla_group
    from .demo.cli import generate_command, seed_demo_command
    from .org.cli import import_command
    from .tickets.cli import tickets_group

    for command in (seed_demo_command, create_user_command, import_command, generate_command, tickets_group,
                    intake_command, scheduler_command, sla_group):
        app.cli.add_command(command)


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the periodic jobs (outbox, mail fetching, ...) until stopped."""
    from flask import current_app

    from .scheduler import build

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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
