"""Security incidents: the employee's report form, the register, and the incident page."""

import io

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..audit.services import record
from ..auth.permissions import Permission, can
from ..catalogue.queries import system_choices
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError, InvalidField
from ..extensions import db
from ..forms import choices
from ..org.models import Department, Organisation
from ..routing.services import security_group
from ..tickets.loaders import get_ticket_or_404
from ..tickets.pages import find_person, system_or_none
from ..web import client_address
from ..spreadsheet import csv_writer
from ..auth.routes import declare, requires, signed_in
from . import queries, services
from .forms import (
    Art34Form, ClassifyForm, GdprForm, HandledForm, ReportIncidentForm, SignificanceForm, SubmissionForm,
    WorkerForm, local_input, tristate, utc,
)
from .labels import DEADLINE_LABELS, MSB_LABELS, RISK_LABELS, SUBMISSION_LABELS
from .models import SecurityIncident

bp = Blueprint("security", __name__, url_prefix="/security")
declare(bp, signed_in)  # incidents are checked through their ticket (load)


@bp.before_request
@login_required
def require_login():
    """Every security page needs a signed-in user."""


@bp.route("/report", methods=["GET", "POST"])
def report():
    """Any employee reports an information-security incident."""
    form = ReportIncidentForm()
    form.system_id.choices = choices(system_choices())
    if form.validate_on_submit():
        try:
            with unit_of_work():
                incident = services.report_incident(
                    reporter=current_user, subject=form.subject.data, description=form.description.data,
                    now=utcnow(), aware_at=utc(form.aware_at.data), system=system_or_none(form.system_id.data),
                    personal_data=tristate(form.personal_data.data))
        except InvalidField as error:
            form[error.field].errors = [error.message] if error.field in form else [error.message]
        else:
            flash(_("Tack! Incidenten är rapporterad som ärende #%(n)s. Informationssäkerhetssamordnaren har fått den.",
                    n=incident.ticket_id), "success")
            return redirect(url_for("tickets.show", number=incident.ticket_id))
    return render_template("security/report.html", form=form), 400 if form.errors else 200


@bp.route("/")
@requires(Permission.SECURITY_REGISTER)
def register():
    """All incidents with their legal clocks (security officers)."""
    if not can(current_user, Permission.SECURITY_REGISTER):
        abort(403)
    now = utcnow()
    rows = [(i, services.deadlines_of(i)) for i in queries.incidents(current_user)]
    return render_template("security/register.html", rows=rows, now=now, labels=DEADLINE_LABELS, msb=MSB_LABELS)


@bp.route("/register.csv")
@requires(Permission.SECURITY_REGISTER)
def register_csv():
    """The breach register (GDPR art. 33(5)): every personal-data incident, notified or not."""
    if not can(current_user, Permission.SECURITY_REGISTER):
        abort(403)
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";")  # no formulas (issue 8, finding 16)
    writer.writerow(queries.REGISTER_COLUMNS)
    for row in queries.breach_register(current_user):
        writer.writerow(row)
    with unit_of_work():
        record("breach_register_exported", actor=current_user, now=utcnow(), address=client_address())
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=personuppgiftsincidenter.csv"})


def load(incident_id, permission):
    incident = db.session.get(SecurityIncident, incident_id)
    if incident is None:
        abort(404)
    get_ticket_or_404(incident.ticket_id, permission, via="security-incident")  # hidden: 404, read-only: 403
    return incident


@bp.route("/incidents/<int:incident_id>")
def incident(incident_id):
    """The incident page: classification, GDPR and NIS2 tracks, submissions, deadlines."""
    item = load(incident_id, Permission.TICKET_VIEW)
    with unit_of_work():
        record("confidential_read", actor=current_user, now=utcnow(), object_type="security_incident",
               object_id=item.id, address=client_address())
    return render_incident(item)


def render_incident(item, **given):
    editable = can(current_user, Permission.TICKET_WORK, item.ticket)
    forms = {}
    if editable:
        forms = {name: given.get(name) or bind(cls(), item) for name, cls in FORMS.items()}
    return render_template(
        "security/incident.html", item=item, now=utcnow(), editable=editable,
        deadlines=services.deadlines_of(item),
        no_security_group=security_group(item.ticket.organisation_id) is None,
        labels=DEADLINE_LABELS, msb=MSB_LABELS, risks=RISK_LABELS, kinds=SUBMISSION_LABELS,
        thresholds=current_app.config["NIS2_THRESHOLDS"], failed_forms=[f for f in forms.values() if f.errors],
        **forms,
    ), (400 if given else 200)


