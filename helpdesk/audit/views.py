"""The audit log viewer (administrators and security officers): filters, keyset paging, CSV export."""

import io
import json

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import Length, Optional

from ..admin.forms import IsoDateField, strip
from ..auth.permissions import Permission, can
from ..clock import local, utcnow
from ..database import unit_of_work
from ..forms import FlaskForm
from ..web import client_address
from ..limits import int_arg
from ..spreadsheet import csv_writer
from ..auth.routes import declare, requires
from . import queries
from .services import record

bp = Blueprint("audit", __name__, url_prefix="/audit")
declare(bp, requires(Permission.AUDIT_VIEW))
PAGE = 50
CSV_COLUMNS = ("id", "tid", "användarnamn", "namn", "händelse", "objekttyp", "objekt", "adress", "detaljer")


@bp.before_request
@login_required
def require_audit_view():
    """Only administrators and security officers read the audit log."""
    if not can(current_user, Permission.AUDIT_VIEW):
        abort(403)


@bp.app_template_filter("compact_json")
def compact_json(value) -> str:
    """Details as readable JSON (Swedish letters as they are)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _text(label, max_length):
    return StringField(label, filters=[strip], validators=[Optional(), Length(max=max_length, message=_l(
        "Högst %(n)s tecken.", n=max_length))])


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    action = _text(_l("Händelse"), 64)
    actor = _text(_l("Användare"), 200)
    object_type = _text(_l("Objekttyp"), 32)
    object_id = _text(_l("Objekt-id"), 64)
    date_from = IsoDateField(_l("Från och med"), validators=[Optional()])
    date_to = IsoDateField(_l("Till och med"), validators=[Optional()])

    def audit_filter(self) -> queries.AuditFilter:
        return queries.AuditFilter(**{name: self[name].data or ("" if "date" not in name else None)
                                      for name in ("action", "actor", "object_type", "object_id",
                                                   "date_from", "date_to")})


def _filter():
    form = FilterForm(request.args)
    valid = form.validate()
    return form, (form.audit_filter() if valid else None)


@bp.route("/")
def log():
    """The log, newest first, filtered; paging by id stays fast however deep it goes."""
    form, flt = _filter()
    if flt is None:
        return render_template("audit/log.html", form=form, rows=[], older=None, newer=None, args={}), 400
    rows, older, newer = queries.page(flt, before=int_arg("before"),
                                      after=int_arg("after"), size=PAGE)
    return render_template("audit/log.html", form=form, rows=rows, older=older, newer=newer, args=flt.args())


@bp.route("/export.csv")
def export():
    """Every entry the filter selects as CSV; the export is itself audited."""
    form, flt = _filter()
    if flt is None:
        abort(400)
    with unit_of_work():
        record("audit_exported", actor=current_user, now=utcnow(), address=client_address(), filters=flt.args())
    return Response(stream_with_context(_csv(flt)), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=granskningslogg.csv"})


def _csv(flt):
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";")  # no formulas (issue 8, finding 16)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + _take(out)
    for n, (entry, username, name) in enumerate(queries.all_rows(flt), start=1):
        writer.writerow([entry.id, local(entry.at).isoformat(), username or "", name or "", entry.action,
                         entry.object_type or "", entry.object_id or "", entry.address or "",
                         compact_json(entry.details)])
        if n % 1000 == 0:
            yield _take(out)
    yield _take(out)


def _take(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text
