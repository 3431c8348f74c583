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
@click.option("--workers", type=click.IntRange(0, 16), default=None,
              help="Processes that make tickets while this one writes (default: one per core from 50,000 "
                   "tickets on; 0: none).")
@with_appcontext
def generate_command(count, no_sla, workers):
    """Add COUNT synthetic tickets with messages and history, and derive their SLA state.

    When the new tickets are at least as many as those already there, SQLite is loaded in bulk
    mode: no journal on disk or fsync, indexes built after the load. Run it while nothing else
    uses the database."""
    import sqlalchemy as sa

    from ..extensions import db
    from .generate import default_workers, generate

    existing = db.session.scalar(sa.text("SELECT count(*) FROM ticket"))
    db.session.commit()
    try:
        stats = generate(count, derive_sla=not no_sla, bulk=count >= existing,
                         workers=default_workers(count) if workers is None else workers)
    except LookupError as error:  # no demo organisation to add to
        raise click.ClickException(str(error))
    click.echo(f"Generated {stats['tickets']} tickets, {stats['messages']} messages in {stats['seconds']:.1f} s")
