"""The `helpdesk` command: Flask's CLI group plus the domain commands."""

import click
from flask.cli import FlaskGroup


def register(app):
    """Attach every domain's commands to app.cli."""
    from .auth.cli import create_user_command
    from .demo.cli import generate_command, seed_demo_command
    from .org.cli import import_command
    from .tickets.cli import tickets_group

    for command in (seed_demo_command, create_user_command, import_command, generate_command, tickets_group):
        app.cli.add_command(command)


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main():
    """Helpdesk: the municipal IT service desk."""
