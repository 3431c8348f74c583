"""Retention administration: rules, approving runs, the protocols (gallringsprotokoll) and standing holds.

The blueprint also carries the ticket pages of this domain (views_ticket.py).
"""

import io
from itertools import islice

from flask import Blueprint, Response, abort, flash, redirect, render_template, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..admin.forms import ButtonForm
from ..admin.views import form_page
from ..audit.services import record
from ..auth.permissions import Permission, can
from ..clock import local, utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..tickets.labels import TYPE_LABELS
from ..tickets.pages import extras
from ..web import client_address
from ..limits import int_arg
from ..spreadsheet import csv_writer
from ..auth.routes import declare, requires, signed_in
from . import queries, services
from .forms import RuleForm
from .labels import ACTION_LABELS, RUN_STATUS_LABELS
from .models import RetentionRule, RetentionRun

bp = Blueprint("retention", __name__)
declare(bp, signed_in)
PAGE = 50
SHOWN = 1000  # ticket numbers listed on the approval page; the count covers them all


@bp.before_request
@login_required
def require_login():
    """Every page of this domain needs a signed-in user; admin pages check more below."""


@bp.context_processor
def retention_labels():
    return {"action_labels": ACTION_LABELS, "run_labels": RUN_STATUS_LABELS, "type_labels": TYPE_LABELS,
            "ranges": queries.ranges, "approver_name": approver_name}


@bp.app_context_processor
def retention_helpers():
    """legal_hold_of(ticket) for the ticket page."""
    return {"legal_hold_of": lambda ticket: queries.active_hold(ticket.id) if extras(ticket.id).legal_hold else None}


def require_admin():
    if not can(current_user, Permission.ADMIN_MANAGE):
        abort(403)


@bp.route("/admin/retention/")
@requires(Permission.ADMIN_MANAGE)
def rules():
    """Every rule with how many tickets it reaches today."""
    require_admin()
    now = utcnow()
    items = [(rule, queries.due_count(queries.Terms.of_rule(rule, now)) if rule.is_active else None)
             for rule in queries.rules()]
    return render_template("retention/rules.html", items=items, holds=queries.standing_holds())


@bp.route("/admin/retention/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def new_rule():
    require_admin()
    form = RuleForm()
    return form_page("retention/rule_form.html", form, lambda now: services.create_rule(
        form.values(), actor=current_user, now=now), done=lambda rule: url_for(".rules"))


@bp.route("/admin/retention/<int:rule_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def edit_rule(rule_id):
    require_admin()
    rule = db.get_or_404(RetentionRule, rule_id)
    form = RuleForm(obj=rule)
    return form_page("retention/rule_form.html", form, lambda now: services.update_rule(
        rule, form.values(), actor=current_user, now=now), done=lambda rule: url_for(".rules"), item=rule)


@bp.route("/admin/retention/<int:rule_id>/approve", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def approve(rule_id):
    """Preview what a rule reaches now (a dry run) and approve carrying it out."""
    require_admin()
    rule = db.get_or_404(RetentionRule, rule_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                run = services.approve_run(rule, actor=current_user, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Gallringen är godkänd. Schemaläggaren utför den inom några minuter och skriver protokollet."),
                  "success")
            return redirect(url_for(".run", run_id=run.id))
    terms = queries.Terms.of_rule(rule, utcnow())
    numbers = list(islice(queries.due_numbers(terms), SHOWN))
    return render_template("retention/approve.html", rule=rule, numbers=numbers, form=form,
                           count=queries.due_count(terms), cutoff=local(terms.cutoff), shown=SHOWN), \
        400 if form.errors else 200


@bp.route("/admin/retention/runs")
@requires(Permission.ADMIN_MANAGE)
def runs():
    """The protocols, newest first."""
    require_admin()
    before = int_arg("before")
    items, next_before = queries.runs_page(before=before, size=PAGE)
    return render_template("retention/runs.html", items=items, next_before=next_before, before=before)


@bp.route("/admin/retention/runs/<int:run_id>")
@requires(Permission.ADMIN_MANAGE)
def run(run_id):
    require_admin()
    item = db.get_or_404(RetentionRun, run_id)
    return render_template("retention/run.html", item=item, numbers=queries.run_numbers(run_id))


@bp.route("/admin/retention/runs.csv")
@bp.route("/admin/retention/runs/<int:run_id>.csv")
@requires(Permission.ADMIN_MANAGE)
def runs_csv(run_id=None):
    """The protocol as CSV, one line per handled ticket (a run that reached none has one line without)."""
    require_admin()
    if run_id is not None:
        db.get_or_404(RetentionRun, run_id)
    with unit_of_work():
        record("retention_protocol_exported", actor=current_user, now=utcnow(), object_type="retention_run",
               object_id=run_id, address=client_address())
    name = f"gallringsprotokoll-{run_id}.csv" if run_id else "gallringsprotokoll.csv"
    return Response(stream_with_context(_protocol_csv(run_id)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


PROTOCOL_COLUMNS = ("protokoll", "organisation", "ärendetyp", "åtgärd", "beslut", "bevaras_månader",
                    "stängda_före", "godkänd_av", "godkänd", "klar", "status", "antal", "ärendenummer", "stängt")


def _protocol_csv(run_id):
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";")  # no formulas (issue 8, finding 16)

    def flush():
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow(PROTOCOL_COLUMNS)
    yield "\ufeff" + flush()
    for n, (item, number, closed_at) in enumerate(queries.protocol_rows(run_id), start=1):
        writer.writerow([item.id, item.organisation.name, item.ticket_type, item.action, item.decision_reference,
                         item.months, item.cutoff.isoformat(), approver_name(item), item.approved_at.isoformat(),
                         item.finished_at.isoformat() if item.finished_at else "", item.status, item.count,
                         number or "", closed_at.isoformat() if closed_at else ""])
        if n % 1000 == 0:
            yield flush()
    yield flush()


def approver_name(run) -> str:
    return _("Schemaläggaren (automatisk regel)") if run.approved_by_id is None else run.approved_by_name


from . import views_ticket  # noqa: E402,F401  (ticket pages on bp)
