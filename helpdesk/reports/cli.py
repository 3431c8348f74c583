"""`helpdesk report monthly`: the monthly SLA report on the command line, as JSON, CSV, Excel or PDF."""

import sys

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..clock import utcnow


@click.group("report")
def report_group():
    """Reports."""


@report_group.command("monthly")
@click.option("--month", "month_text", required=True, metavar="YYYY-MM", help="The month, e.g. 2026-10.")
@click.option("--org", "org_name", help="Only this organisation's tickets (its name).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "pdf"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
@click.option("--user", "username", help="Count only what this user's report shows.")
@click.option("--include-confidential", is_flag=True, help="Count confidential tickets too (whole desk only).")
@with_appcontext
def monthly_command(month_text, org_name, fmt, out, username, include_confidential):
    """The month's key figures for the whole desk (or as one user sees them)."""
    from ..auth.models import User
    from ..extensions import db
    from ..org.models import Organisation
    from .exports import render
    from .months import InvalidMonth, parse_month
    from .queries import everything_scope, report_scope, scoped
    from .report import monthly_report, scope_description
    from .wording import covers_everything

    now = utcnow()
    try:
        month = parse_month(month_text, now=now)
    except InvalidMonth as error:
        raise click.BadParameter(error.message, param_hint="--month") from None
    organisation = None
    if org_name:
        organisation = db.session.scalar(sa.select(Organisation).where(
            sa.func.lower(Organisation.name) == org_name.strip().lower()))
        if organisation is None:
            raise click.BadParameter(f"no organisation is called {org_name!r}", param_hint="--org")
    if username:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            raise click.BadParameter(f"no user {username!r}", param_hint="--user")
        scope, scope_text, everything = report_scope(user), scope_description(user), covers_everything(user)
    else:
        scope, everything = everything_scope(confidential=include_confidential), True
        scope_text = _("Alla ärenden, även sekretessmarkerade.") if include_confidential else \
            _("Alla ärenden utom sekretessmarkerade.")
    report = monthly_report(scoped(scope, organisation.id if organisation else None), month, now=now,
                            organisation=organisation)
    data = render(report, fmt, scope_text=scope_text, everything=everything)  # everything is ready before anything is written
    if out:
        with open(out, "wb") as handle:
            handle.write(data)
        click.echo(f"Wrote {out} ({len(data)} bytes)", err=True)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@report_group.command("yearly")
@click.option("--year", type=click.IntRange(2000, 2999), required=True, help="The calendar year, e.g. 2026.")
@click.option("--org", "org_name", help="Only this organisation's tickets and systems (its name).")
@click.option("--format", "fmt", type=click.Choice(["json", "pdf"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
@with_appcontext
def yearly_command(year, org_name, fmt, out):
    """The year for the kommunstyrelse, with the year before beside it."""
    import json

    from ..extensions import db
    from ..org.models import Organisation
    from .queries import everything_scope, scoped
    from .yearly import yearly_report
    from .yearly_pdf import yearly_pdf

    now = utcnow()
    if year > now.year:
        raise click.BadParameter("the year has not begun", param_hint="--year")
    organisation = None
    if org_name:
        organisation = db.session.scalar(sa.select(Organisation).where(
            sa.func.lower(Organisation.name) == org_name.strip().lower()))
        if organisation is None:
            raise click.BadParameter(f"no organisation is called {org_name!r}", param_hint="--org")
    document = yearly_report(scoped(everything_scope(), organisation.id if organisation else None), year, now=now,
                             organisation=organisation)
    data = yearly_pdf(document) if fmt == "pdf" else (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    if out:
        with open(out, "wb") as handle:
            handle.write(data)
        click.echo(f"Wrote {out} ({len(data)} bytes)", err=True)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
