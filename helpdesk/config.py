"""Configuration: defaults, then instance/config.py, then HELPDESK_* environment."""

import json
import os

DEV_SECRET_KEY = "dev-only-not-for-production"


class Defaults:
    """Settings every deployment starts from."""

    SECRET_KEY = DEV_SECRET_KEY
    # "development" (the default, `make run`), "testing" (a shared test server) or "production". Outside
    # development the app refuses to start without a long random SECRET_KEY; any other name is refused.
    ENV_NAME = "development"
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
    # Failed sign-ins slow further attempts down, never lock (helpdesk/auth/throttle.py): after the free
    # failures each further one doubles the wait, from the base up to the scope's ceiling (seconds).
    LOGIN_DELAY_BASE_SECONDS = 2
    LOGIN_FREE_FAILURES_PER_ACCOUNT_ADDRESS = 3
    LOGIN_MAX_DELAY_ACCOUNT_ADDRESS = 15 * 60
    LOGIN_FREE_FAILURES_PER_ADDRESS = 10
    LOGIN_MAX_DELAY_ADDRESS = 5 * 60
    LOGIN_FREE_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_DELAY_ACCOUNT = 60
    LOGIN_ACCOUNT_LOOKBACK_MINUTES = 24 * 60  # failures older than this (or before a success) are forgotten
    LOGIN_ADDRESS_LOOKBACK_MINUTES = 60
    LOGIN_KNOWN_ADDRESS_DAYS = 90  # an address the account signed in from is spared others' failures
    # Reverse proxies whose X-Forwarded-For is believed: addresses or networks ("127.0.0.1",
    # "10.0.0.0/8"); HELPDESK_TRUSTED_PROXIES as a JSON list or comma-separated. Empty: none.
    TRUSTED_PROXIES: tuple = ()
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
    MAIL_PROBE_TIMEOUT = 10  # seconds per connect or answer in a mailbox's "Testa anslutningen" (no retries)
    # Fetched mail (IMAP, Graph, EWS, a folder, mbox/maildir files) is taken in this many messages per
    # transaction and acknowledged after its commit (helpdesk.intake.batch); 1: one at a time.
    # A batch also bounds the source's raw bytes held in memory (and MAIL_INTAKE_BATCH_BYTES does).
    MAIL_INTAKE_BATCH = 100
    MAIL_INTAKE_BATCH_BYTES = 64 * 1024 * 1024
    # Received HTML is cleaned once at intake (helpdesk.intake.sanitise): tags nested deeper are
    # dropped (their text stays), larger HTML is not kept (the text part is shown), and mail the
    # cleaner cannot finish within the time and memory below is shown as text.
    MAIL_HTML_MAX_DEPTH = 100
    MAIL_HTML_MAX_CHARS = 2_000_000
    MAIL_HTML_CLEAN_SECONDS = 3
    MAIL_HTML_CLEAN_MEMORY_MB = 1024
    # authserv-ids (RFC 8601) of our own mail servers whose Authentication-Results we believe,
    # e.g. ["mx.exempelby.se"] or "mx1.exempelby.se,mx2.exempelby.se". Empty: no header is trusted.
    MAIL_TRUSTED_AUTHSERV_IDS: tuple = ()
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
    OUTBOX_RUN_SECONDS = 60  # one outbox run keeps sending while rows are due, up to this long
    OUTBOX_FAILURES_TO_PAUSE = 5  # failures in a row (the relay is down) end the run; the rest waits
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
    # How a security incident's assessment sets its impact (helpdesk.security.priority): a hit
    # dimension (K, R, T, S) of an affected system at "severe" KLASSA level or above is wide impact,
    # at "moderate" some impact; the MSB categories listed are at least some impact.
    SECURITY_PRIORITY = {"klassa_severe": 3, "klassa_moderate": 2, "categories": [7, 9]}
    # Signs the manifest of `helpdesk archive export` files (HMAC-SHA256). None: a key derived from
    # SECRET_KEY, so a new SECRET_KEY makes older archives fail `archive verify`; set this (long, random,
    # kept apart from the archives) where archives must outlive the secret key.
    ARCHIVE_SIGNING_KEY = None

    # Sign-in and the directory (README "Sign-in and the directory"). Methods in the order the login
    # page offers them: "oidc" (the kommun's account through OpenID Connect), "ldap", "local".
    AUTH_METHODS = ["local"]
    SESSION_IDLE_MINUTES = 60  # a session unused this long ends; None: never
    SESSION_MAX_HOURS = 10  # a session ends this long after sign-in however busy; None: never
    MFA_REQUIRED_ROLES = ["admin", "security_officer"]  # local accounts holding these need TOTP
    MFA_ISSUER = "Helpdesk"
    LDAP_URL = None  # ldaps://dc1.kommun.local or ldap://... (StartTLS unless LDAP_STARTTLS is false)
    LDAP_STARTTLS = True
    LDAP_CA_FILE = None
    LDAP_BIND_DN = None
    LDAP_BIND_PASSWORD = None  # the service account's; give it through the environment only
    LDAP_USER_BASE = None
    LDAP_USER_FILTER = "(&(objectClass=user)(sAMAccountName={username}))"
    # Which entries the sync reads: every user of the kommun, disabled ones included.
    LDAP_SYNC_FILTER = "(&(objectClass=user)(objectCategory=person))"
    LDAP_TIMEOUT = 10
    LDAP_PAGE_SIZE = 1000
    # Directory attribute per desk field; "disabled" is AD's userAccountControl (bit 2 = disabled),
    # or any attribute whose value "TRUE"/"1"/"yes" marks a disabled account.
    LDAP_ATTRIBUTES = {
        "id": "objectGUID", "username": "sAMAccountName", "full_name": "displayName", "email": "mail",
        "department": "department", "groups": "memberOf", "manager": "manager",
        "disabled": "userAccountControl",
    }
    OIDC_ISSUER = None  # https://login.microsoftonline.com/<tenant id>/v2.0
    OIDC_CLIENT_ID = None
    OIDC_CLIENT_SECRET = None
    OIDC_REDIRECT_URI = None  # None: BASE_URL + /login/oidc/callback
    OIDC_SCOPES = "openid profile email"
    OIDC_ALLOWED_TENANTS = []  # Entra tenant ids whose users may sign in; empty: any the issuer vouches for
    OIDC_TIMEOUT = 10
    OIDC_CLAIMS = {
        "id": "oid", "username": "preferred_username", "full_name": "name", "email": "email",
        "department": "department", "groups": "groups", "tenant": "tid",
    }
    DIRECTORY_GROUP_RULES = {}  # {"<group DN or name>": {"roles": [...], "support_groups": [...]}}
    DIRECTORY_SYNC_MINUTES = 60  # the scheduler's sync interval; 0 leaves the sync to the command
    DIRECTORY_MAX_DEACTIVATE_PERCENT = 5  # a sync that would deactivate more stops (unless --force)
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
    env_name = app.config["ENV_NAME"]
    if env_name not in ENV_NAMES:
        raise RuntimeError(
            f"Refusing to start: unknown ENV_NAME {env_name!r}. Set HELPDESK_ENV_NAME to exactly one of "
            + ", ".join(ENV_NAMES) + "."
        )
    if env_name != "development":
        problem = secret_key_problem(app.config.get("SECRET_KEY"))
        if problem:
            raise RuntimeError(
                f"Refusing to start in {env_name} with this SECRET_KEY: {problem}. Set HELPDESK_SECRET_KEY "
                "(or SECRET_KEY in instance/config.py) to a long random value, e.g. the output of "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))', and keep it stable."
            )
    if env_name == "production":
        if app.config.get("FROZEN_NOW"):
            raise RuntimeError("Refusing to start in production with FROZEN_NOW set: time would stand still.")
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


ENV_NAMES = ("development", "testing", "production")
MIN_SECRET_KEY_BYTES = 32
MIN_SECRET_KEY_DISTINCT = 8  # 32 hex digits of secrets.token_hex(16) have about 14


def secret_key_problem(key) -> str | None:
    """Why key cannot sign sessions outside development, or None for a long random-looking key."""
    if key is None or key == "":
        return "it is empty"
    if not isinstance(key, str | bytes):
        return f"it is a {type(key).__name__}, not text"
    raw = key.encode() if isinstance(key, str) else key
    if key == DEV_SECRET_KEY:
        return "it is the development SECRET_KEY, which is public"
    if len(raw) < MIN_SECRET_KEY_BYTES:
        return f"it has {len(raw)} bytes, at least {MIN_SECRET_KEY_BYTES} are needed"
    if len(set(raw)) < MIN_SECRET_KEY_DISTINCT:
        return "it does not look random (too few different characters)"
    return None


def _loads(value):
    """Read JSON where the environment holds JSON, else keep the string."""
    try:
        return json.loads(value)
    except ValueError:
        return value
