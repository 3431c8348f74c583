"""Administration: organisation, catalogue, routing, users."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from ..auth.permissions import Permission, can

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    """Only administrators reach these pages."""
    if not can(current_user, Permission.ADMIN_MANAGE):
        abort(403)


@bp.route("/")
def index():
    """The administration start page."""
    return render_template("admin/index.html")
