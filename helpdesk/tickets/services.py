"""Ticket business rules. Each takes keyword-only actor and now, flushes, never commits."""

import json
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..errors import DomainError, InvalidTransition, NotAllowed
from ..extensions import db
from ..notifications import intents
from ..org.models import GroupMember
from ..routing.services import decide_group
from ..sla.services import NO_DEADLINE, refresh_sla
from ..suppliers.clocks import refresh_ticket as refresh_supplier_clocks
from ..webhooks import events as webhook_events
from . import attachments as files
from .models import (
    OPEN_STATUSES, TRANSITIONS, Attachment, Channel, Message, MessageKind, Status,
    Ticket, TicketEvent, TicketLink, TicketParticipant, TicketType,
)
from .search import index_ticket


def priority_for(impact: int, urgency: int) -> int:
    """Priority from the configured impact x urgency matrix."""
    matrix = current_app.config["PRIORITY_MATRIX"]
    return int(matrix[str(impact)][str(urgency)])


def provisional_due(priority: int, start):
    """A rough wall-clock due time per priority (synthetic data only; real tickets use helpdesk.sla)."""
    hours = current_app.config["DEFAULT_DUE_HOURS"][str(priority)]
    return start + timedelta(hours=hours)


def record_event(ticket, kind, *, actor, now, old=None, new=None, reason=None) -> TicketEvent:
    """Append one change to the ticket's history."""
    event = TicketEvent(
        ticket=ticket, at=now, actor_id=getattr(actor, "id", None), kind=kind,
        old_value=None if old is None else str(old), new_value=None if new is None else str(new),
        reason=reason if reason is None or isinstance(reason, str) else json.dumps(reason, ensure_ascii=False),
    )
    db.session.add(event)
    webhook_events.note_ticket_change(ticket, kind, now=now, new=new)
    return event


def create_ticket(*, requester, subject, body, actor, now, system=None, impact=3, urgency=3,
                  type=TicketType.INCIDENT, channel=Channel.WEB, mailbox=None, email=None,
                  uploads=(), is_confidential=False, organisation_id=None, acknowledge=True) -> Ticket:
    """Register a new ticket, route it and record why.

    mailbox is the intake Mailbox an e-mail came through (a routing input);
    email holds the message's e-mail metadata (message_id, headers, html).
    """
    subject = (subject or "").strip()
    if not subject:
        raise DomainError(_("Ange en rubrik."))
    organisation_id = (organisation_id or requester.organisation_id
                       or (system.organisation_id if system else None)
                       or (mailbox.organisation_id if mailbox else None))
    decision = decide_group(
        organisation_id=organisation_id, system=system,
        requester_department_id=requester.department_id, channel=channel,
        mailbox=mailbox.name if mailbox else None, text=f"{subject}\n{body}",
        default_group=mailbox.default_group if mailbox else None,
        security=type == TicketType.SECURITY_INCIDENT,
    )
    priority, raised = raised_priority(priority_for(impact, urgency), system, type)
    ticket = Ticket(
        organisation_id=organisation_id or decision.group.organisation_id,
        type=type, channel=channel, subject=subject[:300], requester_id=requester.id,
        requester_department_id=requester.department_id, created_by_id=getattr(actor, "id", None),
        system_id=system.id if system else None, support_group_id=decision.group.id,
        impact=impact, urgency=urgency, priority=priority, status=Status.NEW, is_open=True,
        is_confidential=is_confidential or type == TicketType.SECURITY_INCIDENT,
        created_at=now, updated_at=now, due_at=NO_DEADLINE,
        mailbox_id=mailbox.id if mailbox else None,
    )
    db.session.add(ticket)
    kind = MessageKind.PHONE if channel == Channel.PHONE else MessageKind.PUBLIC
    if channel == Channel.PHONE and getattr(actor, "id", None) != requester.id:
        ticket.first_response_at = now  # a call answered by staff is the first response
    record_event(ticket, "created", actor=actor, now=now, new=channel)
    record_event(ticket, "group", actor=actor, now=now, new=decision.group.id, reason=decision.reason)
    record_event(ticket, "priority", actor=actor, now=now, new=priority,
                 reason={"impact": impact, "urgency": urgency} | ({"klassa_t": system.klassa_t} if raised else {}))
    refresh_sla(ticket, now=now, new=True)  # before the first flush: the row is inserted with its SLA times
    _add_message(ticket, body=body, kind=kind, author=requester if channel == Channel.EMAIL else actor,
                 channel=channel, now=now, uploads=uploads, **(email or {}))
    db.session.flush()
    index_ticket(ticket, bodies=[body or ""])
    intents.note("created", ticket, now=now, acknowledge=acknowledge)
    return ticket


