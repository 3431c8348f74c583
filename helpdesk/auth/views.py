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
from .services import LoginRefused, authenticate

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login."""
    if not target or urlsplit(target).netloc or urlsplit(target).scheme or not target.startswith("/") \
            or target.startswith("//"):
        return url_for("portal.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
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
        if refused:
            form.password.errors.append(refused.message)
        else:
            return signed_in(user, safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, methods=enabled_methods())


@bp.route("/logout", methods=["POST"])
@login_required
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
def set_language():
    """Switch the interface language (kept on the account when signed in)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            with unit_of_work():
                current_user.locale = lang
    return redirect(safe_next(request.form.get("next")))


from .views_signin import signed_in  # noqa: E402  (routes on bp: OpenID Connect and the second factor)
