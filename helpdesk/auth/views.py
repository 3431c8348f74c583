"""Login, logout and language choice."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..audit.services import record
from ..clock import utcnow
from ..database import unit_of_work
from ..web import client_address
from .forms import LoginForm
from .permissions import Permission, can
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
            language = session.get("lang")
            session.clear()  # a fresh session at login; only the language choice is kept
            if language:
                session["lang"] = language
            login_user(user)
            if not request.args.get("next") and can(user, Permission.QUEUE_VIEW):
                return redirect(url_for("tickets.queue"))  # staff start their day in the queue
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out."""
    with unit_of_work():
        record("logout", actor=current_user, now=utcnow(), address=client_address())
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