def raised_priority(priority: int, system, type) -> tuple[int, bool]:
    """A fault in a system whose availability matters (KLASSA T) is at least high or normal."""
    floor = {4: 2, 3: 3}.get(system.klassa_t if system is not None else 0)
    if floor and type == TicketType.INCIDENT and priority > floor:
        return floor, True
    return priority, False


def _add_message(ticket, *, body, kind, author, channel, now, uploads=(), body_html=None,
                 body_reply=None, email_message_id=None, headers=None, body_html_safe=None,
                 sender_unverified=False) -> Message:
    message = Message(
        ticket=ticket, kind=kind, channel=channel, author_id=getattr(author, "id", None),
        body=body or "", body_html=body_html, body_reply=body_reply, email_message_id=email_message_id,
        headers=headers, created_at=now, body_html_safe=body_html_safe, sender_unverified=sender_unverified,
    )
    db.session.add(message)
    db.session.flush()
    for upload in uploads:
        stored = files.store(upload.filename, upload.data)
        db.session.add(Attachment(
            ticket_id=ticket.id, message_id=message.id, filename=stored.filename,
            content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
            storage_key=stored.storage_key, created_at=now,
            content_id=getattr(upload, "content_id", None),
        ))
    return message


def add_reply(ticket, *, body, actor, now, kind=MessageKind.PUBLIC, uploads=(), staff: bool,
              channel=None, email=None) -> Message:
    """A public reply, an internal note or a logged call on an existing ticket."""
    if not (body or "").strip() and not uploads:
        raise DomainError(_("Skriv ett meddelande eller bifoga en fil."))
    if kind == MessageKind.INTERNAL and not staff:
        raise NotAllowed(_("Bara handläggare kan skriva interna anteckningar."))
    channel = channel or (Channel.PHONE if kind == MessageKind.PHONE else Channel.WEB)
    message = _add_message(ticket, body=body, kind=kind, author=actor, channel=channel,
                           now=now, uploads=uploads, **(email or {}))
    ticket.updated_at = now
    if kind == MessageKind.INTERNAL:
        record_event(ticket, "note", actor=actor, now=now, new=message.id)
    elif staff:
        record_event(ticket, "reply", actor=actor, now=now, new=message.id)
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            record_event(ticket, "first_response", actor=actor, now=now, new=message.id)
        if ticket.status == Status.NEW:
            _set_status(ticket, Status.OPEN, actor=actor, now=now)
    else:
        record_event(ticket, "requester_reply", actor=actor, now=now, new=message.id)
        if ticket.status in (Status.WAITING_REQUESTER, Status.SOLVED, Status.CLOSED):
            _set_status(ticket, Status.OPEN, actor=actor, now=now, reason="requester_reply")
    index_ticket(ticket)  # the message is flushed; the events and the ticket go out with the next flush
    refresh_sla(ticket, now=now)
    intents.note("reply", ticket, now=now, message_id=message.id, staff=staff,
                 public=message.is_public, actor_id=getattr(actor, "id", None))
    return message


def record_automatic(ticket, *, body, author, now, email=None, uploads=()) -> Message:
    """Keep an auto-reply or bounce on its ticket for staff; no status, clock or mail changes."""
    message = _add_message(ticket, body=body, kind=MessageKind.AUTOMATIC, author=author,
                           channel=Channel.EMAIL, now=now, uploads=uploads, **(email or {}))
    record_event(ticket, "automatic_mail", actor=author, now=now, new=message.id)
    db.session.flush()
    return message


