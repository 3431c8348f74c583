"""Request plumbing shared by every blueprint: headers, errors, locale, filters."""

import json
from datetime import UTC, datetime

from flask import current_app, g, has_request_context, render_template, request, session
from flask.globals import _cv_app  # the app context itself: the `g` proxy costs three calls a lookup
from flask_babel import Domain, format_datetime, get_timezone, get_translations, lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2 import pass_context
from markupsafe import Markup

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .auth.permissions import Permission, can
from .database import built_once
from . import reference
from .auth.routes import public
from .extensions import db, login_manager

LOCAL_FORMAT = "yyyy-MM-dd HH:mm"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def select_locale():
    """The user's chosen language, else the session's, else Swedish."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def client_address() -> str:
    return request.remote_addr or "unknown"


@built_once
def _user_query(user_model):
    """The signed-in user with the roles, in one round trip: every request asks for them."""
    return sa.select(user_model).where(user_model.id == sa.bindparam("user_id")).options(
        joinedload(user_model.role_rows))


def _babel_context():
    """flask-babel's per-context namespace (g._flask_babel), or None; as `g.get("_flask_babel") if g
    else None`, read from the app context directly."""
    app_context = _cv_app.get(None)
    return None if app_context is None else app_context.g.__dict__.get("_flask_babel")


def _remembered(attr: str, owner, compute):
    """compute(), kept in flask-babel's context under attr while the request's locale object and
    owner(context) stay the same (force_locale and refresh() put a new locale object in place)."""
    babel_ctx = _babel_context()
    memo = getattr(babel_ctx, attr, None)
    if (memo is not None and memo[0] is not None and memo[0] is getattr(babel_ctx, "babel_locale", None)
            and memo[1] is owner(babel_ctx)):
        return memo[2]
    found = compute()
    babel_ctx = _babel_context()  # compute may have set up the context
    if babel_ctx is not None:
        setattr(babel_ctx, attr, (getattr(babel_ctx, "babel_locale", None), owner(babel_ctx), found))
    return found


class RememberingDomain(Domain):
    """flask-babel's message domain, with the request's catalogue remembered while its locale stays
    the same: labels and form texts are lazy strings, each looked up through five context lookups
    and a locale formatted to a string (seventy a ticket page). force_locale and refresh() put a
    new locale object in place, so text drawn inside them is still in their language."""

    def get_translations(self):
        return _remembered("helpdesk_domain_translations", lambda _ctx: self, super().get_translations)


def translations():
    """flask_babel.get_translations(), remembered while the request's locale and domain stay the same.

    Templates translate a hundred strings a page; flask-babel looks the locale, the domain and
    its catalogue up again for each (five context lookups and a locale formatted to a string).
    force_locale sets a new locale object, so text drawn inside it is still in its language.
    """
    return _remembered("helpdesk_translations", lambda ctx: getattr(ctx, "babel_domain", None), get_translations)


def local_minute(value: datetime) -> str:
    """`to_user_timezone(value).strftime("%Y-%m-%d %H:%M")` at a sixth of the cost: the request's time
    zone read from flask-babel's context without its proxies, and pytz's astimezone (its fromutc
    already gives the right offset) without the normalize that only arithmetic needs."""
    tz = getattr(_babel_context(), "babel_tzinfo", None) or get_timezone()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


_TEMPLATE_TEXTS: dict = {}  # id(catalogue) -> (catalogue, {(msgid, autoescape): translated text})
_TEMPLATE_TEXTS_CAP = 5000  # per catalogue; templates translate literals only, but a cap keeps it bounded


@pass_context
def template_gettext(__context, __string, **variables):
    """Templates' `_()` and `gettext()`: what Jinja's newstyle gettext gives (the catalogue's text, as
    Markup when the template autoescapes, always %-formatted with the keywords), with the texts that
    take no keywords remembered per catalogue. Jinja's own went through `_gettext_alias`, two
    `Context.call`s, a `Markup % {}` and the catalogue lookup for each of ~100 texts a ticket page."""
    catalogue = translations()
    autoescape = __context.eval_ctx.autoescape
    if variables:
        text = catalogue.ugettext(__string)
        return (Markup(text) if autoescape else text) % variables
    entry = _TEMPLATE_TEXTS.get(id(catalogue))
    if entry is None or entry[0] is not catalogue:
        entry = _TEMPLATE_TEXTS[id(catalogue)] = (catalogue, {})
    texts = entry[1]
    key = (__string, autoescape)
    found = texts.get(key)
    if found is None:
        text = catalogue.ugettext(__string)
        found = (Markup(text) if autoescape else text) % {}
        if len(texts) < _TEMPLATE_TEXTS_CAP:
            texts[key] = found
    return found


def init_app(app):
    """Register headers, error pages, the user loader and template helpers."""
    from .proxy import TrustedProxies, networks

    networks(tuple(app.config["TRUSTED_PROXIES"]) if not isinstance(app.config["TRUSTED_PROXIES"], str)
             else app.config["TRUSTED_PROXIES"])  # a bad entry stops the start with a clear message
    app.wsgi_app = TrustedProxies(app.wsgi_app, app.config)
    from .extensions import babel
    from .forms import field_html

    babel.domain_instance = RememberingDomain(domain=app.extensions["babel"].default_domain)  # for flask-babel's own

    app.jinja_env.globals["field_html"] = field_html  # templates/_forms.html exports it as field()
    app.jinja_env.install_gettext_callables(  # as flask-babel installs them, through translations()
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)  # the same text, remembered
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att fortsätta.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id):
        from .auth.models import User

        from .auth.sessions import still_valid

        user = db.session.scalars(_user_query(User), {"user_id": int(user_id)}).unique().one_or_none()
        if user is None or not user.is_active or user.is_contact or not still_valid(user):
            return None
        return user

    @app.route("/favicon.ico")
    @public
    def favicon():
        """Browsers ask for /favicon.ico whatever the page names; answer with the icon."""
        from flask import send_from_directory

        return send_from_directory(app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config["ENV_NAME"] == "production":
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if current_user.is_authenticated and not request.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
        return response

    def error_page(code, title, text):
        def handler(error):
            return render_template("error.html", code=code, title=title, text=text), code
        return handler

    app.register_error_handler(403, error_page(403, _l("Åtkomst nekad"), _l("Du har inte behörighet till den här sidan.")))
    app.register_error_handler(404, error_page(404, _l("Sidan finns inte"), _l("Sidan eller ärendet du söker finns inte, eller så saknar du behörighet.")))
    app.register_error_handler(405, error_page(405, _l("Fel metod"), _l("Sidan kan inte nås på det sättet.")))
    app.register_error_handler(413, error_page(413, _l("För stor fil"), _l("Det du skickade var större än vad som tas emot. Gå tillbaka och bifoga mindre filer.")))
    app.register_error_handler(429, error_page(429, _l("För många försök"), _l("Vänta en stund och försök igen.")))
    app.register_error_handler(500, error_page(500, _l("Något gick fel"), _l("Ett oväntat fel inträffade. Felet är loggat.")))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template(
            "error.html", code=400, title=_l("Formuläret har gått ut"),
            text=_l("Sidan var öppen för länge eller skickades från fel ställe. Ladda om sidan och försök igen."),
        ), 400

    @app.template_filter("localtime")
    def localtime(value, fmt=LOCAL_FORMAT):
        if not value:
            return ""
        if fmt == LOCAL_FORMAT and isinstance(value, datetime):
            # The same digits as Babel's pattern, without parsing it again for every time on a page
            # (a ticket's history shows dozens).
            return local_minute(value)
        return format_datetime(value, fmt)

    @app.template_filter("mail_html")
    def mail_html(message, ticket_id):
        from .intake.display import safe_html

        return safe_html(message, ticket_id)

    @app.template_filter("fromjson")
    def fromjson(value):
        try:
            return json.loads(value)
        except ValueError:
            return {}

    @app.context_processor
    def helpers():
        from .tickets import labels

        return {"can": can, "Permission": Permission, "labels": labels,
                "current_locale": select_locale()}

    @app.teardown_request
    def forget_reach(exc=None):
        g.pop("_reach", None)
        reference.forget()
