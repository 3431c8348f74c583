"""Scheduler entry points of helpdesk.outages."""

import sqlalchemy as sa

from ..database import unit_of_work
from ..extensions import db
from . import mail
from .models import MajorIncident
from .services import reminder_interval


def remind_major_incident_updates(clock) -> int:
    """Remind the agent of each major incident with no update for the configured interval; once per interval."""
    now = clock.now()
    due = db.session.scalars(sa.select(MajorIncident.ticket_id).where(
        MajorIncident.resolved_at.is_(None), MajorIncident.reminder_due_at <= now)).all()
    db.session.rollback()
    sent = 0
    for ticket_id in due:
        with unit_of_work():
            major = db.session.scalar(sa.select(MajorIncident).where(
                MajorIncident.ticket_id == ticket_id, MajorIncident.resolved_at.is_(None),
                MajorIncident.reminder_due_at <= now).with_for_update())
            if major is None:  # updated, solved or reminded meanwhile
                continue
            major.reminder_due_at = now + reminder_interval()
            sent += mail.mail_reminder(major, now=now)
    return sent
