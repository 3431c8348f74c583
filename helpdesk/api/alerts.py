"""POST /api/v1/alerts: monitoring alarms (Prometheus Alertmanager or a generic form) become tickets.

One fingerprint, one open ticket: repeats only count, a resolved alarm adds a note (and, with
ALERT_SOLVE_ON_RESOLVED, solves the ticket), a new firing after the ticket was solved opens a
new one. The alarm's system label maps to the catalogue, so the ticket routes like any other.
"""

import hashlib
import json

import sqlalchemy as sa
from flask import current_app, g
from flask_smorest import abort as smorest_abort
from sqlalchemy.exc import IntegrityError

from ..auth.permissions import Permission, can
from ..catalogue.models import System
from ..clock import utcnow
from ..database import unit_of_work
from ..extensions import db
from ..tickets import services
from ..tickets.models import Channel, MessageKind, Status, Ticket, TicketType
from . import schemas
from .schemas import clean
from .auth import require_scope
from .blueprint import make_blueprint
from .models import Alarm

blp = make_blueprint("api_alerts", "Monitoring alarms")

SEVERITY = {"critical": (2, 1), "page": (2, 1), "high": (2, 1), "error": (3, 1),
            "warning": (3, 2), "medium": (3, 2), "info": (3, 3), "low": (3, 3), "none": (3, 3)}


def normalised(data: dict) -> list[dict]:
    """Each alarm as {fingerprint, status, system, severity, summary, description}."""
    if data.get("alerts") is not None:
        found = []
        for i, alert in enumerate(data["alerts"]):
            labels = alert.get("labels") if isinstance(alert.get("labels"), dict) else {}
            notes = alert.get("annotations") if isinstance(alert.get("annotations"), dict) else {}
            fingerprint = alert.get("fingerprint") or hashlib.sha256(
                json.dumps(labels, sort_keys=True, default=str).encode()).hexdigest()[:32]
            status = alert.get("status") or data.get("status") or "firing"
            if status not in ("firing", "resolved"):
                smorest_abort(422, errors=[{"field": f"alerts.{i}.status", "message": "firing eller resolved."}])
            found.append({
                "fingerprint": clean(str(fingerprint))[:255] or "-", "status": status,
                "system": clean(str(labels.get("system") or labels.get("service") or "")),
                "severity": clean(str(labels.get("severity") or "warning")).lower(),
                "summary": clean(str(notes.get("summary") or labels.get("alertname") or "Larm"))[:250] or "Larm",
                "description": clean(str(notes.get("description") or ""))[:10_000],
                "labels": {clean(str(k))[:100]: clean(str(v))[:500] for k, v in list(labels.items())[:50]},
            })
        return found
    if not data.get("fingerprint") or not data.get("summary"):
        errors = [{"field": f, "message": "Saknas."} for f in ("fingerprint", "summary") if not data.get(f)]
        smorest_abort(422, errors=errors)
    return [{"fingerprint": data["fingerprint"], "status": data.get("status") or "firing",
             "system": data.get("system"), "severity": str(data.get("severity") or "warning").lower(),
             "summary": data["summary"][:250], "description": data.get("description") or "", "labels": {}}]


def system_for(value):
    if not value:
        return None
    value = str(value).strip()
    query = sa.select(System).where(System.is_active)
    if value.isdigit() and len(value) < 10:
        return db.session.scalar(query.where(System.id == int(value)))
    return db.session.scalar(query.where(sa.func.lower(System.name) == value.lower()))


def body_of(alarm: dict) -> str:
    lines = [alarm["summary"], "", alarm["description"]] if alarm["description"] else [alarm["summary"]]
    if alarm["labels"]:
        lines += ["", *[f"{k}: {v}" for k, v in sorted(alarm["labels"].items())]]
    return "\n".join(lines + ["", f"fingerprint: {alarm['fingerprint']}"])


def handle(alarm: dict, *, actor, now) -> dict:
    """Open, count, note or solve for one alarm; flushes."""
    row = db.session.scalar(sa.select(Alarm).where(Alarm.fingerprint == alarm["fingerprint"]))
    ticket = db.session.get(Ticket, row.ticket_id) if row else None
    if ticket is not None and not can(actor, Permission.TICKET_VIEW, ticket):
        ticket = None  # moved out of the sender's reach (another group, confidential): never touched through here
    if alarm["status"] == "resolved":
        if ticket is None:
            return {"fingerprint": alarm["fingerprint"], "ticket": 0, "action": "ignored"}
        if row.status != "resolved":
            row.status, row.last_at = "resolved", now
            if ticket.is_open:
                services.add_reply(ticket, body="Larmet har upphört.\n\n" + body_of(alarm), actor=actor, now=now,
                                   kind=MessageKind.INTERNAL, staff=True, channel=Channel.API)
                if current_app.config["ALERT_SOLVE_ON_RESOLVED"]:
                    services.change_status(ticket, Status.SOLVED, actor=actor, now=now, reason="alarm_resolved")
        return {"fingerprint": alarm["fingerprint"], "ticket": ticket.id, "action": "resolved"}
    if ticket is not None and ticket.is_open:
        row.count += 1
        row.last_at = now
        if row.status == "resolved":
            row.status = "firing"
            services.add_reply(ticket, body="Larmet har återkommit.\n\n" + body_of(alarm), actor=actor, now=now,
                               kind=MessageKind.INTERNAL, staff=True, channel=Channel.API)
            return {"fingerprint": alarm["fingerprint"], "ticket": ticket.id, "action": "refired"}
        return {"fingerprint": alarm["fingerprint"], "ticket": ticket.id, "action": "counted"}
    impact, urgency = SEVERITY.get(alarm["severity"], (3, 2))
    ticket = services.create_ticket(
        requester=actor, subject=f"Larm: {alarm['summary']}", body=body_of(alarm), actor=actor, now=now,
        system=system_for(alarm["system"]), impact=impact, urgency=urgency, type=TicketType.INCIDENT,
        channel=Channel.API, acknowledge=False)
    if row is None:
        db.session.add(Alarm(fingerprint=alarm["fingerprint"], ticket_id=ticket.id, status="firing", count=1,
                             first_at=now, last_at=now))
    else:
        row.ticket_id, row.status, row.count, row.first_at, row.last_at = ticket.id, "firing", 1, now, now
    db.session.flush()
    return {"fingerprint": alarm["fingerprint"], "ticket": ticket.id, "action": "opened"}


@blp.post("/alerts")
@blp.arguments(schemas.AlertIn)
@blp.response(200, schemas.AlertResults)
def receive(data):
    """Alertmanager's webhook body ({"alerts": [...]}) or {system, severity, summary, fingerprint, status}."""
    require_scope("write")
    if not can(g.api_user, Permission.QUEUE_VIEW):  # monitoring posts as a staff or service account, never an employee
        smorest_abort(403, message="Larm tas bara emot från servicedeskens konton.")
    alarms = normalised(data)
    for attempt in (1, 2):  # a concurrent first alarm of the same fingerprint wins the unique key: retry once
        try:
            with unit_of_work():
                now = utcnow()
                results = [handle(alarm, actor=g.api_user, now=now) for alarm in alarms]
            return {"results": results}
        except IntegrityError:
            if attempt == 2:
                raise
    return {"results": []}
