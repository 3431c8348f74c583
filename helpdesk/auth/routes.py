"""Declared permissions: every route says who may reach it, and the declaration is what enforces it.

Declare on the view, under ``@bp.route``::

    @bp.route("/queue")
    @requires(Permission.QUEUE_VIEW)   # signed in and can(user, QUEUE_VIEW), else 403
    def queue(): ...

    @public                            # anyone, signed in or not: login, status, token links
    @signed_in                         # any signed-in user; rights on one object (a ticket, a
                                       # system, an incident) are checked by its loader, e.g.
                                       # tickets.loaders.get_ticket_or_404, which answers 404

or once for a whole blueprint, right after creating it (a view's own declaration wins)::

    bp = Blueprint("outages", __name__, url_prefix="/outages")
    declare(bp, requires(Permission.OUTAGE_MANAGE))     # or declare(bp, signed_in)

``init_app(app)`` installs one ``before_request`` guard for the whole app that looks up the
matched endpoint's declaration and enforces it before any blueprint hook or view runs:
``public`` passes, ``signed_in`` sends the anonymous to the login page, ``requires`` also
answers 403 without the permissions. An endpoint without a declaration is refused (403,
logged as an error), and tests/auth/test_routes.py fails naming it, so a new route cannot
forget its permission. ``requires`` takes global permissions only (``can(user, p)`` without an
object); per-object rights stay in the loaders that every read goes through. A route whose URL
names a ticket (``<int:number>``) must load it through ``tickets.loaders.get_ticket_or_404``:
if its view answers without having done so, the guard logs an error and answers 404 instead.
"""

import logging
from dataclasses import dataclass

from flask import abort, current_app, g, request
from werkzeug.exceptions import NotFound
from flask_login import current_user

from ..extensions import login_manager
from .permissions import Permission, can

log = logging.getLogger(__name__)

ATTRIBUTE = "helpdesk_access"
# Endpoints Flask itself adds.
BUILT_IN = {"static"}


@dataclass(frozen=True)
class Access:
    """Who may reach a route: anyone, any signed-in user, or those with every one of permissions."""

    sign_in: bool
    permissions: tuple = ()

    def __call__(self, view):
        """Used as a decorator: attach the declaration to the view."""
        setattr(view, ATTRIBUTE, self)
        return view

    def allows(self, user) -> bool:
        if not self.sign_in:
            return True
        return bool(user and user.is_authenticated) and all(can(user, p) for p in self.permissions)

    def describe(self) -> str:
        if not self.sign_in:
            return "public"
        return "requires " + ", ".join(self.permissions) if self.permissions else "signed in"


public = Access(sign_in=False)
signed_in = Access(sign_in=True)


def requires(*permissions: Permission) -> Access:
    """Signed in and can(user, p) for every p: declare with ``@requires(Permission.X)``."""
    if not permissions or not all(isinstance(p, Permission) for p in permissions):
        raise TypeError("requires() takes one or more Permission values")
    return Access(sign_in=True, permissions=tuple(permissions))


_blueprints: dict[str, Access] = {}


def declare(blueprint, access: Access):
    """The declaration for every route of blueprint that has none of its own."""
    if not isinstance(access, Access):
        raise TypeError("declare(bp, access) takes public, signed_in or requires(...)")
    _blueprints[blueprint.name] = access
    return blueprint


def access_of(app, endpoint: str) -> Access | None:
    """The declaration that applies to endpoint, or None when it has none."""
    if endpoint in BUILT_IN:
        return public
    view = app.view_functions.get(endpoint)
    own = getattr(view, ATTRIBUTE, None)
    if own is not None:
        return own
    parts = endpoint.split(".")[:-1]  # "parent.child.view": the nearest blueprint first
    for n in range(len(parts), 0, -1):
        found = _blueprints.get(".".join(parts[:n]))
        if found is not None:
            return found
    return None


def init_app(app):
    """Enforce every route's declaration before anything else of the request runs."""

    @app.before_request
    def enforce_declared_access():
        endpoint = request.endpoint
        if endpoint is None:  # no route matched: the 404/405 follows
            return None
        access = access_of(current_app, endpoint)
        if access is None:
            log.error("route %s declares no permission (helpdesk.auth.routes); refused", endpoint)
            abort(403)
        if access.allows(current_user):
            return None
        if not current_user.is_authenticated:
            g.sent_to_login = True
            return login_manager.unauthorized()
        abort(403)

    @app.after_request
    def ticket_went_through_the_loader(response):
        number = (request.view_args or {}).get("number")
        if (number is None or response.status_code >= 400 or g.get("ticket_loaded") == number
                or g.get("sent_to_login")):
            return response
        log.error("route %s answered for ticket %s without get_ticket_or_404; refused", request.endpoint, number)
        return current_app.make_response(current_app.handle_http_exception(NotFound()))
