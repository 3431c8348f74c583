"""Account commands."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..org.models import Department
from .models import Role
from .services import create_user


@click.command("create-user")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--email", default=None)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]))
@click.option("--department", default=None, help="Department name.")
@with_appcontext
def create_user_command(username, full_name, email, password, roles, department):
    """Create a local account."""
    dept = None
    if department:
        dept = db.session.scalar(sa.select(Department).where(Department.name == department))
        if dept is None:
            raise click.ClickException(f"No department named {department!r}.")
    try:
        with unit_of_work():
            user = create_user(username=username, full_name=full_name, email=email, password=password,
                               roles=roles, department=dept, actor=None, now=utcnow())
    except DomainError as error:
        raise click.ClickException(error.message)
    click.echo(f"Created user {user.username} (id {user.id}).")
