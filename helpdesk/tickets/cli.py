"""`helpdesk tickets …`: scripting access to tickets."""

import getpass
import json
import os

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..auth.models import User
from ..catalogue.models import System
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from . import services
from .models import Channel, Status, TicketType
from ..limits import TICKET_NUMBER
from .loaders import TicketNotFound, read_ticket
from .queries import conversation, history, load_ticket


@click.group("tickets")
def tickets_group():
    """Show, create and update tickets."""


def as_dict(ticket) -> dict:
    """A ticket as plain data for scripts."""
    person = lambda u: None if u is None else {"username": u.username, "name": u.full_name, "email": u.email}  # noqa: E731
    return {
        "number": ticket.id, "subject": ticket.subject, "type": ticket.type, "channel": ticket.channel,
        "status": ticket.status, "priority": ticket.priority, "impact": ticket.impact, "urgency": ticket.urgency,
        "requester": person(ticket.requester), "assignee": person(ticket.assignee),
        "group": ticket.support_group.name, "system": ticket.system.name if ticket.system else None,
        "confidential": ticket.is_confidential, "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(), "due_at": ticket.due_at.isoformat(),
        "messages": [{"id": m.id, "kind": m.kind, "author": m.author.username if m.author else None,
                      "created_at": m.created_at.isoformat(), "body": m.body,
                      "attachments": [a.filename for a in m.attachments]}
                     for m in conversation(ticket, internal=True)],
        "events": [{"at": e.at.isoformat(), "kind": e.kind, "actor": e.actor.username if e.actor else None,
                    "old": e.old_value, "new": e.new_value, "reason": e.reason} for e in history(ticket)],
    }


def _output(ticket, as_json):
    if as_json:
        click.echo(json.dumps(as_dict(ticket), ensure_ascii=False, indent=2))
    else:
        click.echo(f"#{ticket.id} [{ticket.status}] {ticket.subject} ({ticket.support_group.name})")


def _user(username):
    if username is None:
        return None
    user = db.session.scalar(sa.select(User).where(User.username == username.lower()))
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    return user


def _read(number):
    """The ticket through the one loader (a confidential read is audited), else a one-line error."""
    try:
        return read_ticket(number, None, actor=None, via="cli", operator=_operator())
    except TicketNotFound:
        raise click.ClickException(f"No ticket #{number}.") from None


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return str(os.getuid())


@tickets_group.command("show")
@click.argument("number", type=TICKET_NUMBER)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def show(number, as_json):
    """Print ticket NUMBER with its messages and events."""
    _output(_read(number), as_json)


@tickets_group.command("create")
@click.option("--requester", required=True, help="User name of the requester.")
@click.option("--subject", required=True)
@click.option("--body", required=True)
@click.option("--system", default=None, help="Name of the affected system.")
@click.option("--type", "type_", type=click.Choice([t.value for t in TicketType]), default="incident")
@click.option("--impact", type=click.IntRange(1, 3), default=3)
@click.option("--urgency", type=click.IntRange(1, 3), default=3)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def create(requester, subject, body, system, type_, impact, urgency, as_json):
    """Create a ticket (channel API) and route it."""
    user = _user(requester)
    found = None
    if system:
        found = db.session.scalar(sa.select(System).where(System.name == system))
        if found is None:
            raise click.ClickException(f"No system {system!r}.")
    try:
        with unit_of_work():
            ticket = services.create_ticket(requester=user, subject=subject, body=body, actor=user,
                                            now=utcnow(), system=found, impact=impact, urgency=urgency,
                                            type=TicketType(type_), channel=Channel.API)
    except DomainError as error:
        raise click.ClickException(error.message)
    _output(_read(ticket.id), as_json)


@tickets_group.command("update")
@click.argument("number", type=TICKET_NUMBER)
@click.option("--status", type=click.Choice([s.value for s in Status]), required=True)
@click.option("--actor", default=None, help="User name recorded as the actor.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def update(number, status, actor, as_json):
    """Change the status of ticket NUMBER."""
    ticket = load_ticket(number)
    if ticket is None:
        raise click.ClickException(f"No ticket #{number}.")
    try:
        with unit_of_work():
            services.change_status(ticket, status, actor=_user(actor), now=utcnow())
    except DomainError as error:
        raise click.ClickException(error.message)
    _output(_read(number), as_json)