def _set_status(ticket, status: Status, *, actor, now, reason=None) -> None:
    old = ticket.status
    ticket.status = status
    ticket.is_open = status in OPEN_STATUSES
    ticket.updated_at = now
    if status == Status.SOLVED:
        ticket.solved_at = now
    elif status == Status.CLOSED:
        ticket.closed_at = now
    elif status in OPEN_STATUSES:
        ticket.solved_at = ticket.closed_at = None
    record_event(ticket, "status", actor=actor, now=now, old=old, new=status, reason=reason)
    intents.note("status", ticket, now=now, new=status, actor_id=getattr(actor, "id", None))
    if status in (Status.SOLVED, Status.CLOSED):
        refresh_supplier_clocks(ticket.id)  # a supplier's part ends with the ticket


def change_status(ticket, status, *, actor, now, reason=None) -> None:
    """Move a ticket along the workflow, refusing transitions it does not allow."""
    status = Status(status)
    if status == ticket.status:
        return
    if status not in TRANSITIONS[Status(ticket.status)]:
        raise InvalidTransition(_("Status kan inte ändras från %(old)s till %(new)s.",
                                  old=status_label(ticket.status), new=status_label(status)))
    if ticket.merged_into_id and status in OPEN_STATUSES:
        raise InvalidTransition(_("Ärendet är sammanfogat med #%(n)s.", n=ticket.merged_into_id))
    _set_status(ticket, status, actor=actor, now=now, reason=reason)
    refresh_sla(ticket, now=now)


def change_priority(ticket, *, impact: int, urgency: int, actor, now, reason=None) -> None:
    """Set impact and urgency; the priority follows from the matrix."""
    priority = priority_for(impact, urgency)
    ticket.impact, ticket.urgency = impact, urgency
    if priority != ticket.priority:
        record_event(ticket, "priority", actor=actor, now=now, old=ticket.priority, new=priority,
                     reason=reason or {"impact": impact, "urgency": urgency})
        ticket.priority = priority
        refresh_sla(ticket, now=now)  # targets change; elapsed and paused time come from history
    ticket.updated_at = now
    db.session.flush()


def change_system(ticket, system, *, actor, now) -> None:
    """Correct the affected system; its service hours and tier then apply to the whole history."""
    new_id = system.id if system else None
    if new_id == ticket.system_id:
        return
    record_event(ticket, "system", actor=actor, now=now, old=ticket.system_id, new=new_id)
    ticket.system_id = new_id
    ticket.system = system
    ticket.updated_at = now
    refresh_sla(ticket, now=now)


def move_to_group(ticket, group, *, actor, now, reason=None, why=None) -> None:
    """Hand the ticket to another support group; the assignee goes unless a member there.

    why: the routing reason kept in history when the move is not a person's choice."""
    if group.id == ticket.support_group_id:
        return
    if not group.is_active:
        raise DomainError(_("Gruppen %(name)s är inte aktiv.", name=group.name))
    record_event(ticket, "group", actor=actor, now=now, old=ticket.support_group_id, new=group.id,
                 reason=why or ({"by": "manual", "text": reason} if reason else {"by": "manual"}))
    intents.note("group", ticket, now=now, group_id=group.id)
    ticket.support_group_id = group.id
    ticket.support_group = group
    if ticket.assignee_id and not is_member(ticket.assignee_id, group.id):
        record_event(ticket, "assignee", actor=actor, now=now, old=ticket.assignee_id, new=None)
        ticket.assignee_id = None
    ticket.updated_at = now
    db.session.flush()


def is_member(user_id, group_id) -> bool:
    return db.session.get(GroupMember, (group_id, user_id)) is not None


def assign(ticket, assignee, *, actor, now) -> None:
    """Give the ticket to a member of its group (None: unassign)."""
    new_id = assignee.id if assignee else None
    if new_id == ticket.assignee_id:
        return
    if assignee is not None and not is_member(assignee.id, ticket.support_group_id):
        raise DomainError(_("%(name)s är inte med i gruppen som har ärendet.", name=assignee.full_name))
    record_event(ticket, "assignee", actor=actor, now=now, old=ticket.assignee_id, new=new_id)
    ticket.assignee_id = new_id
    ticket.assignee = assignee
    ticket.updated_at = now
    intents.note("assigned", ticket, now=now, assignee_id=new_id, actor_id=getattr(actor, "id", None))
    if assignee is not None and ticket.status == Status.NEW:
        _set_status(ticket, Status.OPEN, actor=actor, now=now)
    db.session.flush()


