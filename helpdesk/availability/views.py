"""Availability pages: the month per system with the outages behind it, and the agreed levels."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import Permission
from ..catalogue.labels import TIER_LABELS
from ..catalogue.models import SERVICE_TIERS, System
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import InvalidField
from ..extensions import db
from ..reports.months import Month, parse_month
from ..reports.queries import report_scope
from . import queries, services
from ..auth.routes import declare, requires, signed_in

bp = Blueprint("availability", __name__)
declare(bp, signed_in)  # routes without their own declaration check the object they load




def _month(text):
    return parse_month(text, now=utcnow())  # InvalidMonth: 400, reports.views.invalid_month


@bp.route("/reports/availability/<month>")
@requires(Permission.REPORT_VIEW)
def month_page(month):
    """Measured availability per followed system against its agreed level, with the trend."""
    month, now = _month(month), utcnow()
    rows = queries.month_availability(report_scope(current_user), month, now)
    return render_template("availability/month.html", month=month, rows=rows,
                           months=Month.of(now).trend(24)[::-1])


@bp.route("/reports/availability/<month>/systems/<int:system_id>")
@requires(Permission.REPORT_VIEW)
def system_page(month, system_id):
    """The outages behind one system's figure (drill-down)."""
    month, now = _month(month), utcnow()
    system = db.session.get(System, system_id) or abort(404)
    followed = queries.systems_in(report_scope(current_user))
    if system.id not in {s.id for s in followed}:
        abort(404)
    (row,) = queries.month_availability(report_scope(current_user), month, now, systems=[system])
    return render_template("availability/system.html", month=month, row=row)


@bp.route("/admin/availability", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def targets():
    """The agreed availability per service tier, and per system where it differs."""
    systems = db.session.scalars(sa.select(System).where(System.is_active).order_by(System.name)).all()
    by_system, by_tier = queries.targets()
    error, status = None, 200
    if request.method == "POST":
        tier = request.form.get("tier") or None
        system = db.session.get(System, request.form.get("system_id", type=int) or 0)
        if (tier is None) == (system is None) or (tier is not None and tier not in SERVICE_TIERS):
            abort(400)
        try:
            with unit_of_work():
                services.set_target(tier=tier, system=system, percent_text=request.form.get("percent", "")[:20])
        except InvalidField as refused:
            error, status = refused.message, 400
            flash(refused.message, "error")
        else:
            flash(_("Ändringarna är sparade."), "success")
            return redirect(url_for("availability.targets"))
    return render_template("availability/targets.html", tiers=SERVICE_TIERS, tier_labels=TIER_LABELS,
                           systems=systems, by_system=by_system, by_tier=by_tier, error=error), status
