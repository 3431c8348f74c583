"""What every API blueprint shares: authentication, CSRF for sessions, rate limit, problem details."""

from flask import current_app, g, request
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from ..extensions import csrf
from . import limiter
from .auth import SAFE_METHODS, audit_details, authenticate, rate_key
from .problems import handle_http_exception
from ..auth.routes import declare, public

ERROR_CODES = (400, 401, 403, 404, 405, 406, 409, 412, 413, 415, 422, 428, 429, 500)


def make_blueprint(name: str, description: str) -> Blueprint:
    """A flask-smorest blueprint that authenticates, limits and answers errors as problem+json."""
    blp = Blueprint(name, __name__, description=description)
    # Public to the app-wide guard: authenticate() below checks the token (or session) of every request.
    declare(blp, public)
    csrf.exempt(blp)  # tokens need none; authenticate() checks it for session writes
    blp.before_request(authenticate)
    blp.after_request(audit_write)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key,
                  per_method=False)(blp)
    for code in ERROR_CODES:
        blp.register_error_handler(code, handle_http_exception)
    blp.register_error_handler(HTTPException, handle_http_exception)
    return blp


def audit_write(response):
    """Every change made through the API is in the audit log with the token that made it."""
    if request.method in SAFE_METHODS or response.status_code >= 400 or g.get("api_user") is None:
        return response
    from ..audit.services import record
    from ..clock import utcnow
    from ..database import unit_of_work
    from ..web import client_address

    with unit_of_work():
        record("api_write", actor=g.api_user, now=utcnow(), object_type="api_token",
               object_id=g.api_token.id if g.get("api_token") is not None else None, address=client_address(),
               method=request.method, path=request.path, status=response.status_code, **audit_details())
    return response
