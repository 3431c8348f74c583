"""The employees' portal: start page, report form, accessibility statement."""

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..catalogue.queries import search_systems
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..satisfaction.forms import rating_form
from ..satisfaction.queries import unrated_tickets
from ..tickets import services
from ..tickets.attachments import AttachmentRefused
from ..tickets.forms import ReportForm
from ..tickets.loaders import uploads_from
from ..tickets.models import TicketType
from ..tickets.pages import system_or_none
from ..tickets.queries import my_tickets
from ..limits import int_arg
from ..auth.permissions import Permission
from ..auth.routes import public, requires, signed_in
from ..outages import report_hints

bp = Blueprint("portal", __name__)


@bp.route("/")
@login_required
@signed_in
def index():
    """Start page: report something, and the user's own tickets."""
    return render_template(
        "portal/index.html",
        open_tickets=my_tickets(current_user, open_only=True),
        closed_tickets=my_tickets(current_user, open_only=False, limit=20),
        to_rate=unrated_tickets(current_user, now=utcnow()), rating_form=partial(rating_form, formdata=None),
        **report_hints.start_page(current_user, now=utcnow()),
    )


@bp.route("/tickets/new", methods=["GET", "POST"])
@login_required
@requires(Permission.TICKET_CREATE)
def new_ticket():
    """Report a fault or a request."""
    search = request.args.get("q", "")[:100]
    form = ReportForm()
    matches = search_systems(search)
    # Each option carries what the script filters on (name, keywords, description) and the description it shows.
    form.system_id.choices = [SelectChoice(0, _("Vet inte / annat"))] + [
        SelectChoice(s.id, s.name, render_kw={"data-search": f"{s.name} {s.keywords} {s.description}".casefold(),
                                              "data-description": s.description or ""}) for s in matches]
    if request.method == "GET" and int_arg("system") is not None:
        form.system_id.data = int_arg("system")
    hints = report_hints.for_report(current_user, form, now=utcnow())
    if form.validate_on_submit() and not report_hints.needs_confirmation(hints, request.form, request.files):
        try:
            uploads = uploads_from()
            with unit_of_work():
                ticket = services.create_ticket(
                    requester=current_user, subject=form.subject.data, body=form.description.data,
                    actor=current_user, now=utcnow(), system=system_or_none(form.system_id.data),
                    impact=form.impact.data, urgency=form.urgency.data,
                    type=TicketType(form.type.data), uploads=uploads,
                )
        except AttachmentRefused as error:
            form.attachments.errors = [error.message]
        except DomainError as error:
            form.subject.errors = [*form.subject.errors, error.message]
        else:
            flash(_("Tack! Ditt ärende har nummer #%(n)s.", n=ticket.id), "success")
            return redirect(url_for("tickets.show", number=ticket.id))
    status = 400 if form.errors else 200
    return render_template("portal/new.html", form=form, search=search, matches=matches, **hints), status


@bp.route("/accessibility")
@public
def accessibility():
    """Accessibility statement (tillgänglighetsredogörelse)."""
    return render_template("portal/accessibility.html")
