"""Destroying and pseudonymising a batch of tickets, in the caller's transaction.

Both work on ticket numbers with set-based statements (a batch is hundreds of
tickets), and both return the stored files the tickets used. The files are
removed only after the transaction has committed, and only those no kept row
still names: a rolled-back batch must not lose a file.
"""

import json
import logging
import os
import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..auth.models import User
from ..extensions import db
from ..intake import store as mail_store
from ..intake.models import InboundMessage
from ..notifications.models import OutboundMessage
from ..satisfaction.models import SatisfactionRating
from ..tickets import attachments
from ..tickets.models import Attachment, Message, Ticket, TicketEvent, TicketParticipant
from ..tickets.search import write_documents

log = logging.getLogger(__name__)

REDACTED = "[gallrat]"
PSEUDONYM_USERNAME = "gallrad.person"
PSEUDONYM_NAME = "Gallrad person"
CHUNK = 900  # ids per IN list: below every database's limit on bound parameters
CODE = re.compile(r"[a-z_:]+")  # machine reasons ("requester_reply", "merged") carry no personal data
KEEP_REASON = {"sla_breach_reason"}  # kept on the ticket too, for the monthly report


@dataclass
class Leftovers:
    """Stored files a batch's tickets used: attachment storage keys and raw mail hashes."""

    storage_keys: set = field(default_factory=set)
    raw_hashes: set = field(default_factory=set)

    def __bool__(self):
        return bool(self.storage_keys or self.raw_hashes)


def chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _files_of(ids) -> Leftovers:
    found = Leftovers()
    for part in chunks(ids):
        found.storage_keys.update(db.session.scalars(
            sa.select(Attachment.storage_key).where(Attachment.ticket_id.in_(part)).distinct()))
        found.raw_hashes.update(db.session.scalars(
            sa.select(InboundMessage.raw_sha256).where(InboundMessage.ticket_id.in_(part),
                                                       InboundMessage.raw_sha256 != "").distinct()))
    return found


# Destroying

def destroy_tickets(ids) -> Leftovers:
    """Delete the tickets with everything that refers to them; return the files they used."""
    leftovers = _files_of(ids)
    for part in chunks(ids):
        table = Ticket.__table__
        _clear_references(table, table.c.id.in_(part), seen=frozenset({table.name}))
        if db.engine.dialect.name == "sqlite":  # FTS5 has no foreign key; PostgreSQL's table cascades
            db.session.execute(sa.text("DELETE FROM ticket_fts WHERE rowid IN :ids")
                               .bindparams(sa.bindparam("ids", expanding=True)), {"ids": part})
        db.session.execute(sa.delete(Ticket).where(Ticket.id.in_(part)).execution_options(synchronize_session=False))
    return leftovers


def _clear_references(table, where, *, seen) -> None:
    """Make way for deleting table's rows matching where.

    Every foreign key that points at those rows is read from the metadata, so tables other
    domains add are handled too: ON DELETE CASCADE and SET NULL are the database's work (their
    own dependents are cleared first); a self-reference is set to NULL; any other referencing
    row is deleted. A table whose rows must outlive a destroyed ticket declares SET NULL.
    """
    for child in db.metadata.tables.values():
        for fk in child.foreign_keys:
            if fk.column.table is not table:
                continue
            column = fk.parent
            referring = column.in_(sa.select(fk.column).where(where))
            if child is table:
                db.session.execute(sa.update(child).where(referring).values({column.name: None}))
                continue
            ondelete = (fk.ondelete or "").upper()
            if ondelete == "SET NULL":
                continue
            if child.name not in seen:
                _clear_references(child, referring, seen=seen | {child.name})
            if ondelete != "CASCADE":
                db.session.execute(sa.delete(child).where(referring))


# Pseudonymising

def pseudonym(now) -> User:
    """The one person every pseudonymised requester and participant becomes (cannot log in)."""
    user = db.session.scalar(sa.select(User).where(User.username == PSEUDONYM_USERNAME))
    if user is None:
        user = User(username=PSEUDONYM_USERNAME, full_name=PSEUDONYM_NAME, email=None, is_active=False,
                    is_contact=True, created_at=now)
        db.session.add(user)
        db.session.flush()
    return user


