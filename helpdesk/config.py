"""Configuration: defaults, then instance/config.py, then HELPDESK_* environment."""

import json
import os

DEV_SECRET_KEY = "dev-only-not-for-production"


class Defaults:
    """Settings every deployment starts from."""

    SECRET_KEY = DEV_SECRET_KEY
    ENV_NAME = "development"  # "production" refuses the development secret key
    DATABASE_URL = None  # None: SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = ("sv", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # turned on in production
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024  # whole request, several files
    ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    ATTACHMENT_FORBIDDEN_EXTENSIONS = (
        "exe", "bat", "cmd", "com", "scr", "pif", "vbs", "vbe", "js", "jse",
        "wsf", "wsh", "msi", "msp", "ps1", "hta", "cpl", "jar", "lnk", "reg",
    )
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    QUEUE_PAGE_SIZE = 25
    # Impact (1 many, 2 some, 3 one person) x urgency (1 cannot work,
    # 2 hampered, 3 can work) -> priority 1 critical .. 4 low.
    PRIORITY_MATRIX = {
        "1": {"1": 1, "2": 2, "3": 3},
        "2": {"1": 2, "2": 3, "3": 3},
        "3": {"1": 3, "2": 3, "3": 4},
    }
    # Provisional resolution targets in hours per priority until the SLA
    # engine's calendars take over.
    DEFAULT_DUE_HOURS = {"1": 4, "2": 8, "3": 24, "4": 40}
    SEED_DEMO_IF_EMPTY = False
    # E-mail. Our Message-IDs carry the ticket and an HMAC on this domain.
    MAIL_MESSAGE_ID_DOMAIN = "helpdesk.exempelby.se"
    MAIL_DEFAULT_SENDER = "servicedesk@exempelby.se"
    MAIL_MAX_BYTES = 40 * 1024 * 1024  # larger mail is kept but quarantined
    MAIL_ACK_LIMIT_PER_HOUR = 5  # acknowledgements to one address; breaks loops
    # "files" writes outgoing mail to instance/mail-out (development); "smtp" sends.
    MAIL_TRANSPORT = "files"
    SMTP_HOST = "127.0.0.1"
    SMTP_PORT = 25
    SMTP_STARTTLS = False
    SMTP_USERNAME = None
    SMTP_PASSWORD = None
    SMTP_TIMEOUT = 30
    OUTBOX_MAX_ATTEMPTS = 8
    BASE_URL = "http://127.0.0.1:5000"


def load(app, test_config=None):
    """Fill app.config from defaults, the instance file and the environment."""
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("HELPDESK", loads=_loads)
    else:
        app.config.update(test_config)
    url = app.config.get("DATABASE_URL") or (
        "sqlite:///" + os.path.join(app.instance_path, "helpdesk.sqlite")
    )
    app.config["DATABASE_URL"] = url
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if app.config["ENV_NAME"] == "production":
        if app.config["SECRET_KEY"] == DEV_SECRET_KEY:
            raise RuntimeError(
                "Refusing to start in production with the development SECRET_KEY; "
                "set HELPDESK_SECRET_KEY or SECRET_KEY in instance/config.py."
            )
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _loads(value):
    """Read JSON where the environment holds JSON, else keep the string."""
    try:
        return json.loads(value)
    except ValueError:
        return value
