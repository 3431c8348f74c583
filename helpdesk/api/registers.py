"""/api/v1 security incidents, access requests and the monthly report figures, for the roles that see them."""

import marshmallow as ma
import sqlalchemy as sa
from flask import abort, g
from flask_smorest import abort as smorest_abort
from marshmallow import validate

from ..access.models import AccessRequest
from ..auth.permissions import Permission, can, reach_of
from ..auth.models import Role
from ..clock import utcnow
from ..extensions import db
from ..security import queries as security_queries
from .blueprint import make_blueprint
from .schemas import Text

blp = make_blueprint("api_registers", "Security incidents, access requests and the monthly report")


class IncidentOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    ticket = ma.fields.Integer(required=True, attribute="ticket_id")
    category = ma.fields.Integer(allow_none=True)
    personal_data = ma.fields.Boolean(allow_none=True)
    awareness_at = ma.fields.AwareDateTime(required=True)
    risk = Text(allow_none=True)
    ended_at = ma.fields.AwareDateTime(allow_none=True)
    closed_at = ma.fields.AwareDateTime(allow_none=True)


class AccessRequestOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    ticket = ma.fields.Integer(allow_none=True, attribute="ticket_id")
    system_id = ma.fields.Integer(required=True)
    user_id = ma.fields.Integer(required=True)
    requested_by_id = ma.fields.Integer(required=True)
    role = Text(required=True)
    reason = Text(required=True)
    valid_until = ma.fields.Date(allow_none=True)
    status = Text(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    decision_reason = Text(allow_none=True)


class MonthArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    month = Text(validate=validate.Length(max=7), metadata={"description": "YYYY-MM; default: last month"})


class ReportRow(ma.Schema):
    key = Text(allow_none=True)
    label = Text(required=True)
    values = ma.fields.Dict(required=True)


class ReportOut(ma.Schema):
    month = Text(required=True)
    complete = ma.fields.Boolean(required=True)
    goal_percent = ma.fields.Float(required=True)
    total = ma.fields.Nested(ReportRow, required=True)
    breakdowns = ma.fields.Dict(keys=Text(), values=ma.fields.List(ma.fields.Nested(ReportRow)), required=True)


@blp.get("/security-incidents")
@blp.response(200, IncidentOut(many=True))
def security_incidents():
    """The incident register, for the security officers (and those working an incident: theirs)."""
    if not (can(g.api_user, Permission.SECURITY_REGISTER) or reach_of(g.api_user).is_security):
        abort(403)
    return security_queries.incidents(g.api_user)


@blp.get("/access-requests")
@blp.response(200, AccessRequestOut(many=True))
def access_requests():
    """Access requests of the systems the caller administers, owns or (security, admin) oversees; and their own."""
    user, reach = g.api_user, reach_of(g.api_user)
    query = sa.select(AccessRequest).order_by(AccessRequest.id.desc()).limit(500)
    if not (reach.is_security or Role.ADMIN in reach.roles):
        systems = sorted(reach.admin_system_ids | reach.owned_system_ids)
        query = query.where(sa.or_(AccessRequest.user_id == user.id, AccessRequest.requested_by_id == user.id,
                                   AccessRequest.system_id.in_(systems)))
    return db.session.scalars(query).all()


def _plain(value):
    from ..reports.report import Share

    if isinstance(value, Share):
        return {"numerator": value.numerator, "denominator": value.denominator, "percent": value.percent}
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def _row(row) -> dict:
    return {"key": None if row.key is None else str(row.key), "label": str(row.label),
            "values": {k: _plain(v) for k, v in row.values.items()}}


@blp.get("/reports/monthly")
@blp.arguments(MonthArgs, location="query", as_kwargs=True)
@blp.response(200, ReportOut)
def monthly(month=None):
    """The monthly SLA report's figures for the caller's area (as on the report page), as JSON."""
    from ..reports.months import InvalidMonth, Month, parse_month
    from ..reports.queries import report_scope
    from ..reports.report import monthly_report

    if not can(g.api_user, Permission.REPORT_VIEW):
        abort(403)
    now = utcnow()
    try:
        chosen = parse_month(month, now=now) if month else Month.of(now).shift(-1)
    except InvalidMonth as error:
        smorest_abort(422, errors=[{"field": "month", "message": error.message}])
    report = monthly_report(report_scope(g.api_user), chosen, now=now)
    return {"month": chosen.key, "complete": report.complete, "goal_percent": report.goal_percent,
            "total": _row(report.total),
            "breakdowns": {d: [_row(r) for r in rows] for d, rows in report.breakdowns.items()}}
