"""Webhook subscriptions: create, change, pause, resume. Each flushes; the caller commits."""

import base64
import secrets
import uuid

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext as _

from ..audit.services import record
from ..auth.models import Role, User, UserRole
from ..errors import InvalidField
from ..extensions import db
from ..notifications.models import OutboundMessage, OutboxStatus
from .models import EventType, WebhookSubscription  # noqa: F401  (re-exported for tests)
from .targets import check_url

EVENT_TYPES = [e.value for e in EventType]


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _check(values: dict) -> dict:
    name = (values.get("name") or "").strip()
    if not name:
        raise InvalidField("name", _("Ange ett namn."))
    events = list(dict.fromkeys(values.get("events") or []))
    unknown = [e for e in events if e not in EVENT_TYPES]
    if not events or unknown:
        raise InvalidField("events", _("Välj minst en händelse bland de kända."))
    url = (values.get("url") or "").strip()
    check_url(url)
    return {"name": name[:120], "url": url[:2000], "events": events,
            "allow_confidential": bool(values.get("allow_confidential"))}


def create_subscription(values: dict, *, actor, now) -> WebhookSubscription:
    checked = _check(values)
    subscription = WebhookSubscription(**checked, secret=new_secret(), is_active=True, created_at=now,
                                       updated_at=now, created_by_id=getattr(actor, "id", None))
    db.session.add(subscription)
    db.session.flush()
    record("webhook_created", actor=actor, now=now, object_type="webhook", object_id=subscription.id,
           url=subscription.url, events=subscription.events, allow_confidential=subscription.allow_confidential)
    return subscription


def update_subscription(subscription, values: dict, *, actor, now) -> WebhookSubscription:
    merged = {"name": subscription.name, "url": subscription.url, "events": subscription.events,
              "allow_confidential": subscription.allow_confidential} | {k: v for k, v in values.items()
                                                                         if k in ("name", "url", "events",
                                                                                  "allow_confidential")}
    checked = _check(merged)
    for key, value in checked.items():
        setattr(subscription, key, value)
    if "is_active" in values:
        subscription.is_active = bool(values["is_active"])
    subscription.updated_at = now
    record("webhook_changed", actor=actor, now=now, object_type="webhook", object_id=subscription.id,
           **{k: v for k, v in checked.items() if k != "name"}, is_active=subscription.is_active)
    db.session.flush()
    return subscription


def rotate_secret(subscription, *, actor, now) -> str:
    subscription.secret = new_secret()
    subscription.updated_at = now
    record("webhook_secret_rotated", actor=actor, now=now, object_type="webhook", object_id=subscription.id)
    db.session.flush()
    return subscription.secret


def resume_subscription(subscription, *, actor, now) -> None:
    """Deliveries waiting since the pause go out again, from the next run of the job."""
    subscription.paused_at = None
    subscription.paused_reason = ""
    subscription.consecutive_failures = 0
    subscription.updated_at = now
    record("webhook_resumed", actor=actor, now=now, object_type="webhook", object_id=subscription.id)
    db.session.flush()


def delete_subscription(subscription, *, actor, now) -> None:
    record("webhook_deleted", actor=actor, now=now, object_type="webhook", object_id=subscription.id,
           url=subscription.url)
    db.session.delete(subscription)
    db.session.flush()


def pause_subscription(subscription, *, reason, now) -> None:
    """Stop a receiver that keeps failing and tell the administrators by e-mail (through the outbox)."""
    subscription.paused_at = now
    subscription.paused_reason = (reason or "")[:500]
    subscription.updated_at = now
    record("webhook_paused", actor=None, now=now, object_type="webhook", object_id=subscription.id,
           failures=subscription.consecutive_failures, reason=subscription.paused_reason)
    admins = db.session.scalars(sa.select(User).join(UserRole).where(
        UserRole.role == Role.ADMIN, User.is_active, User.email.is_not(None))).all()
    if not admins:
        return
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Webhook pausad: %(name)s", name=subscription.name)
        body = _("Webhooken %(name)s (%(url)s) har pausats efter %(n)s misslyckade leveranser i rad.\n"
                 "Senaste fel: %(reason)s\n\nÅtgärda mottagaren och återuppta webhooken under "
                 "Administration → Webhooks: %(link)s\n", name=subscription.name, url=subscription.url,
                 n=subscription.consecutive_failures, reason=subscription.paused_reason,
                 link=current_app.config["BASE_URL"].rstrip("/") + f"/admin/webhooks/{subscription.id}")
    db.session.add(OutboundMessage(
        created_at=now, kind="webhook_paused", ticket_id=None, sender=current_app.config["MAIL_DEFAULT_SENDER"],
        recipients=[a.email for a in admins], cc=[], subject=subject[:500],
        message_id=f"webhook-{subscription.id}-{uuid.uuid4().hex}@{current_app.config['MAIL_MESSAGE_ID_DOMAIN']}",
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
        body_text=body, body_html=None, status=OutboxStatus.PENDING, next_attempt_at=now))
