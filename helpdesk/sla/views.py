"""The breach panel of the agent's ticket page and its reason form."""

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Permission
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..tickets import pages
from ..tickets.loaders import get_ticket_or_404
from ..auth.routes import declare, signed_in
from .alerts import breached_clocks, record_breach_reason
from .forms import BreachReasonForm

bp = Blueprint("sla", __name__)
declare(bp, signed_in)  # through get_ticket_or_404


@bp.route("/tickets/<int:number>/breach-reason", methods=["POST"])
@login_required
def breach_reason(number):
    """Store why the ticket missed its service level."""
    ticket = get_ticket_or_404(number, Permission.TICKET_WORK)
    form = BreachReasonForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                record_breach_reason(ticket, reason=form.reason.data, actor=current_user, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Orsaken är sparad."), "success")
            return redirect(url_for("tickets.show", number=ticket.id, _anchor="sla-breach"))
    g.breach_form = form  # the ticket page is the tickets package's; the panel asks for its form below
    return pages.render_ticket(ticket), 400


@bp.app_template_global("sla_breach_form")
def breach_form(ticket):
    """The reason form of the breach panel: as posted after an error, else with the stored reason."""
    return g.get("breach_form") or BreachReasonForm(formdata=None, reason=ticket.sla_breach_reason or "")


@bp.app_template_global("sla_breached_clocks")
def sla_breached_clocks(sla):
    """The breached clocks of the ticket page's SLA state (see tickets.pages.sla_view)."""
    return breached_clocks(sla["state"], sla["now"]) if sla else []
