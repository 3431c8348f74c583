"""Administration of user accounts and their roles."""

from flask import abort, render_template, request, url_for

from ..auth import admin as services
from ..auth.models import User
from ..extensions import db
from ..limits import int_arg
from . import queries
from .forms import MIN_PASSWORD, UserForm
from .views import actor, bp, form_page

PAGE_SIZE = 50


@bp.route("/users")
def users():
    """Accounts, searchable and a page at a time."""
    text = request.args.get("q", "").strip()[:100]
    page = int_arg("page", 1, low=1, high=100000)
    items, has_next = queries.users_page(text, page, PAGE_SIZE)
    return render_template("admin/users.html", items=items, q=text, page=page, has_next=has_next)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    return form_page("admin/user_form.html", form, lambda now: services.create_account(
        form.values(), roles=form.roles.data, password=form.password.data, actor=actor(), now=now),
        done=lambda user: url_for(".users"), min_password=MIN_PASSWORD)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    if user.is_contact:  # e-mail contacts have no account to manage
        abort(404)
    form = UserForm(obj=user)
    return form_page("admin/user_form.html", form, lambda now: services.update_account(
        user, form.values(), roles=form.roles.data, password=form.password.data, actor=actor(), now=now),
        done=lambda user: url_for(".users"), item=user, min_password=MIN_PASSWORD)
