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
    # The monthly report's goal for the share of first responses and solutions within target (%).
    REPORT_GOAL_PERCENT = 80
    # Access reviews (REGULATION.md "Access", "Information classification"): months between
    # reviews of a system's grants when the system sets none; shorter from KLASSA K >= the high level.
    ACCESS_REVIEW_MONTHS_DEFAULT = 12
    ACCESS_REVIEW_MONTHS_HIGH = 6
    ACCESS_REVIEW_HIGH_K = 3
    ACCESS_REVIEW_GRACE_DAYS = 14  # a review still open this long after its due date goes to the owner
    # E-mail. Our Message-IDs carry the ticket and an HMAC on this domain.
    MAIL_MESSAGE_ID_DOMAIN = "helpdesk.exempelby.se"
    MAIL_DEFAULT_SENDER = "servicedesk@exempelby.se"
    MAIL_MAX_BYTES = 40 * 1024 * 1024  # larger mail is kept but quarantined
    MAIL_ACK_LIMIT_PER_HOUR = 5  # acknowledgements to one address; breaks loops
    # Wait for the disk after writing each raw mail. None: only when the database's own commits
    # do (PostgreSQL); SQLite runs with synchronous=NORMAL, where a power cut may lose them too.
    MAIL_STORE_FSYNC = None
    # "files" writes outgoing mail to instance/mail-out (development); "smtp" sends.
    MAIL_TRANSPORT = "files"
    SMTP_HOST = "127.0.0.1"
    SMTP_PORT = 25
    SMTP_STARTTLS = False
    SMTP_USERNAME = None
    SMTP_PASSWORD = None
    SMTP_TIMEOUT = 30
    OUTBOX_MAX_ATTEMPTS = 8
    # Legal clocks of security incidents, in wall-clock hours from awareness (REGULATION.md).
    GDPR_NOTIFY_HOURS = 72
    NIS2_EARLY_WARNING_HOURS = 24
    NIS2_NOTIFICATION_HOURS = 72
    SECURITY_REMIND_HOURS_BEFORE = (12, 2)  # reminders to the security officers before each deadline
    AUTHORITY_GDPR = "Integritetsskyddsmyndigheten (IMY)"
    AUTHORITY_NIS2 = "Myndigheten för civilt försvar (MCF), CSIRT-enheten"
    # "Significant incident" criteria for public administration (REGULATION.md, unverified figures).
    NIS2_THRESHOLDS = {
        "disruption_4h": "Verksamheten har varit begränsad i mer än 4 timmar",
        "manual_12h": "Manuella rutiner har behövts i mer än 12 timmar",
        "people_500": "Uppgifter om minst 500 personer har röjts eller påverkats",
        "financial_loss": "Allvarlig ekonomisk förlust för organisationen",
        "harm_to_others": "Betydande skada för andra fysiska eller juridiska personer",
    }
    BASE_URL = "http://127.0.0.1:5000"
    # Outage notices (helpdesk.outages): whether /status and /status.atom may be read without
    # signing in (an intranet installation); remind the major incident's agent when no update
    # was posted for this long.
    STATUS_PAGE_PUBLIC = False
    MAJOR_INCIDENT_UPDATE_REMINDER_MINUTES = 60
    # Test and demo aid only: an ISO time ("2026-11-18T08:00:00+00:00") the app's clock stands
    # still at, so separate processes (`helpdesk scheduler --once`) share one moment. Unset in
    # production, where setting it refuses to start.
    FROZEN_NOW = None


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
        if app.config.get("FROZEN_NOW"):
            raise RuntimeError("Refusing to start in production with FROZEN_NOW set: time would stand still.")
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _loads(value):
    """Read JSON where the environment holds JSON, else keep the string."""
    try:
        return json.loads(value)
    except ValueError:
        return value
