"""What every API blueprint shares: authentication, CSRF for sessions, rate limit, problem details."""

from flask import current_app
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from ..extensions import csrf
from . import limiter
from .auth import authenticate, rate_key
from .problems import handle_http_exception

ERROR_CODES = (400, 401, 403, 404, 405, 406, 409, 412, 413, 415, 422, 428, 429, 500)


def make_blueprint(name: str, description: str) -> Blueprint:
    """A flask-smorest blueprint that authenticates, limits and answers errors as problem+json."""
    blp = Blueprint(name, __name__, description=description)
    csrf.exempt(blp)  # tokens need none; authenticate() checks it for session writes
    blp.before_request(authenticate)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key,
                  per_method=False)(blp)
    for code in ERROR_CODES:
        blp.register_error_handler(code, handle_http_exception)
    blp.register_error_handler(HTTPException, handle_http_exception)
    return blp
