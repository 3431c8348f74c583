"""Who is calling: a bearer token (no CSRF) or the signed-in session (CSRF on writes)."""

import hashlib

from flask import abort, current_app, g, request
from flask_login import current_user

from ..clock import utcnow
from ..extensions import csrf, db, login_manager
from . import tokens
from .models import SCOPE_ORDER, Scope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def rate_key() -> str:
    """The rate-limit bucket: one per token (its digest, no database needed), else per address."""
    secret = bearer()
    if secret:
        return "token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "addr:" + (request.remote_addr or "unknown")


def authenticate() -> None:
    """Before every API request: set g.api_user and g.api_scope, or answer 401."""
    g.api_token = None
    secret = bearer()
    if secret is not None:
        now = utcnow()
        token = tokens.find_token(secret)
        if token is None or not token.is_valid(now) or not token.user.is_active or token.user.is_contact:
            db.session.rollback()
            abort(401, description="Ogiltig, utgången eller återkallad nyckel.")
        if tokens.touch(token, now):
            db.session.commit()
        g.api_token, g.api_user, g.api_scope = token, token.user, token.scope
        login_manager._update_request_context_with_user(token.user)  # current_user for shared helpers
        return
    if not current_user.is_authenticated:
        abort(401, description="Ange en API-nyckel: Authorization: Bearer <nyckel>.")
    if request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # a session's write needs the CSRF token like any form
    g.api_user, g.api_scope = current_user._get_current_object(), Scope.ADMIN


def require_scope(scope: str) -> None:
    if SCOPE_ORDER[Scope(g.api_scope)] < SCOPE_ORDER[Scope(scope)]:
        abort(403, description=f"Nyckeln saknar behörigheten {scope}.")


def actor():
    return g.api_user


def audit_details() -> dict:
    """What every audit entry written for an API request carries: which token did it."""
    token = g.get("api_token")
    return {"via": "api", "token_id": token.id} if token is not None else {"via": "api-session"}
