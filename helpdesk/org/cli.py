"""Importing the organisation and catalogue from CSV or JSON files."""

import io

import click
from flask.cli import with_appcontext
from sqlite_utils.utils import rows_from_file

from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from .importer import KINDS, import_rows


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=click.Choice(KINDS), required=True,
              help="What the rows are: departments, groups, systems or users.")
@with_appcontext
def import_command(path, kind):
    """Create or update departments, groups, systems or users from a CSV/JSON file (all or nothing)."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        rows, _format = rows_from_file(io.BytesIO(data))
        rows = list(rows)
    except Exception as error:  # the file's own format error, shown as is
        raise click.ClickException(f"Could not read {path}: {error}")
    try:
        with unit_of_work():
            counts = import_rows(kind, rows, now=utcnow())
    except DomainError as error:
        raise click.ClickException(error.message)
    click.echo(f"{kind}: {counts['created']} created, {counts['updated']} updated.")
