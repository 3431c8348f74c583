"""Sign-in beyond the password form: OpenID Connect, and the second factor for local administrators."""

from datetime import datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..clock import utcnow
from ..database import unit_of_work
from ..directory.provision import sign_in
from ..extensions import db
from ..web import client_address
from . import mfa, sessions, throttle
from .forms import MfaForm
from .methods import SignInFailed, enabled
from .methods.oidc import Provider
from .models import User
from .routes import public
from .views import bp, landing, safe_next

PENDING = "_mfa"  # user id, when and where to, between the password and the second factor
PENDING_MINUTES = 10


def signed_in(user, target):
    """After the first factor: the second one where the account needs it, else a fresh session."""
    now = utcnow()
    target = landing(user, target)
    if mfa.required(user):
        language = session.get("lang")
        session.clear()
        if language:
            session["lang"] = language
        session[PENDING] = {"user": user.id, "at": now.isoformat(), "next": target}
        return redirect(url_for("auth.mfa_verify" if user.mfa_secret else "auth.mfa_setup"))
    sessions.start(user, now=now)
    return redirect(target)


def _pending_user():
    pending = session.get(PENDING)
    if not pending:
        return None
    try:
        if utcnow() - datetime.fromisoformat(pending["at"]) > timedelta(minutes=PENDING_MINUTES):
            return None
    except (KeyError, TypeError, ValueError):
        return None
    user = db.session.get(User, pending["user"])
    return user if user is not None and user.is_active else None


def _expired():
    session.pop(PENDING, None)
    flash(_("Inloggningen tog för lång tid. Logga in igen."), "info")
    return redirect(url_for("auth.login"))


def _finish(user):
    target = session[PENDING]["next"]
    sessions.start(user, now=utcnow())
    return redirect(safe_next(target))


@bp.route("/login/mfa", methods=["GET", "POST"])
@public
def mfa_verify():
    """The code from the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None or not user.mfa_secret:
        return _expired()
    form = MfaForm()
    if form.validate_on_submit():
        now, address = utcnow(), client_address()
        with unit_of_work():
            try:
                throttle.check(user.username, address, now=now, method="mfa")
            except throttle.LoginThrottled as error:
                ok, message = False, error.message
            else:
                ok = mfa.verify(user, form.code.data, now=now)
                message = _("Koden stämmer inte. Ta en ny kod från appen, eller använd en reservkod.")
                throttle.note(user.username, address, now=now, success=ok)
            record("login_mfa" if ok else "login_mfa_failed", actor=user if ok else None, now=now,
                   address=address, object_type="user", object_id=user.id)
        if ok:
            return _finish(user)
        form.code.errors.append(message)
    return render_template("auth/mfa.html", form=form), 400 if form.errors else 200


@bp.route("/login/mfa/setup", methods=["GET", "POST"])
@public
def mfa_setup():
    """First sign-in of an administrator: scan the QR code, prove it with a code, note the recovery codes."""
    user = _pending_user()
    if user is None or user.mfa_secret:
        return _expired()
    pending = session[PENDING]
    if not pending.get("secret"):
        pending["secret"] = mfa.new_secret()
        session[PENDING] = pending
    uri = mfa.provisioning_uri(user, pending["secret"])
    form = MfaForm()
    if form.validate_on_submit():
        now, address = utcnow(), client_address()
        with unit_of_work():
            try:
                throttle.check(user.username, address, now=now, method="mfa")
            except throttle.LoginThrottled as error:
                codes, refusal = None, error.message
            else:
                codes = mfa.enrol(user, pending["secret"], form.code.data, now=now)
                refusal = _("Koden stämmer inte. Kontrollera att telefonens klocka går rätt och försök igen.")
                throttle.note(user.username, address, now=now, success=bool(codes))
        if codes:
            target = pending["next"]
            sessions.start(user, now=utcnow())
            return render_template("auth/mfa_codes.html", codes=codes, next=safe_next(target))
        form.code.errors.append(refusal)
    return render_template("auth/mfa_setup.html", form=form, qr=mfa.qr_data_uri(uri), secret=pending["secret"]), \
        400 if form.errors else 200


def _redirect_uri() -> str:
    return current_app.config.get("OIDC_REDIRECT_URI") or url_for("auth.oidc_callback", _external=True)


@bp.route("/login/oidc")
@public
def oidc_start():
    """Off to the kommun's sign-in service.

    A link, not a form: the CSP's form-action 'self' would stop a form's redirect to the provider. Starting
    a sign-in changes nothing; only the browser that started it can finish it (state in its session).
    """
    if current_user.is_authenticated:
        return redirect(url_for("portal.index"))
    if "oidc" not in enabled():
        return redirect(url_for("auth.login"))
    try:
        url, pending = Provider.from_app().begin(_redirect_uri())
    except SignInFailed as error:
        flash(error.message, "error")
        return redirect(url_for("auth.login"))
    pending["next"] = request.args.get("next")
    session["_oidc"] = pending
    return redirect(url)


@bp.route("/login/oidc/callback")
@public
def oidc_callback():
    """The provider's answer: check it, create or update the user, sign in."""
    if "oidc" not in enabled():
        return redirect(url_for("auth.login"))
    pending = session.pop("_oidc", None)  # one answer per request: a replay finds nothing here
    now, address = utcnow(), client_address()
    try:
        with unit_of_work():
            identity = Provider.from_app().complete(request.args, pending, _redirect_uri(), now=now)
            user = sign_in(identity, now=now)
            user.last_login_at = now
            record("login", actor=user, now=now, address=address, object_type="user", object_id=user.id,
                   method="oidc")
    except SignInFailed as error:
        with unit_of_work():
            record("login_failed", actor=None, now=now, address=address, method="oidc", reason=error.message)
        flash(error.message, "error")
        return redirect(url_for("auth.login"))
    sessions.start(user, now=now)
    return redirect(landing(user, (pending or {}).get("next")))
