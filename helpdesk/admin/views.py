"""Administration: organisation, catalogue, routing, users.

The one blueprint lives here; the pages of each area are in views_*.py and
register their routes on it.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Permission, can
from ..catalogue import labels as catalogue_labels
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..errors import InvalidField
from ..tickets.labels import CHANNEL_LABELS
from ..auth.routes import declare, requires
from . import labels

bp = Blueprint("admin", __name__, url_prefix="/admin")
declare(bp, requires(Permission.ADMIN_MANAGE))


@bp.before_request
@login_required
def require_admin():
    """Only administrators reach these pages."""
    if not can(current_user, Permission.ADMIN_MANAGE):
        abort(403)


@bp.context_processor
def admin_labels():
    return {"admin_labels": labels, "catalogue_labels": catalogue_labels, "channel_labels": CHANNEL_LABELS}


@bp.route("/")
def index():
    """The administration start page."""
    return render_template("admin/index.html")


def form_page(template, form, save, *, done, **context):
    """Show a form; on a valid post run save(now) in one transaction and go to done(result).

    A refused value is shown beside its field and the page comes back with
    status 400 and everything typed.
    """
    if form.validate_on_submit():
        try:
            with unit_of_work():
                result = save(utcnow())
        except InvalidField as error:
            field = form.field_for(error.field)
            if field is None:
                flash(error.message, "error")
            else:
                field.errors = [*field.errors, error.message]
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Ändringarna är sparade."), "success")
            return redirect(done(result))
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


def actor():
    """The signed-in administrator, as a plain object for the services."""
    return current_user._get_current_object()


from . import views_catalogue, views_mail, views_org, views_routing, views_sla, views_users  # noqa: E402,F401  (routes on bp)
from . import views_import  # noqa: E402,F401  (the CSV import page)
from . import views_mailboxes  # noqa: E402,F401  (mailbox set-up and its connection test)