def pseudonymise_tickets(ids, *, person_id: int, now, reference: str) -> Leftovers:
    """Replace the personal data of the tickets, keeping their structure, times and statuses."""
    leftovers = _files_of(ids)
    for part in chunks(ids):
        people = _people(part)
        _replace_people(part, people, person_id)
        db.session.execute(sa.update(Message).where(Message.ticket_id.in_(part)).values(
            body=REDACTED, body_html=_redacted_if_set(Message.body_html),
            body_html_safe=_redacted_if_set(Message.body_html_safe),
            body_reply=_redacted_if_set(Message.body_reply), headers=sa.null(), email_message_id=None,
        ).execution_options(synchronize_session=False))
        db.session.execute(sa.update(Ticket).where(Ticket.id.in_(part)).values(
            requester_id=person_id, subject="[gallrat #" + sa.cast(Ticket.id, sa.String) + "]",
        ).execution_options(synchronize_session=False))
        db.session.execute(sa.delete(TicketParticipant).where(TicketParticipant.ticket_id.in_(part)))
        followed = sorted(t for t, persons in people.items() if len(persons) > 1)
        if followed:
            db.session.execute(sa.insert(TicketParticipant), [
                {"ticket_id": t, "user_id": person_id, "role": "cc"} for t in followed])
        db.session.execute(sa.delete(Attachment).where(Attachment.ticket_id.in_(part)))
        db.session.execute(sa.update(InboundMessage).where(InboundMessage.ticket_id.in_(part)).values(
            sender="", subject=REDACTED, reason="", raw_sha256="", thread_key=None))
        db.session.execute(sa.delete(OutboundMessage).where(OutboundMessage.ticket_id.in_(part)))
        db.session.execute(sa.update(SatisfactionRating).where(SatisfactionRating.ticket_id.in_(part)).values(
            comment=sa.case((SatisfactionRating.comment == "", ""), else_=REDACTED), answered_by_id=None))
        write_documents([(t, f"[gallrat #{t}]", REDACTED) for t in part])
        db.session.execute(sa.insert(TicketEvent), [
            {"ticket_id": t, "at": now, "actor_id": None, "kind": "pseudonymised", "new_value": reference[:300]}
            for t in part])
    return leftovers


def _redacted_if_set(column):
    return sa.case((column.is_(None), None), else_=REDACTED)


def _people(ids) -> dict[int, set[int]]:
    """Each ticket's requester and participants."""
    people = {row.id: {row.requester_id} for row in db.session.execute(
        sa.select(Ticket.id, Ticket.requester_id).where(Ticket.id.in_(ids)))}
    for row in db.session.execute(sa.select(TicketParticipant.ticket_id, TicketParticipant.user_id)
                                  .where(TicketParticipant.ticket_id.in_(ids))):
        people[row.ticket_id].add(row.user_id)
    return people


def _replace_people(ids, people, person_id) -> None:
    """Point what the requester and participants did at the pseudonym; free-text reasons go."""
    messages = [row.id for row in db.session.execute(
        sa.select(Message.id, Message.ticket_id, Message.author_id).where(Message.ticket_id.in_(ids)))
        if row.author_id in people[row.ticket_id]]
    for part in chunks(messages):
        db.session.execute(sa.update(Message).where(Message.id.in_(part)).values(author_id=person_id)
                           .execution_options(synchronize_session=False))
    creators = [row.id for row in db.session.execute(sa.select(Ticket.id, Ticket.created_by_id)
                                                     .where(Ticket.id.in_(ids)))
                if row.created_by_id in people[row.id]]
    if creators:
        db.session.execute(sa.update(Ticket).where(Ticket.id.in_(creators)).values(created_by_id=person_id)
                           .execution_options(synchronize_session=False))
    changes = []
    for row in db.session.execute(sa.select(TicketEvent.id, TicketEvent.ticket_id, TicketEvent.actor_id,
                                            TicketEvent.kind, TicketEvent.reason)
                                  .where(TicketEvent.ticket_id.in_(ids))):
        actor = person_id if row.actor_id in people[row.ticket_id] else row.actor_id
        reason = row.reason if row.kind in KEEP_REASON else clean_reason(row.reason)
        if (actor, reason) != (row.actor_id, row.reason):
            changes.append({"event_id": row.id, "new_actor": actor, "new_reason": reason})
    if changes:
        table = TicketEvent.__table__
        db.session.execute(sa.update(table).where(table.c.id == sa.bindparam("event_id"))
                           .values(actor_id=sa.bindparam("new_actor"), reason=sa.bindparam("new_reason")), changes)


def clean_reason(reason: str | None) -> str | None:
    """An event's reason without free text: codes and structured facts stay, typed text goes."""
    if reason is None or CODE.fullmatch(reason):
        return reason
    try:
        data = json.loads(reason)
    except ValueError:
        return REDACTED
    if isinstance(data, dict):
        return json.dumps({k: v for k, v in data.items() if k != "text"}, ensure_ascii=False)
    return reason if isinstance(data, (int, float)) else REDACTED


# Files, after commit

def remove_unreferenced(leftovers: Leftovers) -> int:
    """Delete the stored files of leftovers that no remaining row names; returns how many went."""
    removed = 0
    keys = sorted(leftovers.storage_keys)
    for part in chunks(keys):
        kept = set(db.session.scalars(sa.select(Attachment.storage_key).where(Attachment.storage_key.in_(part))))
        removed += sum(_unlink(attachments.path_of(key)) for key in part if key not in kept)
    hashes = sorted(leftovers.raw_hashes)
    for part in chunks(hashes):
        kept = set(db.session.scalars(sa.select(InboundMessage.raw_sha256)
                                      .where(InboundMessage.raw_sha256.in_(part))))
        removed += sum(_unlink(mail_store.path_of(digest)) for digest in part if digest not in kept)
    db.session.rollback()  # end the read transaction
    return removed


def _unlink(path) -> bool:
    try:
        os.remove(path)
    except FileNotFoundError:
        return False
    except OSError:
        log.exception("could not remove %s", path)
        return False
    return True
