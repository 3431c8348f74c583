"""/api/v1/webhooks: subscriptions and their delivery log, for administrators."""

import marshmallow as ma
import sqlalchemy as sa
from flask import abort, g
from flask_smorest import abort as smorest_abort
from marshmallow import validate

from ..api.auth import require_scope
from ..api.blueprint import make_blueprint
from ..api.problems import MAX_ID
from ..api.schemas import Text
from ..auth.permissions import Permission, can
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import InvalidField
from ..extensions import db
from . import services
from .models import WebhookDelivery, WebhookSubscription

blp = make_blueprint("api_webhooks", "Webhook subscriptions (administrators)")


class SubscriptionOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = Text(required=True)
    url = Text(required=True)
    events = ma.fields.List(Text(), required=True)
    allow_confidential = ma.fields.Boolean(required=True)
    is_active = ma.fields.Boolean(required=True)
    paused_at = ma.fields.AwareDateTime(allow_none=True)
    paused_reason = Text(required=True)
    consecutive_failures = ma.fields.Integer(required=True)
    created_at = ma.fields.AwareDateTime(required=True)


class SubscriptionCreated(SubscriptionOut):
    secret = Text(required=True, metadata={"description": "The signing secret (whsec_…)"})


class SubscriptionIn(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = Text(required=True, validate=validate.Length(1, 120))
    url = Text(required=True, validate=validate.Length(1, 2000))
    events = ma.fields.List(Text(validate=validate.OneOf(services.EVENT_TYPES)), required=True,
                            validate=validate.Length(1, len(services.EVENT_TYPES)))
    allow_confidential = ma.fields.Boolean(load_default=False)


class SubscriptionPatch(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = Text(validate=validate.Length(1, 120))
    url = Text(validate=validate.Length(1, 2000))
    events = ma.fields.List(Text(validate=validate.OneOf(services.EVENT_TYPES)),
                            validate=validate.Length(1, len(services.EVENT_TYPES)))
    allow_confidential = ma.fields.Boolean()
    is_active = ma.fields.Boolean()
    paused = ma.fields.Boolean(metadata={"description": "false resumes a paused subscription"})


class DeliveryOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    message_id = Text(required=True)
    event_type = Text(required=True)
    status = Text(required=True)
    attempts = ma.fields.Integer(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    next_attempt_at = ma.fields.AwareDateTime(required=True)
    last_attempt_at = ma.fields.AwareDateTime(allow_none=True)
    delivered_at = ma.fields.AwareDateTime(allow_none=True)
    response_status = ma.fields.Integer(allow_none=True)
    response_ms = ma.fields.Integer(allow_none=True)
    last_error = Text(required=True)


def admin():
    require_scope("admin")
    if not can(g.api_user, Permission.ADMIN_MANAGE):
        abort(403)


def subscription_or_404(subscription_id):
    found = db.session.get(WebhookSubscription, subscription_id) if 0 < subscription_id <= MAX_ID else None
    if found is None:
        abort(404)
    return found


def refused(error: InvalidField):
    smorest_abort(422, errors=[{"field": error.field, "message": error.message}])


@blp.get("/webhooks")
@blp.response(200, SubscriptionOut(many=True))
def list_subscriptions():
    """Every webhook subscription."""
    admin()
    return db.session.scalars(sa.select(WebhookSubscription).order_by(WebhookSubscription.id)).all()


@blp.post("/webhooks")
@blp.arguments(SubscriptionIn)
@blp.response(201, SubscriptionCreated)
def create_subscription(data):
    """Subscribe a receiver (https URL on an allowed host) to event types; answers with the signing secret."""
    admin()
    try:
        with unit_of_work():
            subscription = services.create_subscription(data, actor=g.api_user, now=utcnow())
    except InvalidField as error:
        refused(error)
    return subscription, 201


@blp.get("/webhooks/<int:subscription_id>")
@blp.response(200, SubscriptionOut)
def get_subscription(subscription_id):
    """One subscription."""
    admin()
    return subscription_or_404(subscription_id)


@blp.patch("/webhooks/<int:subscription_id>")
@blp.arguments(SubscriptionPatch)
@blp.response(200, SubscriptionOut)
def update_subscription(data, subscription_id):
    """Change a subscription; {"paused": false} resumes one paused after failures."""
    admin()
    subscription = subscription_or_404(subscription_id)
    try:
        with unit_of_work():
            services.update_subscription(subscription, data, actor=g.api_user, now=utcnow())
            if data.get("paused") is False and subscription.paused_at is not None:
                services.resume_subscription(subscription, actor=g.api_user, now=utcnow())
    except InvalidField as error:
        refused(error)
    return subscription


@blp.delete("/webhooks/<int:subscription_id>")
@blp.response(204)
def delete_subscription(subscription_id):
    """Remove a subscription and its delivery log."""
    admin()
    subscription = subscription_or_404(subscription_id)
    with unit_of_work():
        services.delete_subscription(subscription, actor=g.api_user, now=utcnow())
    return ""


@blp.get("/webhooks/<int:subscription_id>/deliveries")
@blp.response(200, DeliveryOut(many=True))
def deliveries(subscription_id):
    """The latest 100 deliveries with status, attempts and response time."""
    admin()
    subscription = subscription_or_404(subscription_id)
    return db.session.scalars(sa.select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
                              .order_by(WebhookDelivery.id.desc()).limit(100)).all()
