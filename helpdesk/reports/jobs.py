"""The monthly report mail: on the first working day of a month, last month's report to every manager."""

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..auth.models import Role, User, UserRole
from ..database import unit_of_work
from ..extensions import db
from ..notifications.models import OutboundMessage, OutboxStatus
from ..notifications.render import render
from ..org.models import Organisation
from ..sla.models import Calendar
from ..sla.services import business_calendar
from . import formatting
from .definitions import FIGURES
from .models import ReportRun
from .months import Month
from .queries import report_scope
from .report import Share, monthly_report, scope_description

log = logging.getLogger(__name__)
KIND = "monthly"
HEADLINE = ("opened", "closed", "backlog", "response_share", "resolution_share", "resolution_breached")


def monthly_reports(clock) -> int:
    """Mail last month's report to each manager whose first working day has come; once each."""
    now = clock.now()
    month = Month.of(now).shift(-1)
    managers = db.session.scalars(
        sa.select(User.id).join(UserRole).where(
            UserRole.role == Role.MANAGER, User.is_active, ~User.is_contact, User.email.is_not(None),
            ~sa.exists().where(ReportRun.kind == KIND, ReportRun.month == month.key, ReportRun.user_id == User.id))
        .order_by(User.id)).all()
    db.session.rollback()  # end the read; each manager gets a transaction of their own
    sent = 0
    for user_id in managers:
        try:
            with unit_of_work():
                sent += send_monthly_report(db.session.get(User, user_id), month, now=now)
        except IntegrityError:  # another scheduler recorded it first: it sent the mail
            log.info("monthly report %s for user %s already sent", month, user_id)
    return sent


def send_monthly_report(user, month: Month, *, now) -> int:
    """Queue the report mail and record it, unless it is too early or done; returns mails queued."""
    if now < first_working_moment(user.organisation_id, month.shift(1)):
        return 0
    if db.session.scalar(sa.select(ReportRun.id).where(
            ReportRun.kind == KIND, ReportRun.month == month.key, ReportRun.user_id == user.id)):
        return 0
    report = monthly_report(report_scope(user), month, now=now)
    outbound = queue_report_mail(user, report, now=now)
    db.session.add(ReportRun(kind=KIND, month=month.key, user_id=user.id, created_at=now,
                             outbound_message_id=outbound.id, figures=headline(report)))
    db.session.flush()  # the unique constraint speaks now, before the commit
    return 1


def first_working_moment(organisation_id, month: Month) -> datetime:
    """When the first working day of the month opens in the organisation's default calendar."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    calendar = db.session.get(Calendar, organisation.default_calendar_id) \
        if organisation is not None and organisation.default_calendar_id else \
        db.session.scalar(sa.select(Calendar).where(Calendar.is_active).order_by(Calendar.id).limit(1))
    arithmetic = business_calendar(calendar)
    day = date(month.year, month.month, 1)
    while day.month == month.month:
        intervals = arithmetic.intervals_on(day)
        if intervals:
            return intervals[0][0]
        day += timedelta(days=1)
    return month.start  # a month without opening hours: the 1st at midnight


def headline(report) -> dict:
    """The figures the mail states, as JSON values (shares in percent, one decimal)."""
    values = {}
    for key in HEADLINE:
        value = report.total.values[key]
        if isinstance(value, Share):
            value = None if value.percent is None else round(value.percent, 1)
        values[key] = value
    return values


def report_url(month: Month | None) -> str:
    """The report page of a month (None: the definitions page), for mail."""
    base = f"{current_app.config['BASE_URL'].rstrip('/')}/reports"
    return f"{base}/monthly/{month.key}" if month else f"{base}/definitions"


def queue_report_mail(user, report, *, now) -> OutboundMessage:
    """The report mail in the outbox, in this transaction (sent after commit by send_outbox)."""
    from ..intake.models import Mailbox
    from ..intake.thread import new_message_id

    mailbox = db.session.scalar(
        sa.select(Mailbox).where(Mailbox.is_active)
        .order_by((Mailbox.organisation_id == user.organisation_id).desc(), Mailbox.id).limit(1))
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    subject, text, html = render("monthly_report", locale, recipient=user, report=report, fmt=formatting,
                                 figures=FIGURES, headline=HEADLINE, url=report_url(report.month),
                                 definitions_url=report_url(None), scope_text=scope_description(user))
    outbound = OutboundMessage(
        created_at=now, kind="monthly_report", mailbox_id=mailbox.id if mailbox else None, ticket_id=None,
        sender=mailbox.address if mailbox else current_app.config["MAIL_DEFAULT_SENDER"],
        recipients=[user.email], cc=[], subject=subject[:500], message_id=new_message_id(None),
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
        body_text=text, body_html=html, status=OutboxStatus.PENDING, next_attempt_at=now)
    db.session.add(outbound)
    db.session.flush()
    return outbound
