"""Writing closed tickets into a standalone SQLite archive (the format is in archive.py)."""

import os
import tempfile
from datetime import UTC, date, datetime

import sqlalchemy as sa
import sqlite_utils
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..catalogue.models import System
from ..clock import STOCKHOLM
from ..extensions import db
from ..org.models import Department, Organisation, SupportGroup
from ..tickets import attachments as files
from ..tickets.models import Attachment, Message, Status, Ticket, TicketEvent
from . import archive

BATCH = 500


class ExportRefused(Exception):
    """Input the export cannot work with; nothing has been written."""


def parse_closed_before(text: str, *, today: date) -> date:
    """A YYYY-MM-DD date no later than today."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ExportRefused(f"Cannot read the date {text!r}: give it as YYYY-MM-DD, e.g. 2024-01-01.") from None
    if day > today:
        raise ExportRefused(f"{day} is in the future (today is {today}): only closed tickets can be archived.")
    return day


def start_of(day: date) -> datetime:
    """Midnight at the start of day in Stockholm, as UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=STOCKHOLM).astimezone(UTC)


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else value


def export_archive(out: str, *, closed_before: date, organisation=None, now: datetime,
                   signing_key: bytes | None = None) -> dict:
    """Write the tickets closed before the date (of one organisation, or all) to a new file at out.

    The archive is written to a temporary file in the same folder and linked to its name only when
    complete, never over an existing file: a failed or interrupted export leaves nothing that blocks
    the next one, and two exports to one name cannot replace each other's file."""
    if signing_key is None:
        from flask import current_app

        signing_key = archive.signing_key(current_app.config)
    if os.path.exists(out):
        raise ExportRefused(f"{out} already exists; the export never overwrites a file.")
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise ExportRefused(f"The folder {folder} does not exist.")
    cutoff = start_of(closed_before)
    handle, partial = tempfile.mkstemp(prefix=f".{os.path.basename(out)}.", suffix=".partial", dir=folder)
    os.close(handle)
    target = None
    try:
        target = sqlite_utils.Database(partial)
        # A failed export is thrown away whole, so the file need not survive a crash until it is done.
        target.conn.execute("PRAGMA synchronous = OFF")
        archive.create_tables(target)
        _copy(target, cutoff, organisation)
        archive.enable_search(target)
        found = archive.summary(target.conn)
        meta = {
            "format": archive.FORMAT, "format_version": archive.FORMAT_VERSION,
            "organisation": organisation.name if organisation is not None else "all",
            "period": f"closed before {closed_before.isoformat()} (Europe/Stockholm)",
            "criteria": f"status = closed AND closed_at < {cutoff.isoformat()}"
                        + (f" AND organisation = {organisation.name}" if organisation is not None else ""),
            "exported_at": now.isoformat(), "software_version": archive.software_version(),
            "canonical_form": archive.CANONICAL_FORM, "signing_key_id": archive.key_id(signing_key), **found,
        }
        meta[archive.SIGNATURE_KEY] = archive.sign(meta, signing_key)
        target["metadata"].insert_all([{"key": k, "value": v} for k, v in meta.items()])
        target.conn.close()
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        try:
            os.link(partial, out)  # fails if the name was taken meanwhile; os.replace would overwrite
        except FileExistsError:
            raise ExportRefused(f"{out} already exists: it appeared while the export ran (another export?) and "
                                "was left as it is; nothing was written.") from None
        _fsync_folder(folder)
    except BaseException:
        if target is not None:
            target.conn.close()
        raise
    finally:
        for leftover in (partial, f"{partial}-journal"):
            if os.path.exists(leftover):
                os.remove(leftover)
    return {table: int(found[f"count:{table}"]) for table in archive.COLUMNS}


def _fsync_folder(folder: str) -> None:
    """Make the new name durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _copy(target, cutoff, organisation) -> None:
    after = 0
    while True:
        rows = db.session.execute(_tickets(cutoff, organisation).where(Ticket.id > after)
                                  .order_by(Ticket.id).limit(BATCH)).mappings().all()
        if not rows:
            return
        ids = [row["id"] for row in rows]
        target["tickets"].insert_all({k: _iso(v) for k, v in row.items()} for row in rows)
        target["messages"].insert_all({k: _iso(v) for k, v in row.items()} for row in _rows(_messages(ids)))
        target["events"].insert_all({k: _iso(v) for k, v in row.items()} for row in _rows(_events(ids)))
        for row in _rows(_attachments(ids)):
            row = {k: _iso(v) for k, v in row.items()}
            row["content"] = _read(row.pop("storage_key"), row)
            target["attachments"].insert(row)
        after = ids[-1]


def _rows(query):
    return db.session.execute(query).mappings().all()


def _columns(model, *names):
    return [getattr(model, name) for name in names]


def _tickets(cutoff, organisation):
    requester, assignee = aliased(User), aliased(User)
    query = (
        sa.select(Ticket.id, Organisation.name.label("organisation"), Ticket.type, Ticket.channel, Ticket.subject,
                  Ticket.status, Ticket.priority, Ticket.impact, Ticket.urgency,
                  sa.cast(Ticket.is_confidential, sa.Integer).label("confidential"),
                  requester.full_name.label("requester_name"), requester.email.label("requester_email"),
                  Department.name.label("requester_department"), System.name.label("system"),
                  SupportGroup.name.label("support_group"), assignee.full_name.label("assignee_name"),
                  Ticket.merged_into_id.label("merged_into"), Ticket.created_at, Ticket.updated_at,
                  Ticket.first_response_at, Ticket.solved_at, Ticket.closed_at)
        .join(Organisation, Organisation.id == Ticket.organisation_id)
        .join(requester, requester.id == Ticket.requester_id)
        .join(SupportGroup, SupportGroup.id == Ticket.support_group_id)
        .outerjoin(Department, Department.id == Ticket.requester_department_id)
        .outerjoin(System, System.id == Ticket.system_id)
        .outerjoin(assignee, assignee.id == Ticket.assignee_id)
        .where(Ticket.status == Status.CLOSED, Ticket.closed_at < cutoff)
    )
    if organisation is not None:
        query = query.where(Ticket.organisation_id == organisation.id)
    return query


def _messages(ids):
    return (sa.select(*_columns(Message, "id", "ticket_id", "kind", "channel"),
                      User.full_name.label("author_name"), User.email.label("author_email"),
                      *_columns(Message, "created_at", "body", "body_html", "email_message_id"))
            .outerjoin(User, User.id == Message.author_id).where(Message.ticket_id.in_(ids)).order_by(Message.id))


def _events(ids):
    return (sa.select(TicketEvent.id, TicketEvent.ticket_id, TicketEvent.at, User.full_name.label("actor_name"),
                      *_columns(TicketEvent, "kind", "old_value", "new_value", "reason"))
            .outerjoin(User, User.id == TicketEvent.actor_id).where(TicketEvent.ticket_id.in_(ids))
            .order_by(TicketEvent.id))


def _attachments(ids):
    return (sa.select(*_columns(Attachment, "id", "ticket_id", "message_id", "filename", "content_type", "size",
                                "sha256", "created_at", "storage_key"))
            .where(Attachment.ticket_id.in_(ids)).order_by(Attachment.id))


def _read(storage_key: str, row) -> bytes:
    try:
        with open(files.path_of(storage_key), "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        raise ExportRefused(f"The file of attachment {row['id']} ({row['filename']}) on ticket "
                            f"#{row['ticket_id']} is missing from storage; nothing was written.") from None
