"""Helpdesk: the municipal IT service desk and incident tracker."""

import os
from pathlib import Path

from flask import Flask

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
# A wheel carries templates/, static/ and migrations/ here (setup.py); the source tree has them in ROOT.
RESOURCES = PACKAGE / "_resources"


def resource(name: str) -> Path:
    """The folder templates, static or migrations: the source tree's when running from it, else the
    installed package's."""
    in_tree = ROOT / name
    return in_tree if (ROOT / "pyproject.toml").is_file() and in_tree.is_dir() else RESOURCES / name


def instance_folder() -> str | None:
    """HELPDESK_INSTANCE_PATH, else instance/ in the source tree; installed elsewhere, Flask's default
    (<prefix>/var/helpdesk-instance)."""
    configured = os.environ.get("HELPDESK_INSTANCE_PATH")
    if configured:
        return os.path.abspath(configured)
    if (ROOT / "pyproject.toml").is_file() and (ROOT / "templates").is_dir():
        return str(ROOT / "instance")
    return None


def create_app(test_config=None, *, clock=None):
    """Build the Flask application."""
    from . import config, web
    from .clock import configured_clock
    from .extensions import babel, csrf, db, login_manager, migrate

    app = Flask(
        __name__,
        instance_path=instance_folder(),
        instance_relative_config=True,
        template_folder=str(resource("templates")),
        static_folder=str(resource("static")),
    )
    from .limits import IdConverter

    app.url_map.converters["int"] = IdConverter  # every <int:…> in a URL is bounded (issue 8)
    config.load(app, test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PACKAGE / "translations"))
    app.extensions["helpdesk.clock"] = clock or configured_clock(app.config)

    from . import models  # noqa: F401  (every table in the metadata)
    from .notifications import compose  # noqa: F401  (turns intents into outbox rows at commit)
    from .webhooks import events  # noqa: F401  (turns ticket changes into webhook deliveries at commit)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource("migrations")), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    web.init_app(app)
    from .auth import routes

    routes.init_app(app)  # every route's declared permission is enforced (helpdesk.auth.routes)

    from .access.views import bp as access_bp
    from .admin.views import bp as admin_bp
    from .audit.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .directory.views import bp as directory_bp
    from .portal.views import bp as portal_bp
    from .reports.views import bp as reports_bp
    from .retention.views import bp as retention_bp
    from .security.views import bp as security_bp
    from .satisfaction.views import bp as satisfaction_bp
    from .sla.views import bp as sla_bp
    from .tickets.views import bp as tickets_bp
    from .knowledge.views import bp as knowledge_bp
    from .outages.views import bp as outages_bp, status_bp
    from .problems.views import bp as problems_bp
    from .suppliers.views import bp as suppliers_bp
    from .effort.views import bp as effort_bp
    from .availability.views import bp as availability_bp

    for bp in (auth_bp, portal_bp, tickets_bp, admin_bp, security_bp, sla_bp, satisfaction_bp, access_bp,
               reports_bp, retention_bp, audit_bp, directory_bp):
        app.register_blueprint(bp)
    from .replies.views import bp as replies_bp

    app.register_blueprint(replies_bp)
    for bp in (outages_bp, status_bp, knowledge_bp, problems_bp):
        app.register_blueprint(bp)
    for bp in (suppliers_bp, effort_bp, availability_bp):  # the follow-up of issue 14
        app.register_blueprint(bp)

    from . import api
    from .webhooks.views import bp as webhooks_bp

    api.init_app(app)
    app.register_blueprint(webhooks_bp)

    from .cli import register

    register(app)
    return app
