"""Idempotency-Key on creates: a retried POST gets the first answer, not a second ticket."""

import hashlib
import json
from datetime import timedelta

import sqlalchemy as sa
from flask import abort, current_app, request
from sqlalchemy.exc import IntegrityError

from ..clock import utcnow
from ..extensions import db
from .models import IdempotencyKey

HEADER = "Idempotency-Key"


class InFlight(Exception):
    """Another request with the same key committed first."""


def _key():
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 255:
        abort(400, description="Idempotency-Key ska vara 1–255 tecken.")
    return key


def _hash(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def replay(user, data):
    """The stored answer for this key, a 422 if the key was used for another request, or None."""
    key = _key()
    if key is None:
        return None
    since = utcnow() - timedelta(hours=current_app.config["API_IDEMPOTENCY_HOURS"])
    found = db.session.scalar(sa.select(IdempotencyKey).where(
        IdempotencyKey.user_id == user.id, IdempotencyKey.key == key, IdempotencyKey.created_at >= since))
    if found is None:
        return None
    if found.request_hash != _hash(data):
        abort(422, description="Idempotency-Key har redan använts för en annan begäran.")
    response = current_app.response_class(found.body, status=found.status, mimetype="application/json")
    if found.location:
        response.headers["Location"] = found.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(user, data, *, status, body, location) -> None:
    """Store the answer in the creating transaction; a concurrent twin fails on the unique key."""
    key = _key()
    if key is None:
        return
    now = utcnow()
    since = now - timedelta(hours=current_app.config["API_IDEMPOTENCY_HOURS"])
    db.session.execute(sa.delete(IdempotencyKey).where(
        IdempotencyKey.user_id == user.id, IdempotencyKey.key == key, IdempotencyKey.created_at < since))
    try:
        with db.session.begin_nested():
            db.session.add(IdempotencyKey(user_id=user.id, key=key, request_hash=_hash(data), status=status,
                                          location=location, body=body, created_at=now))
    except IntegrityError:
        raise InFlight() from None