def bind(form, item):
    """Fill choices (and current values on a fresh form)."""
    if isinstance(form, ClassifyForm):
        form.system_ids.choices = choices(system_choices(unknown=False))
        form.controller_department_id.choices = choices([(0, _("Ingen"))] + [
            (d.id, d.name) for d in db.session.scalars(sa.select(Department).order_by(Department.name))])
        form.controller_organisation_id.choices = choices([
            (o.id, o.name) for o in db.session.scalars(sa.select(Organisation).order_by(Organisation.name))])
        if not form.is_submitted():
            form.category.data = item.category or 0
            form.hits.data = [k for k in "krts" if getattr(item, f"hits_{k}")]
            form.personal_data.data = {True: "yes", False: "no"}.get(item.personal_data, "unknown")
            form.system_ids.data = [s.system_id for s in item.systems]
            form.controller_department_id.data = item.controller_department_id or 0
            form.controller_organisation_id.data = item.controller_organisation_id
            form.awareness_at.data = local_input(item.awareness_at)
    elif isinstance(form, SignificanceForm):
        form.thresholds.choices = choices(current_app.config["NIS2_THRESHOLDS"].items())
        if not form.is_submitted():
            form.thresholds.data = list(item.thresholds_met or [])
            form.significant.data = {True: "yes", False: "no"}.get(item.significant, "unknown")
            form.significance_notes.data = item.significance_notes
    elif isinstance(form, GdprForm) and not form.is_submitted():
        form.risk.data = item.risk
        for name in ("risk_justification",) + services.ART33_FIELDS:
            getattr(form, name).data = getattr(item, name)
    elif isinstance(form, Art34Form) and not form.is_submitted():
        form.art34_decision.data = item.art34_decision
        form.art34_justification.data = item.art34_justification
        form.art34_done_at.data = local_input(item.art34_done_at)
    elif isinstance(form, SubmissionForm) and not form.is_submitted():
        form.sent_at.data = local_input(utcnow())  # most reports are recorded as they are sent
    return form


FORMS = {"classify_form": ClassifyForm, "gdpr_form": GdprForm, "submission_form": SubmissionForm,
         "art34_form": Art34Form, "significance_form": SignificanceForm, "handled_form": HandledForm,
         "worker_form": WorkerForm}


def _act(incident_id, key, action):
    item = load(incident_id, Permission.TICKET_WORK)
    form = bind(FORMS[key](), item)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                action(item, form, utcnow())
        except InvalidField as error:
            target = form._fields.get(error.field)
            if target is not None:
                target.errors = [*target.errors, error.message]
            else:
                flash(error.message, "error")
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Sparat."), "success")
            return redirect(url_for("security.incident", incident_id=incident_id))
    return render_incident(item, **{key: form})


@bp.route("/incidents/<int:incident_id>/classify", methods=["POST"])
def classify(incident_id):
    return _act(incident_id, "classify_form", lambda i, f, now: services.classify_incident(
        i, category=f.category.data or None, hits=f.hits.data, personal_data=tristate(f.personal_data.data),
        system_ids=f.system_ids.data, controller_department_id=f.controller_department_id.data or None,
        controller_organisation_id=f.controller_organisation_id.data, awareness_at=utc(f.awareness_at.data),
        awareness_reason=f.awareness_reason.data, actor=current_user, now=now))


@bp.route("/incidents/<int:incident_id>/gdpr", methods=["POST"])
def gdpr(incident_id):
    return _act(incident_id, "gdpr_form", lambda i, f, now: services.assess_gdpr(
        i, risk=f.risk.data, justification=f.risk_justification.data,
        fields={name: getattr(f, name).data for name in services.ART33_FIELDS}, actor=current_user, now=now))


@bp.route("/incidents/<int:incident_id>/submissions", methods=["POST"])
def submission(incident_id):
    return _act(incident_id, "submission_form", lambda i, f, now: services.record_submission(
        i, kind=f.kind.data, sent_at=utc(f.sent_at.data), reference=f.reference.data, summary=f.summary.data,
        late_reason=f.late_reason.data, actor=current_user, now=now))


@bp.route("/incidents/<int:incident_id>/art34", methods=["POST"])
def art34(incident_id):
    return _act(incident_id, "art34_form", lambda i, f, now: services.decide_art34(
        i, decision=f.art34_decision.data, justification=f.art34_justification.data,
        done_at=utc(f.art34_done_at.data), actor=current_user, now=now))


@bp.route("/incidents/<int:incident_id>/significance", methods=["POST"])
def significance(incident_id):
    return _act(incident_id, "significance_form", lambda i, f, now: services.assess_significance(
        i, thresholds_met=f.thresholds.data, significant=tristate(f.significant.data),
        notes=f.significance_notes.data, actor=current_user, now=now))


@bp.route("/incidents/<int:incident_id>/handled", methods=["POST"])
def handled(incident_id):
    return _act(incident_id, "handled_form", lambda i, f, now: services.mark_handled(
        i, handled_at=utc(f.handled_at.data), actor=current_user, now=now))


@bp.route("/incidents/<int:incident_id>/workers", methods=["POST"])
def worker(incident_id):
    def add(item, form, now):
        person = find_person(form.person.data)
        if person is None or person.is_contact:
            raise InvalidField("person", _("Ingen person med det användarnamnet eller den e-postadressen."))
        services.add_worker(item, person, actor=current_user, now=now)
    return _act(incident_id, "worker_form", add)