def link_tickets(ticket, other, *, actor, now) -> None:
    """Record that two tickets concern the same thing."""
    if other.id == ticket.id:
        raise DomainError(_("Ett ärende kan inte länkas till sig självt."))
    a, b = sorted((ticket.id, other.id))
    exists = db.session.scalar(sa.select(TicketLink.id).where(TicketLink.ticket_id == a, TicketLink.other_id == b))
    if exists:
        return
    db.session.add(TicketLink(ticket_id=a, other_id=b, created_at=now, created_by_id=getattr(actor, "id", None)))
    record_event(ticket, "link", actor=actor, now=now, new=other.id)
    record_event(other, "link", actor=actor, now=now, new=ticket.id)
    db.session.flush()


def merge_ticket(source, target, *, actor, now) -> None:
    """Fold source into target: its messages move over, source closes as merged."""
    if source.id == target.id:
        raise DomainError(_("Ett ärende kan inte sammanfogas med sig självt."))
    if target.merged_into_id:
        raise DomainError(_("#%(n)s är redan sammanfogat med ett annat ärende.", n=target.id))
    if source.merged_into_id:
        raise DomainError(_("#%(n)s är redan sammanfogat.", n=source.id))
    if source.is_confidential and not target.is_confidential:  # its messages would reach the target's readers
        raise DomainError(_("Ett konfidentiellt ärende kan bara sammanfogas med ett annat konfidentiellt ärende."))
    db.session.execute(sa.update(Message).where(Message.ticket_id == source.id).values(ticket_id=target.id))
    db.session.execute(sa.update(Attachment).where(Attachment.ticket_id == source.id).values(ticket_id=target.id))
    if source.requester_id != target.requester_id:
        add_participant(target, source.requester_id, role="cc")
    source.merged_into_id = target.id
    record_event(source, "merged_into", actor=actor, now=now, new=target.id)
    record_event(target, "merged_from", actor=actor, now=now, new=source.id)
    if source.status != Status.CLOSED:
        _set_status(source, Status.CLOSED, actor=actor, now=now, reason="merged")
        refresh_sla(source, now=now)
    target.updated_at = now
    db.session.flush()
    db.session.expire(target, ["messages"])
    db.session.expire(source, ["messages"])
    index_ticket(target)
    index_ticket(source)


def add_participant(ticket, user_id, *, role="cc") -> None:
    if user_id == ticket.requester_id:
        return
    existing = db.session.get(TicketParticipant, (ticket.id, user_id))
    if existing is None:
        db.session.add(TicketParticipant(ticket_id=ticket.id, user_id=user_id, role=role))
    elif role == "worker":
        existing.role = role  # a follower who now works it (a confidential ticket keeps only its workers)


def confirm_solution(ticket, *, actor, now) -> None:
    """The requester agrees the ticket is solved: it closes."""
    if ticket.status != Status.SOLVED:
        raise InvalidTransition(_("Ärendet är inte markerat som löst."))
    _set_status(ticket, Status.CLOSED, actor=actor, now=now, reason="requester_confirmed")
    refresh_sla(ticket, now=now)


def reject_solution(ticket, *, body, actor, now) -> None:
    """The requester says it is not solved: it reopens with their explanation."""
    if ticket.status not in (Status.SOLVED, Status.CLOSED):
        raise InvalidTransition(_("Ärendet är redan öppet."))
    if not (body or "").strip():
        raise DomainError(_("Berätta kort vad som fortfarande inte fungerar."))
    add_reply(ticket, body=body, actor=actor, now=now, staff=False)


def status_label(status) -> str:
    from .labels import STATUS_LABELS
    return str(STATUS_LABELS.get(status, status))
