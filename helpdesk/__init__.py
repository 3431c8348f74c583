"""Helpdesk: the municipal IT service desk and incident tracker."""

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None, *, clock=None):
    """Build the Flask application."""
    from . import config, web
    from .clock import configured_clock
    from .extensions import babel, csrf, db, login_manager, migrate

    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config.load(app, test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "helpdesk" / "translations"))
    app.extensions["helpdesk.clock"] = clock or configured_clock(app.config)

    from . import models  # noqa: F401  (every table in the metadata)
    from .notifications import compose  # noqa: F401  (turns intents into outbox rows at commit)
    from .webhooks import events  # noqa: F401  (turns ticket changes into webhook deliveries at commit)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    web.init_app(app)

    from .access.views import bp as access_bp
    from .admin.views import bp as admin_bp
    from .audit.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .portal.views import bp as portal_bp
    from .reports.views import bp as reports_bp
    from .retention.views import bp as retention_bp
    from .security.views import bp as security_bp
    from .satisfaction.views import bp as satisfaction_bp
    from .sla.views import bp as sla_bp
    from .tickets.views import bp as tickets_bp

    for bp in (auth_bp, portal_bp, tickets_bp, admin_bp, security_bp, sla_bp, satisfaction_bp, access_bp,
               reports_bp, retention_bp, audit_bp):
        app.register_blueprint(bp)

    from . import api
    from .webhooks.views import bp as webhooks_bp

    api.init_app(app)
    app.register_blueprint(webhooks_bp)

    from .cli import register

    register(app)
    return app
