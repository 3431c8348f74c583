"""`helpdesk sla …` commands."""

import click
from flask.cli import with_appcontext

from ..clock import utcnow


@click.group("sla")
def sla_group():
    """Service-level commands."""


@sla_group.command("recompute")
@click.option("--check", is_flag=True, help="Only compare the cache with history; exit 1 on any difference.")
@click.option("--open-only", is_flag=True, help="Only open tickets (closed ones do not change).")
@click.option("--verbose", is_flag=True, help="Print each difference.")
@with_appcontext
def recompute_command(check, open_only, verbose):
    """Rebuild every ticket's cached SLA state from its event history."""
    from .recompute import recompute

    def show(ticket_id, wrong):
        if verbose:
            click.echo(f"#{ticket_id}: " + ", ".join(f"{k} {old} -> {new}" for k, (old, new) in wrong.items()))

    counts = recompute(now=utcnow(), check=check, open_only=open_only, on_difference=show)
    click.echo(f"{counts['tickets']} tickets, {counts['differences']} differences"
               + ("" if check else f", {counts['written']} rewritten"))
    if check and counts["differences"]:
        raise SystemExit(1)
