"""Commands for demo and synthetic data."""

import click
from flask.cli import with_appcontext

from ..clock import utcnow
from ..database import unit_of_work
from .seed import is_empty, seed_demo


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when no organisation exists yet.")
@click.option("--no-tickets", is_flag=True, help="Organisation, users and catalogue only.")
@with_appcontext
def seed_demo_command(if_empty, no_tickets):
    """Load the demo organisation Exempelby kommun (password 'demo')."""
    if not is_empty():
        if if_empty:
            click.echo("The database already holds data; demo not loaded.")
            return
        raise click.ClickException("The database already holds an organisation; seed-demo needs an empty one.")
    with unit_of_work():
        summary = seed_demo(now=utcnow(), with_tickets=not no_tickets)
    click.echo("Demo loaded: " + ", ".join(f"{v} {k}" for k, v in summary.items()))


@click.command("generate")
@click.option("--tickets", "count", type=click.IntRange(1, 10_000_000), required=True)
@click.option("--no-sla", is_flag=True, help="Skip deriving the SLA cache (run `helpdesk sla recompute` later).")
@with_appcontext
def generate_command(count, no_sla):
    """Add COUNT synthetic tickets with messages and history, and derive their SLA state."""
    from .generate import generate

    try:
        stats = generate(count, derive_sla=not no_sla)
    except LookupError as error:  # no demo organisation to add to
        raise click.ClickException(str(error))
    click.echo(f"Generated {stats['tickets']} tickets, {stats['messages']} messages in {stats['seconds']:.1f} s")
