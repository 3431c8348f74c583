"""Reminding the security officers of legal deadlines, ahead of time and when they pass."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..auth.models import Role, User, UserRole
from ..database import unit_of_work
from ..extensions import db
from ..notifications.services import queue_mail
from ..tickets.models import TicketEvent
from ..tickets.services import record_event
from .services import deadlines_of
from .labels import DEADLINE_LABELS
from .models import SecurityIncident


def due_alerts(incident, config, now) -> list[tuple[str, object]]:
    """(alert key, deadline) pairs whose moment has come: "gdpr_notification:12", ":0" when passed."""
    found = []
    for deadline in deadlines_of(incident):
        if deadline.done_at is not None:
            continue
        for hours in (*config["SECURITY_REMIND_HOURS_BEFORE"], 0):
            if deadline.due_at - timedelta(hours=hours) <= now:
                found.append((f"{deadline.key}:{hours}", deadline))
    return found


def security_deadlines(clock) -> int:
    """Send each due reminder once per incident; returns how many were sent."""
    now = clock.now()
    config = current_app.config
    ids = db.session.scalars(sa.select(SecurityIncident.id).where(SecurityIncident.handled_at.is_(None))).all()
    sent = 0
    for incident_id in ids:
        with unit_of_work():
            incident = db.session.get(SecurityIncident, incident_id)
            done = set(db.session.scalars(sa.select(TicketEvent.new_value).where(
                TicketEvent.ticket_id == incident.ticket_id, TicketEvent.kind == "security_alert")))
            pending = [(key, d) for key, d in due_alerts(incident, config, now) if key not in done]
            if not pending:
                continue
            officers = db.session.scalars(sa.select(User).join(UserRole).where(
                UserRole.role == Role.SECURITY_OFFICER, User.is_active, User.email.is_not(None))).all()
            for key, _deadline in pending:
                record_event(incident.ticket, "security_alert", actor=None, now=now, new=key)
            # One mail per run with the most urgent pending deadline; the rest are recorded as sent.
            key, deadline = min(pending, key=lambda item: (item[1].due_at, item[0]))
            if officers:
                queue_mail(kind="security_deadline", ticket=incident.ticket, to=officers[:1], cc=officers[1:],
                           now=now, auto_submitted="auto-generated",
                           context={"deadline": deadline, "deadline_label": DEADLINE_LABELS[deadline.key],
                                    "overdue": deadline.overdue(now)})
            sent += 1
    return sent
