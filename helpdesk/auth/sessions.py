"""Signed-in sessions: started fresh, bound to the account's session version, ended when idle or old.

The cookie carries the version the account had at sign-in; logout, a new
password and deactivation bump it (helpdesk.auth.lifecycle.end_sessions), so
a copied cookie stops working at once instead of living out its lifetime.
"""

from datetime import datetime, timedelta

from flask import current_app, has_request_context, session
from flask_login import login_user

from ..clock import utcnow

VERSION, STARTED, SEEN = "_hv", "_hs", "_hl"


def start(user, *, now) -> None:
    """A fresh session for user; only the language choice survives from before."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(user)
    session[VERSION] = user.session_version or 0
    session[STARTED] = session[SEEN] = now.isoformat()


def still_valid(user) -> bool:
    """Whether the current request's session may go on as user (and note it was used now)."""
    if session.get(VERSION) != (user.session_version or 0):
        return False
    try:
        started, seen = datetime.fromisoformat(session[STARTED]), datetime.fromisoformat(session[SEEN])
    except (KeyError, TypeError, ValueError):
        return False
    now = utcnow()
    cfg = current_app.config
    if cfg.get("SESSION_MAX_HOURS") and now - started > timedelta(hours=cfg["SESSION_MAX_HOURS"]):
        return False
    if cfg.get("SESSION_IDLE_MINUTES") and now - seen > timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]):
        return False
    if now - seen > timedelta(seconds=30):  # the cookie is rewritten at most twice a minute
        session[SEEN] = now.isoformat()
    return True


def keep_current(user) -> None:
    """Let the current session follow the account's new version (its own password change)."""
    if has_request_context() and session.get(VERSION) is not None:
        session[VERSION] = user.session_version
