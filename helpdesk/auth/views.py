"""Login, logout and language choice."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..audit.services import record
from ..clock import utcnow
from ..database import unit_of_work
from ..web import client_address
from .forms import LoginForm
from .lifecycle import end_sessions
from .methods import enabled as enabled_methods
from .permissions import Permission, can
from .routes import public, signed_in
from .services import LoginRefused, LoginThrottled, authenticate

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login.

    Browsers read a backslash like a slash and drop tabs and newlines, so "/\\evil" and "/<tab>/evil"
    would leave the site: any backslash or control character refuses the target.
    """
    if (not target or not target.startswith("/") or target[1:2] in ("/", "\\")
            or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target)
            or urlsplit(target).netloc or urlsplit(target).scheme):
        return url_for("portal.index")
    return target


def landing(user, target: str | None) -> str:
    """Where a sign-in ends: the asked-for page if safe; else staff start their day in the queue."""
    if not target and can(user, Permission.QUEUE_VIEW):
        return url_for("tickets.queue")
    return safe_next(target)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in with a local account."""
    if current_user.is_authenticated:
        return redirect(url_for("portal.index"))
    form = LoginForm()
    if form.validate_on_submit():
        refused = None
        with unit_of_work():  # a failed attempt must be committed too: it counts
            try:
                user = authenticate(form.username.data, form.password.data,
                                    address=client_address(), now=utcnow())
            except LoginRefused as error:
                refused = error
        if isinstance(refused, LoginThrottled):
            form.password.errors.append(refused.message)
            return (render_template("auth/login.html", form=form, methods=enabled_methods()), 429,
                    {"Retry-After": str(refused.retry_after)})
        if refused:
            form.password.errors.append(refused.message)
        else:
            return finish_sign_in(user, request.args.get("next"))
    return render_template("auth/login.html", form=form, methods=enabled_methods())


@bp.route("/logout", methods=["POST"])
@login_required
@signed_in
def logout():
    """Sign out."""
    with unit_of_work():
        record("logout", actor=current_user, now=utcnow(), address=client_address())
        end_sessions(current_user)  # a copy of this session's cookie must not sign anyone in again
    logout_user()
    session.clear()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language (kept on the account when signed in)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            with unit_of_work():
                current_user.locale = lang
    return redirect(safe_next(request.form.get("next")))


from .views_signin import signed_in as finish_sign_in  # noqa: E402  (routes on bp: OpenID Connect and the second factor)
