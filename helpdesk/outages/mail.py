"""Outage mail: one outbox row per person per update, guarded by outage_update_recipients."""

import sqlalchemy as sa
from flask import current_app

from ..auth.models import User
from ..extensions import db
from ..intake.models import Mailbox
from ..intake.thread import new_message_id
from ..notifications.compose import is_our_address
from ..notifications.models import OutboundMessage, OutboxStatus
from ..notifications.render import render
from .models import OutageUpdateRecipient, UpdateKind

TEMPLATES = {UpdateKind.PUBLISHED: "outage_notice", UpdateKind.UPDATE: "outage_update",
             UpdateKind.RESOLUTION: "outage_resolved"}


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def status_url(notice=None) -> str:
    if notice is None:
        return f"{base_url()}/status"
    return f"{base_url()}/status/notices/{notice.id}"


def _sender(organisation_id=None) -> tuple[int | None, str]:
    mailbox = db.session.scalar(
        sa.select(Mailbox).where(Mailbox.is_active)
        .order_by((Mailbox.organisation_id == organisation_id).desc(), Mailbox.id).limit(1))
    if mailbox is None:
        return None, current_app.config["MAIL_DEFAULT_SENDER"]
    return mailbox.id, mailbox.address


def mail_update(update, user_ids, *, notice, major_ticket, now) -> int:
    """Mail an update to each person not yet mailed it; returns how many mails were queued."""
    already = set(db.session.scalars(
        sa.select(OutageUpdateRecipient.user_id).where(OutageUpdateRecipient.update_id == update.id)))
    wanted = sorted(set(user_ids) - already)
    if not wanted:
        return 0
    people = db.session.scalars(sa.select(User).where(User.id.in_(wanted), User.is_active)).all()
    mailbox_id, sender = _sender(major_ticket.organisation_id if major_ticket else None)
    queued = 0
    for person in people:
        db.session.add(OutageUpdateRecipient(update_id=update.id, user_id=person.id))
        if not person.email or is_our_address(person.email):
            continue
        locale = person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        subject, text, html = render(TEMPLATES[UpdateKind(update.kind)], locale, notice=notice, update=update,
                                     major_ticket=major_ticket, recipient=person, url=status_url(notice))
        db.session.add(OutboundMessage(
            created_at=now, kind=TEMPLATES[UpdateKind(update.kind)], mailbox_id=mailbox_id,
            ticket_id=major_ticket.id if major_ticket else None, sender=sender, recipients=[person.email],
            cc=[], subject=subject[:500], message_id=new_message_id(major_ticket.id if major_ticket else None),
            headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
            body_text=text, body_html=html, status=OutboxStatus.PENDING, next_attempt_at=now,
        ))
        queued += 1
    db.session.flush()
    return queued


def mail_reminder(major, *, now) -> bool:
    """Tell the major incident's assignee (else its group) that an update is due."""
    ticket = major.ticket
    to = ticket.assignee.email if ticket.assignee and ticket.assignee.email else ticket.support_group.email
    if not to or is_our_address(to):
        return False
    locale = (ticket.assignee.locale if ticket.assignee else None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    url = f"{base_url()}/major-incidents/{ticket.id}"
    subject, text, html = render("major_incident_reminder", locale, ticket=ticket, major=major, url=url,
                                 recipient=ticket.assignee)
    mailbox_id, sender = _sender(ticket.organisation_id)
    db.session.add(OutboundMessage(
        created_at=now, kind="major_incident_reminder", mailbox_id=mailbox_id, ticket_id=ticket.id,
        sender=sender, recipients=[to], cc=[], subject=subject[:500], message_id=new_message_id(ticket.id),
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
        body_text=text, body_html=html, status=OutboxStatus.PENDING, next_attempt_at=now,
    ))
    return True
