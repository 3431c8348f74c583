"""`helpdesk intake`: mail from the MTA pipe (stdin) or from .eml, mbox and maildir files."""

import json
import mailbox as mailboxes
import os
import sys

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from ..clock import utcnow
from ..database import unit_of_work
from ..extensions import db
from .models import Mailbox
from .services import ingest

EX_TEMPFAIL = 75  # sendmail's "try again later": the relay keeps the mail and retries


def messages_in(path: str):
    """Raw messages in a file or folder: maildir, mbox, or one .eml."""
    if os.path.isdir(path):
        if all(os.path.isdir(os.path.join(path, sub)) for sub in ("cur", "new", "tmp")):
            box = mailboxes.Maildir(path, factory=None, create=False)
            for key in sorted(box.keys()):
                yield box.get_bytes(key)
            return
        for name in sorted(os.listdir(path)):
            yield from messages_in(os.path.join(path, name))
        return
    with open(path, "rb") as fh:
        head = fh.read(5)
    if head == b"From ":
        box = mailboxes.mbox(path, factory=None, create=False)
        for key in box.keys():
            yield box.get_bytes(key)
        box.close()
        return
    with open(path, "rb") as fh:
        yield fh.read()


@click.command("intake")
@click.argument("paths", nargs=-1, required=True)
@click.option("--mailbox", "mailbox_name", default=None, help="Mailbox name (default: the first active one).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message.")
@with_appcontext
def intake_command(paths, mailbox_name, as_json):
    """Take in e-mail: `-` reads one message from stdin (Postfix pipe), else .eml/mbox/maildir paths."""
    query = sa.select(Mailbox).where(Mailbox.is_active).order_by(Mailbox.id)
    if mailbox_name:
        query = sa.select(Mailbox).where(Mailbox.name == mailbox_name)
    box = db.session.scalar(query)
    if mailbox_name and box is None:
        raise click.ClickException(f"No mailbox named {mailbox_name!r}.")
    box_id = box.id if box else None
    if paths == ("-",):
        raw = sys.stdin.buffer.read()
        try:
            result = _take(raw, box_id)
        except OperationalError as error:  # database away: let the relay retry
            click.echo(f"temporary failure: {error}", err=True)
            sys.exit(EX_TEMPFAIL)
        _report(result, as_json)
        return
    for path in paths:
        if not os.path.exists(path):
            raise click.ClickException(f"No such file or folder: {path}")
        for raw in messages_in(path):
            _report(_take(raw, box_id), as_json)


def _take(raw, box_id):
    with unit_of_work():
        result = ingest(raw, db.session.get(Mailbox, box_id) if box_id else None, now=utcnow())
        data = result.as_dict()
    return data


def _report(data, as_json):
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        ticket = f"#{data['ticket']}" if data["ticket"] else "-"
        click.echo(f"{data['outcome']:<11} {ticket:<9} {data['message_id']} {data['reason']}")
