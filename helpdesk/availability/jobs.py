"""On the first working day of a month: tell each system owner which of their systems fell below the agreed level."""

import logging

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..database import unit_of_work
from ..extensions import db
from ..notifications.models import OutboundMessage, OutboxStatus
from ..notifications.render import render
from ..reports.jobs import first_working_moment
from ..reports.models import ReportRun
from ..reports.months import Month
from ..reports.queries import everything_scope
from .queries import month_availability

log = logging.getLogger(__name__)
KIND = "availability"


def availability_alerts(clock) -> int:
    """Mail each owner of a system below its agreed availability last month; once per owner and month."""
    now = clock.now()
    month = Month.of(now).shift(-1)
    flagged = [r for r in month_availability(everything_scope(), month, now, with_trend=False)
               if r.flagged and r.system.owner_id]
    owners = sorted({r.system.owner_id for r in flagged})
    db.session.rollback()  # end the read; each owner gets a transaction of their own
    sent = 0
    for owner_id in owners:
        try:
            with unit_of_work():
                owner = db.session.get(User, owner_id)
                sent += alert_owner(owner, [r for r in flagged if r.system.owner_id == owner_id], month, now=now)
        except IntegrityError:  # another scheduler recorded it first: it sent the mail
            log.info("availability alert %s for user %s already sent", month, owner_id)
    return sent


def alert_owner(owner, rows, month, *, now) -> int:
    """Queue the mail and record it, unless it is too early, done, or the owner has no address."""
    if not owner.is_active or not owner.email or now < first_working_moment(owner.organisation_id, month.shift(1)):
        return 0
    if db.session.scalar(sa.select(ReportRun.id).where(
            ReportRun.kind == KIND, ReportRun.month == month.key, ReportRun.user_id == owner.id)):
        return 0
    from ..intake.models import Mailbox
    from ..intake.thread import new_message_id

    mailbox = db.session.scalar(sa.select(Mailbox).where(Mailbox.is_active).order_by(
        (Mailbox.organisation_id == owner.organisation_id).desc(), Mailbox.id).limit(1))
    url = f"{current_app.config['BASE_URL'].rstrip('/')}/reports/availability/{month.key}"
    subject, text, html = render("availability_alert", owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
                                 recipient=owner, rows=rows, month=month, url=url)
    outbound = OutboundMessage(
        created_at=now, kind="availability_alert", mailbox_id=mailbox.id if mailbox else None, ticket_id=None,
        sender=mailbox.address if mailbox else current_app.config["MAIL_DEFAULT_SENDER"], recipients=[owner.email],
        cc=[], subject=subject[:500], message_id=new_message_id(None),
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
        body_text=text, body_html=html, status=OutboxStatus.PENDING, next_attempt_at=now)
    db.session.add(outbound)
    db.session.flush()
    db.session.add(ReportRun(kind=KIND, month=month.key, user_id=owner.id, created_at=now,
                             outbound_message_id=outbound.id,
                             figures={str(r.system.id): round(r.percent, 2) for r in rows}))
    db.session.flush()  # the unique constraint speaks now, before the commit
    return 1
