"""Effort pages: time on the ticket page, the month's effort and cost with drill-down and export, rates."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import Permission
from ..clock import utcnow
from ..database import built_once, unit_of_work
from ..errors import DomainError, InvalidField
from ..extensions import db
from ..org.models import SupportGroup
from ..reports.months import Month, parse_month
from ..reports.queries import report_scope
from ..tickets import pages
from ..tickets.loaders import get_ticket_or_404
from . import exports, queries, services
from .forms import RateForm, TimeForm
from .models import GroupRate, TimeEntry
from ..auth.routes import declare, requires, signed_in

bp = Blueprint("effort", __name__)
declare(bp, signed_in)  # routes without their own declaration check the object they load
DIMENSIONS = ("department", "system", "organisation", "group", "type")




@bp.app_context_processor
def effort_helpers():
    return {"effort_panel": panel}


def panel(ticket) -> dict:
    """The ticket's time entries and the quick entry form."""
    entries = db.session.scalars(_entries_query(), {"ticket_id": ticket.id}).all() if pages.extras(ticket.id).time_entries else []
    return {"entries": entries, "total": sum(e.minutes for e in entries),
            "form": g.get("effort_form") or TimeForm(formdata=None, prefix="time")}


@built_once
def _entries_query():
    return sa.select(TimeEntry).where(TimeEntry.ticket_id == sa.bindparam("ticket_id")).order_by(TimeEntry.id)


@bp.route("/tickets/<int:number>/time", methods=["POST"])
def log(number):
    """Log minutes worked on the ticket (with an optional note)."""
    ticket = get_ticket_or_404(number, Permission.TICKET_WORK)
    form = TimeForm(prefix="time")
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.log_time(ticket, minutes=form.minutes.data, actor=current_user, now=utcnow(),
                                  note=form.note.data or "")
        except InvalidField as error:
            getattr(form, error.field, form.minutes).errors.append(error.message)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Tiden är loggad."), "success")
            return redirect(url_for("tickets.show", number=ticket.id, _anchor="effort"))
    g.effort_form = form
    return pages.render_ticket(ticket), 400


def _month(text):
    return parse_month(text, now=utcnow())  # InvalidMonth: 400, reports.views.invalid_month


@bp.route("/reports/effort/<month>")
@requires(Permission.REPORT_VIEW)
def month_page(month):
    """Effort and cost of the month per förvaltning, system, organisation, group and ticket type."""
    month, scope = _month(month), report_scope(current_user)
    tables = queries.tables(scope, month.start, month.end, DIMENSIONS)
    return render_template("effort/month.html", month=month, tables=tables,
                           total=queries.total_of(tables["department"]),
                           months=Month.of(utcnow()).trend(24)[::-1])


@bp.route("/reports/effort/<month>/<dimension>")
@requires(Permission.REPORT_VIEW)
def drilldown(month, dimension):
    """The tickets behind one row: their minutes and cost add up to the row."""
    if dimension not in DIMENSIONS:
        abort(404)
    month, scope = _month(month), report_scope(current_user)
    text = request.args.get("value", "none")
    if dimension == "type":
        value = None if text == "none" else text
    else:
        try:
            value = None if text == "none" else int(text)
        except ValueError:
            abort(404)
    rows = queries.drilldown(scope, month.start, month.end, dimension, value)
    label = queries.names(dimension).get(value, value if value is not None else _("Ingen"))
    return render_template("effort/drilldown.html", month=month, dimension=dimension, value=value, label=label,
                           rows=rows, minutes=sum(r.minutes for r in rows),
                           cost=round(sum(r.cost_minutes for r in rows) / 60, 2))


@bp.route("/reports/effort/<month>/export.<fmt>")
@requires(Permission.REPORT_VIEW)
def export(month, fmt):
    """The month's effort and cost as CSV or Excel (a basis for internal invoicing)."""
    if fmt not in exports.FORMATS:
        abort(404)
    month, scope = _month(month), report_scope(current_user)
    tables = queries.tables(scope, month.start, month.end, DIMENSIONS)
    data = exports.render(month, tables, fmt)
    return Response(data, mimetype=exports.FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="insats-kostnad-{month.key}.{fmt}"'})


@bp.route("/admin/rates", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def rates():
    """The hourly cost of each support group."""
    groups = db.session.scalars(sa.select(SupportGroup).order_by(SupportGroup.name)).all()
    current = {r.support_group_id: r.hourly_cost for r in db.session.scalars(sa.select(GroupRate))}
    form, status = RateForm(), 200
    if request.method == "POST":
        group = db.session.get(SupportGroup, request.args.get("group", type=int) or 0) or abort(404)
        if form.validate_on_submit():
            with unit_of_work():
                services.set_rate(group, form.hourly_cost.data, now=utcnow())
            flash(_("Timkostnaden för %(name)s är sparad.", name=group.name), "success")
            return redirect(url_for("effort.rates"))
        status = 400
        flash(" ".join(form.hourly_cost.errors) or _("Formuläret har gått ut. Skicka igen."), "error")
    return render_template("effort/rates.html", groups=groups, current=current), status
