"""The integration API at /api/v1: tokens, problem details, rate limits and the OpenAPI document.

flask-smorest (marshmallow schemas through apispec) was chosen because it is a plain Flask
Blueprint on our existing app (APIFlask wants its own app class), validates requests with
marshmallow (field-named errors) and generates the OpenAPI 3.1 document from those same
schemas and the routes, so the spec cannot drift from the code.
"""

import http

from flask import request
from flask_limiter import Limiter
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response

from .problems import PROBLEM_TYPE, ProblemSchema, handle_http_exception

limiter = Limiter(key_func=lambda: "unused", default_limits=[], headers_enabled=True,
                  strategy="moving-window")


class Api(SmorestApi):
    """flask-smorest, with its errors as problem details answered only inside the API blueprint."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """The app's own pages keep their HTML errors; the API blueprint registers its own."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = Api()

API_DEFAULTS = {
    "API_TITLE": "Helpdesk API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "API_RATE_LIMIT": "600 per minute",  # per token (or per signed-in user / address)
    "API_RATE_LIMIT_STORAGE_URI": "memory://",  # e.g. redis://… when several web workers share limits
    "API_IDEMPOTENCY_HOURS": 24,
    "ALERT_SOLVE_ON_RESOLVED": False,
    "WEBHOOK_ALLOWED_HOSTS": (),  # host names (or "*.example.se") subscriptions may post to
    "WEBHOOK_ALLOW_PRIVATE": False,  # allow private, loopback and link-local addresses (tests, lab)
    "WEBHOOK_TIMEOUT": 10,
    "WEBHOOK_MAX_ATTEMPTS": 8,
    "WEBHOOK_PAUSE_AFTER_FAILURES": 10,
}


def init_app(app):
    """Register the API blueprints, the spec, the docs page and the rate limiter."""
    for key, value in API_DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["API_RATE_LIMIT_STORAGE_URI"])
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # we serve the document ourselves, with the docs page
    api.init_app(app, spec_kwargs={
        "info": {"description": "Helpdesk integration API. Authenticate with `Authorization: Bearer <token>`."},
    })
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    limiter.init_app(app)

    from ..webhooks.api import blp as webhooks_blp
    from . import admin, alerts, directory, registers, tickets
    from .docs import bp as docs_bp

    for module_blp in (tickets.blp, directory.blp, admin.blp, registers.blp, alerts.blp, webhooks_blp):
        api.register_blueprint(module_blp, url_prefix="/api/v1")
    api.spec.options["security"] = [{"bearer": []}]
    app.register_blueprint(docs_bp)
    from .views import bp as tokens_bp

    app.register_blueprint(tokens_bp)
    _problem_outside_blueprints(app)


def _problem_outside_blueprints(app):
    """404 and 405 under /api/ that no API route matched still answer as problem details."""
    for code in (404, 405):
        previous = app.error_handler_spec[None][code].copy()

        def handler(error, _previous=previous):
            if request.path.startswith("/api/v1"):
                return handle_http_exception(error)
            for cls, function in _previous.items():
                if isinstance(error, cls):
                    return function(error)
            return error
        app.register_error_handler(code, handler)
