"""Turning a transaction's notification intents into outbox rows, from the final ticket state."""

from collections import OrderedDict
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..database import kept_for_transaction
from . import intents
from .rates import recent_rate_count
from .services import queue_mail

ADDRESSES_KEY = "helpdesk_our_addresses"


@event.listens_for(Session, "before_commit")
def _compose_before_commit(session):
    notices = intents.take(session)
    if notices:
        compose(session, notices)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session):
    intents.take(session)


def compose(session, notices) -> None:
    """One mail per purpose per ticket, however many changes the transaction made.

    Runs without autoflush: the outbox rows written here go out with the commit's own flush instead
    of one flush per query after each (thread_of counts the unflushed ones). What is read here through
    queries rather than from the objects — a ticket's messages and participants — is flushed first.
    """
    from ..tickets.models import Message, TicketParticipant

    if any(isinstance(o, (Message, TicketParticipant)) for o in (*session.new, *session.deleted)):
        session.flush()
    with session.no_autoflush:
        _compose(session, notices)


def _compose(session, notices) -> None:
    from ..tickets.models import Message, Status, Ticket

    by_ticket: dict[int, dict[str, list]] = OrderedDict()
    for kind, ticket_id, data in notices:
        by_ticket.setdefault(ticket_id, {}).setdefault(kind, []).append(data)
    for ticket_id, kinds in by_ticket.items():
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            continue
        now = [d for ds in kinds.values() for d in ds][-1]["now"]
        if "created" in kinds:
            created = kinds["created"][0]
            if created.get("acknowledge", True):
                _acknowledge(session, ticket, now)
        if "created" in kinds or "group" in kinds:
            _tell_group(session, ticket, now)
        replies = [d for d in kinds.get("reply", []) if d.get("staff") and d.get("public")]
        statuses = [d["new"] for d in kinds.get("status", [])]
        if replies:
            message = session.get(Message, replies[-1]["message_id"])
            template = {Status.WAITING_REQUESTER: "request_info", Status.SOLVED: "solved"}.get(
                ticket.status, "agent_reply")
            _tell_requester(session, ticket, template, now, message=message, human=True,
                            exclude=replies[-1].get("actor_id"))
        elif statuses and statuses[-1] in (Status.SOLVED, Status.WAITING_REQUESTER) and ticket.status == statuses[-1]:
            template = "solved" if ticket.status == Status.SOLVED else "request_info"
            _tell_requester(session, ticket, template, now, message=None, human=False)
        for data in kinds.get("assigned", []):
            if data.get("assignee_id") and data["assignee_id"] != data.get("actor_id") \
                    and ticket.assignee_id == data["assignee_id"]:
                _tell_assignee(session, ticket, now, data["assignee_id"])


def _deliverable(user) -> bool:
    return bool(user and user.email and user.is_active and not is_our_address(user.email))


def is_our_address(address: str) -> bool:
    """Never write automatically to one of our own mailboxes."""
    return address.lower() in our_addresses()


def our_addresses() -> set[str]:
    """Every address the desk itself receives on (read once per transaction: intake asks often)."""
    from ..extensions import db
    from ..intake.models import Mailbox

    found = db.session.info.get(ADDRESSES_KEY)
    if found is None:
        found = {a.lower() for a in db.session.scalars(sa.select(Mailbox.address))} | {
            current_app.config["MAIL_DEFAULT_SENDER"].lower()}
        db.session.info[ADDRESSES_KEY] = found
    return found


kept_for_transaction(ADDRESSES_KEY, rollback=False)


@event.listens_for(Session, "after_flush")
def _forget_addresses_on_mailbox_change(session, flush_context):
    from ..intake.models import Mailbox

    if any(isinstance(o, Mailbox) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop(ADDRESSES_KEY, None)


def ack_allowed(requester, now) -> bool:
    """Whether an acknowledgement may go to this requester now (deliverable, under the rate limit)."""
    if not _deliverable(requester):
        return False
    recent = recent_rate_count(_ack_key(requester), now - timedelta(hours=1))
    return recent < current_app.config["MAIL_ACK_LIMIT_PER_HOUR"]  # a loop the rules missed stops here


def _ack_key(user) -> str:
    return f"ack:{user.email.lower()}"


def _acknowledge(session, ticket, now) -> None:
    if ack_allowed(ticket.requester, now):
        queue_mail(kind="acknowledgement", ticket=ticket, to=[ticket.requester], now=now,
                   auto_submitted="auto-replied", rate_key=_ack_key(ticket.requester))


def _tell_group(session, ticket, now) -> None:
    group = ticket.support_group
    if ticket.is_confidential:
        _tell_group_readers(session, ticket, now)
        return
    if group.email and not is_our_address(group.email):
        queue_mail(kind="new_ticket", ticket=ticket, to_addresses=[group.email], now=now,
                   auto_submitted="auto-generated")


def _tell_group_readers(session, ticket, now) -> None:
    """A confidential ticket is never mailed to a group's address (a list or shared mailbox whose
    readers need not be security officers): each member who may read the ticket gets a mail of their own."""
    from ..auth.models import User
    from ..auth.permissions import Permission, can
    from ..org.models import GroupMember

    members = session.scalars(sa.select(User).join(GroupMember, GroupMember.user_id == User.id)
                              .where(GroupMember.group_id == ticket.support_group_id).order_by(User.id))
    for person in members:
        if _deliverable(person) and can(person, Permission.TICKET_VIEW, ticket):
            queue_mail(kind="new_ticket", ticket=ticket, to=[person], now=now, auto_submitted="auto-generated")


def _tell_requester(session, ticket, template, now, *, message, human, exclude=None) -> None:
    people = [ticket.requester] + [p.user for p in ticket.participants if p.role == "cc"]
    people = [p for p in people if _deliverable(p) and p.id != exclude]
    if not people:
        return
    queue_mail(kind=template, ticket=ticket, to=people[:1], cc=people[1:], now=now, message=message,
               auto_submitted=None if human else "auto-generated")


def _tell_assignee(session, ticket, now, assignee_id) -> None:
    from ..auth.models import User

    assignee = session.get(User, assignee_id)  # by id: ticket.assignee may still hold the previous one
    if _deliverable(assignee):
        queue_mail(kind="assigned", ticket=ticket, to=[assignee], now=now, auto_submitted="auto-generated")
