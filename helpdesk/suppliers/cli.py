"""`helpdesk suppliers recompute [--check]`: the supplier clocks' cache against the ticket history."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..database import unit_of_work
from ..extensions import db
from . import clocks
from .models import SupplierEscalation


@click.group("suppliers")
def suppliers_group():
    """External suppliers."""


def recompute(*, check: bool) -> tuple[int, int]:
    """(escalations, differences); rewrites the cache unless check."""
    total = differences = 0
    ids = db.session.scalars(sa.select(SupplierEscalation.id).order_by(SupplierEscalation.id)).all()
    for escalation_id in ids:
        with unit_of_work():
            escalation = db.session.get(SupplierEscalation, escalation_id)
            fresh = clocks.cached_fields(clocks.clocks_of(escalation))
            wrong = {k: v for k, v in fresh.items() if getattr(escalation, k) != v}
            total += 1
            differences += bool(wrong)
            if wrong and not check:
                for name, value in wrong.items():
                    setattr(escalation, name, value)
    return total, differences


@suppliers_group.command("recompute")
@click.option("--check", is_flag=True, help="Only compare the cache with history; exit 1 on any difference.")
@with_appcontext
def recompute_command(check):
    """Rebuild every escalation's supplier clocks from the ticket history."""
    total, differences = recompute(check=check)
    click.echo(f"{total} escalations, {differences} differences")
    if check and differences:
        raise SystemExit(1)
