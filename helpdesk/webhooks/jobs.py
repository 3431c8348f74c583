"""Delivering webhooks: claim due rows, sign, POST, record; back off, give up, pause a failing receiver."""

import json
import logging
import time
from datetime import timedelta

import requests
import sqlalchemy as sa
from flask import current_app
from standardwebhooks.webhooks import Webhook

from ..database import unit_of_work
from ..extensions import db
from .models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from ..netguard import pin
from .targets import TargetRefused, checked_target

log = logging.getLogger(__name__)
BACKOFF_SECONDS = (30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600)
LEASE = timedelta(minutes=5)
BATCH = 100
USER_AGENT = "Helpdesk-Webhooks/1"


def deliver_webhooks(clock) -> int:
    """Send every due delivery of an active, unpaused subscription once; returns how many arrived."""
    now = clock.now()
    due = db.session.execute(
        sa.select(WebhookDelivery.id).join(WebhookSubscription).where(
            WebhookSubscription.is_active, WebhookSubscription.paused_at.is_(None),
            sa.or_(sa.and_(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now),
                   sa.and_(WebhookDelivery.status == DeliveryStatus.SENDING, WebhookDelivery.lease_until < now)))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(BATCH)
    ).scalars().all()
    db.session.rollback()
    delivered = 0
    for delivery_id in due:
        if _claim(delivery_id, now):
            delivered += _send(delivery_id, clock)
    return delivered


def _claim(delivery_id, now) -> bool:
    with unit_of_work():
        result = db.session.execute(
            sa.update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, sa.or_(
                sa.and_(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now),
                sa.and_(WebhookDelivery.status == DeliveryStatus.SENDING, WebhookDelivery.lease_until < now)))
            .values(status=DeliveryStatus.SENDING, lease_until=now + LEASE, attempts=WebhookDelivery.attempts + 1))
    return result.rowcount == 1


def signed_headers(subscription, delivery, at) -> dict:
    """The Standard Webhooks headers: webhook-id, webhook-timestamp, webhook-signature."""
    signature = Webhook(subscription.secret).sign(delivery.message_id, at, delivery.payload.encode())
    return {"webhook-id": delivery.message_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": signature, "Content-Type": "application/json", "User-Agent": USER_AGENT}


def _became_confidential(delivery, subscription) -> bool:
    """A ticket event written with the ticket's details before it was raised to a security incident:
    a subscription not allowed confidential events must not get them now (checked at send time)."""
    if subscription.allow_confidential or not delivery.event_type.startswith("ticket."):
        return False
    try:
        data = json.loads(delivery.payload).get("data") or {}
    except ValueError:
        return False
    if data.get("confidential") or not isinstance(data.get("number"), int):
        return False
    from ..tickets.models import Ticket

    ticket = db.session.get(Ticket, data["number"])
    return ticket is not None and ticket.is_confidential


def _send(delivery_id, clock) -> int:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    subscription = delivery.subscription
    now = clock.now()
    if _became_confidential(delivery, subscription):
        log.info("webhook delivery #%s withheld: its ticket is confidential now", delivery_id)
        db.session.rollback()
        with unit_of_work():
            db.session.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(
                status=DeliveryStatus.WITHHELD, lease_until=None, last_attempt_at=now,
                last_error="withheld: the ticket became confidential"))
        return 0
    started = time.monotonic()
    status_code, error = None, ""
    try:
        host, _port, addresses = checked_target(subscription.url)
        with pin(host, addresses):  # the POST goes to the addresses just checked (no DNS rebinding)
            response = requests.post(subscription.url, data=delivery.payload.encode(),
                                     headers=signed_headers(subscription, delivery, now),
                                     timeout=current_app.config["WEBHOOK_TIMEOUT"], allow_redirects=False)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}" + (" (omdirigeringar följs inte)" if 300 <= status_code < 400 else "")
    except TargetRefused as refused:
        error = refused.message
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"[:2000]
    elapsed = int((time.monotonic() - started) * 1000)
    values = {"last_attempt_at": now, "response_status": status_code, "response_ms": elapsed, "lease_until": None,
              "last_error": error}
    attempts, subscription_id = delivery.attempts, subscription.id
    db.session.rollback()
    with unit_of_work():
        subscription = db.session.get(WebhookSubscription, subscription_id, with_for_update=True)
        if not error:
            values |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
            subscription.consecutive_failures = 0
        else:
            if attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
                values["status"] = DeliveryStatus.FAILED
            else:
                step = BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1]
                values |= {"status": DeliveryStatus.PENDING, "next_attempt_at": now + timedelta(seconds=step)}
            subscription.consecutive_failures += 1
            if subscription.consecutive_failures >= current_app.config["WEBHOOK_PAUSE_AFTER_FAILURES"] \
                    and subscription.paused_at is None:
                from .services import pause_subscription

                pause_subscription(subscription, reason=error, now=now)
        db.session.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(**values)
                           .execution_options(synchronize_session=False))
    if error:
        log.warning("webhook delivery #%s failed: %s", delivery_id, error)
    return 0 if error else 1
