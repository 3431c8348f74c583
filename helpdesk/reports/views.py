"""The monthly SLA report: page, drill-down lists, charts, exports and the definitions."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Permission, can
from ..clock import utcnow
from ..extensions import db
from ..org.models import Organisation
from ..security.labels import DEADLINE_LABELS, MSB_LABELS
from ..limits import MAX_ID, int_arg
from ..auth.routes import declare, requires
from . import charts, exports, followup, formatting, queries
from .definitions import BREAKDOWN_FIGURES, BREAKDOWNS, DIMENSIONS, FIGURES, POPULATIONS, TERMS, TREND_FIGURES
from .months import InvalidMonth, Month, parse_month
from .wording import covers_everything, scope_line
from .report import arrivals, channel_rows, goal_percent, label_of, monthly_report, scope_description, trend_only

bp = Blueprint("reports", __name__, url_prefix="/reports")
declare(bp, requires(Permission.REPORT_VIEW))
PAGE_SIZE = 100


@bp.before_request
@login_required
def require_report_permission():
    """Staff with a reporting duty only; requesters get 403."""
    if not can(current_user, Permission.REPORT_VIEW):
        abort(403)


@bp.context_processor
def report_helpers():
    return {"fmt": formatting, "FIGURES": FIGURES, "DIMENSIONS": DIMENSIONS, "encode": encode_value,
            "scope_line": scope_line}


@bp.app_errorhandler(InvalidMonth)
def invalid_month(error):
    """A month in a URL that is not one (reports, effort, availability, suppliers): 400 with the reason."""
    return render_template("error.html", code=400, title=_("Ogiltig månad"), text=error.message), 400


def _month(text) -> Month:
    return parse_month(text, now=utcnow())


def _organisation():
    """The organisation asked for (?org=id), or None for all."""
    org_id = int_arg("org")
    if not org_id:
        return None
    return db.session.get(Organisation, org_id) or abort(404)


def _scope(organisation):
    return queries.scoped(queries.report_scope(current_user), organisation.id if organisation else None)


@bp.route("/")
def index():
    """The latest complete month (the one before this)."""
    month = Month.of(utcnow()).shift(-1)
    return redirect(url_for("reports.monthly", month=month.key, org=int_arg("org")))


@bp.route("/monthly")
def choose():
    """The month and organisation picked in the form."""
    month = _month(request.args.get("month", ""))
    return redirect(url_for("reports.monthly", month=month.key, org=int_arg("org") or None))


@bp.route("/monthly/<month>")
def monthly(month):
    """Every key figure of the month for the user's area, with trend, breakdowns and charts."""
    month, organisation, now = _month(month), _organisation(), utcnow()
    report = monthly_report(_scope(organisation), month, now=now, organisation=organisation)
    latest = Month.of(now)
    return render_template(
        "reports/monthly.html", report=report, org_id=organisation.id if organisation else None,
        organisations=db.session.scalars(sa.select(Organisation).where(Organisation.is_active)
                                         .order_by(Organisation.name)).all(),
        months=latest.trend(24)[::-1], latest=latest, scope_text=scope_description(current_user),
        scope_is_everything=covers_everything(current_user),
        breakdowns=BREAKDOWNS, columns=BREAKDOWN_FIGURES, trend_figures=TREND_FIGURES,
        msb_labels=MSB_LABELS, deadline_labels=DEADLINE_LABELS)


@bp.route("/monthly/<month>/tickets")
def tickets(month):
    """The tickets behind one figure, optionally for one value of a dimension."""
    month, organisation = _month(month), _organisation()
    figure = FIGURES.get(request.args.get("figure", "")) or abort(404)
    dimension = request.args.get("dimension") or None
    if dimension is not None and dimension not in DIMENSIONS:
        abort(404)
    value = decode_value(dimension, request.args.get("value", "")) if dimension else None
    page = int_arg("page", 1, low=1, high=100000)
    rows, total = queries.drilldown(_scope(organisation), month, utcnow(), figure.key, dimension, value,
                                    page=page, page_size=PAGE_SIZE)
    return render_template(
        "reports/tickets.html", month=month, figure=figure, population=POPULATIONS[figure.population],
        dimension=dimension, value=value, value_label=label_of(dimension, value) if dimension else "",
        rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
        org_id=organisation.id if organisation else None)


@bp.route("/monthly/<month>/charts/<name>.svg")
def chart(month, name):
    """One chart as an SVG image from our own origin (no script, no inline style)."""
    if name not in charts.CHARTS:
        abort(404)
    month, organisation, now = _month(month), _organisation(), utcnow()
    scope = _scope(organisation)
    if name in ("volume", "within_target"):
        data = {"trend": trend_only(scope, month, now)}
    elif name == "channels":
        data = {"channels": channel_rows(scope, month)}
    else:
        data = {"arrivals": arrivals(scope, month)}
    svg = charts.report_chart(name, goal=goal_percent(), **data)
    return Response(svg, mimetype="image/svg+xml")


@bp.route("/monthly/<month>/export.<fmt>")
def export(month, fmt):
    """The whole report as CSV, Excel or a PDF for printing."""
    if fmt not in exports.FORMATS:
        abort(404)
    month, organisation, now = _month(month), _organisation(), utcnow()
    report = monthly_report(_scope(organisation), month, now=now, organisation=organisation)
    data = exports.render(report, fmt, scope_text=scope_description(current_user),
                          everything=covers_everything(current_user))
    name = f"sla-rapport-{month.key}{'-' + str(organisation.id) if organisation else ''}.{fmt}"
    if fmt == exports.EXCEL_CSV:
        name = name.replace(".excel.csv", "-excel.csv")
    return Response(data, mimetype=exports.FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/definitions")
def definitions():
    """What every key figure counts, in plain Swedish."""
    return render_template("reports/definitions.html", terms=TERMS, populations=POPULATIONS,
                           goal=goal_percent(), followup_definitions=followup.DEFINITIONS)


def encode_value(dimension, key) -> str:
    """A dimension value as it travels in a drill-down link."""
    if dimension == "weekday_hour":
        return f"{key[0]}-{key[1]}"
    if dimension == "reason":
        return key or ""
    return "none" if key is None else str(key)


def decode_value(dimension, text: str):
    """The dimension value of a drill-down link; 404 when it cannot be one."""
    try:
        if dimension == "reason":
            return text
        if text == "none":
            return None
        if dimension == "channel":
            return text
        if dimension == "weekday_hour":
            weekday, hour = (int(p) for p in text.split("-"))
            if not (0 <= weekday <= 6 and 0 <= hour <= 23):
                raise ValueError(text)
            return weekday, hour
        number = int(text)
    except ValueError:
        abort(404)
    if abs(number) > MAX_ID or (dimension == "weekday" and not 0 <= number <= 6) or (dimension == "hour" and not 0 <= number <= 23):
        abort(404)
    return number
