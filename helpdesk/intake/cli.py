"""`helpdesk intake` (MTA pipe, .eml, mbox, maildir), `helpdesk intake-folder` and `helpdesk lmtp`."""

import json
import logging
import mailbox as mailboxes
import os
import re
import signal
import sys
import threading

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from ..clock import get_clock, utcnow
from ..database import unit_of_work
from ..extensions import db
from .models import Mailbox
from .batch import ingest_batch
from .jobs import batches
from .services import ingest

EX_TEMPFAIL = 75  # sendmail's "try again later": the relay keeps the mail and retries
MBOX_FROM_LINE = re.compile(rb"From [^\s:]+[ \t]")  # "From sender date", never a "From :" field


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
        head = fh.read(200)
    if MBOX_FROM_LINE.match(head):
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
    """Take in e-mail: `-` reads one message from stdin (Postfix pipe), else .eml/mbox/maildir paths.

    Exit status 75 (EX_TEMPFAIL) when the database cannot be reached: nothing of the message in hand
    is lost, the relay (or the operator) tries again later.
    """
    if paths == ("-",):
        raw = sys.stdin.buffer.read()
        try:
            data = _take(raw, _mailbox_id(mailbox_name))
        except DATABASE_DOWN as error:
            click.echo(f"temporary failure: {_database_problem(error)}", err=True)
            sys.exit(EX_TEMPFAIL)
        except Exception as error:  # any other fault: the relay keeps the mail and retries
            logging.getLogger(__name__).error("intake from stdin failed", exc_info=True)
            click.echo(f"temporary failure: {type(error).__name__}: {error}", err=True)
            sys.exit(EX_TEMPFAIL)
        _report(data, as_json)
        return
    taken = 0
    try:
        box_id = _mailbox_id(mailbox_name)
        for path in paths:
            if not os.path.exists(path):
                raise click.ClickException(f"No such file or folder: {path}")
            # Files are not acknowledged anywhere: a batch per transaction, reported after its commit.
            for items in batches((None, raw) for raw in messages_in(path)):
                for data in ingest_batch(items, box_id, now=utcnow(), acknowledge=lambda _handle: None):
                    _report(data, as_json)
                taken += len(items)
    except DATABASE_DOWN as error:
        click.echo(f"helpdesk intake: {_database_problem(error)}; {taken} messages were taken in before that. "
                   "Run it again later: messages already taken in are recognised as duplicates.", err=True)
        sys.exit(EX_TEMPFAIL)


DATABASE_DOWN = (sa.exc.OperationalError, sa.exc.InterfaceError)


def _database_problem(error) -> str:
    """One line on why the database failed, without SQLAlchemy's statement and background link."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    detail = reason[0][:200] if reason else type(error).__name__
    return f"the database cannot be reached or is locked ({detail})"


@click.command("intake-folder")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--processed", "processed_path", default=None, help="Where handled files go (default PATH/processed).")
@click.option("--mailbox", "mailbox_name", default=None, help="Mailbox name (default: the first active one).")
@with_appcontext
def intake_folder_command(path, processed_path, mailbox_name):
    """Take in every .eml file in PATH, moving each to the processed folder once it is committed."""
    from .fetchers.folder import FolderFetcher
    from .jobs import drain

    count = drain(FolderFetcher(path, processed_path), _mailbox_id(mailbox_name), get_clock())
    click.echo(f"{count} messages taken in")


@click.command("lmtp")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=2424, show_default=True, type=int)
@with_appcontext
def lmtp_command(host, port):
    """Listen for LMTP deliveries from the mail relay until stopped (SIGINT/SIGTERM)."""
    from .lmtp import LMTPListener

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    listener = LMTPListener(current_app._get_current_object(), host, port)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    listener.start()
    click.echo(f"LMTP listening on {host}:{port}")
    try:
        while not stopped.wait(1):
            pass
    finally:
        listener.stop()


@click.command("intake-clean-html")
@with_appcontext
def intake_clean_html_command():
    """Clean the HTML of mail received before cleaning moved to intake (run once after `db upgrade`)."""
    from .sanitise import backfill

    click.echo(f"{backfill()} messages cleaned")


def _mailbox_id(mailbox_name):
    query = sa.select(Mailbox.id).where(Mailbox.is_active).order_by(Mailbox.id)
    if mailbox_name:
        query = sa.select(Mailbox.id).where(Mailbox.name == mailbox_name)
    box_id = db.session.scalar(query)
    if mailbox_name and box_id is None:
        raise click.ClickException(f"No mailbox named {mailbox_name!r}.")
    return box_id


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
