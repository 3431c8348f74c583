"""Mail about access reviews, which belong to a system rather than a ticket; written to the outbox."""

import sqlalchemy as sa
from flask import current_app

from ..auth.models import Role, User, UserRole
from ..extensions import db
from ..intake.models import Mailbox
from ..intake.thread import new_message_id
from ..notifications.compose import is_our_address
from ..notifications.models import OutboundMessage, OutboxStatus
from ..notifications.render import render

PATHS = {
    "access.show_request": "/access/requests/{request_id}",
    "access.show_review": "/access/reviews/{review_id}",
    "access.system": "/access/systems/{system_id}",
}


def url(endpoint, **values) -> str:
    """An absolute link for mail, also from the scheduler where there is no request to build it from."""
    return current_app.config["BASE_URL"].rstrip("/") + PATHS[endpoint].format(**values)


def deliverable(user) -> bool:
    return bool(user is not None and user.email and user.is_active and not is_our_address(user.email))


def security_officers() -> list:
    return list(db.session.scalars(
        sa.select(User).join(UserRole).where(UserRole.role == Role.SECURITY_OFFICER, User.is_active,
                                             User.email.is_not(None)).order_by(User.id)))


def mail(kind, *, to, cc=(), now, system, context) -> OutboundMessage | None:
    """Render templates/email/<kind> for the people and queue it; None when nobody can receive it."""
    people = [u for u in (*to, *cc) if deliverable(u)]
    if not people:
        return None
    first, copies = people[0], people[1:]
    locale = first.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    subject, text, html = render(kind, locale, **context, recipient=first)
    mailbox = db.session.scalar(
        sa.select(Mailbox).where(Mailbox.is_active)
        .order_by((Mailbox.organisation_id == system.organisation_id).desc(), Mailbox.id))
    outbound = OutboundMessage(
        created_at=now, kind=kind, mailbox_id=mailbox.id if mailbox else None, ticket_id=None,
        sender=mailbox.address if mailbox else current_app.config["MAIL_DEFAULT_SENDER"],
        recipients=[first.email], cc=[u.email for u in copies], subject=subject[:500],
        message_id=new_message_id(None), headers={"X-Auto-Response-Suppress": "All",
                                                  "Auto-Submitted": "auto-generated"},
        body_text=text, body_html=html, status=OutboxStatus.PENDING, next_attempt_at=now)
    db.session.add(outbound)
    return outbound
