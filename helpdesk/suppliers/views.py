"""Supplier pages: escalation on the ticket page, the supplier register, the monthly follow-up."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import Permission
from ..catalogue.models import System
from ..clock import STOCKHOLM, utcnow
from ..database import built_once, unit_of_work
from ..errors import DomainError, InvalidField
from ..extensions import db
from ..forms import choices
from ..reports.months import InvalidMonth, Month, parse_month
from ..reports.queries import report_scope
from ..sla.models import Calendar
from ..tickets import pages
from ..tickets.loaders import get_ticket_or_404
from . import clocks, queries, services
from .forms import CaseNumberForm, ContractForm, EscalateForm, ResolvedForm, SupplierForm, SupplierMessageForm
from .models import Supplier, SupplierContract, SupplierEscalation, SupplierMessage
from ..auth.routes import declare, requires, signed_in

bp = Blueprint("suppliers", __name__)
declare(bp, signed_in)  # routes without their own declaration check the object they load




@bp.app_context_processor
def supplier_helpers():
    """supplier_panel(ticket) and supplier_of(message) for the ticket page."""
    return {"supplier_panel": panel, "supplier_of": supplier_of}


def panel(ticket) -> dict:
    """The ticket's escalations with their clocks, and the forms to escalate and follow up."""
    escalations = queries.escalations_of(ticket.id) if pages.extras(ticket.id).escalations else []
    given = g.get("supplier_forms", {})
    escalate_form = given.get("escalate") or EscalateForm(formdata=None, prefix="supplier")
    escalate_form.contract_id.choices = choices(queries.contract_choices(ticket.system_id))
    return {"escalations": [(e, clocks.clocks_of(e)) for e in escalations], "escalate_form": escalate_form,
            "case_forms": {e.id: given.get(("case", e.id)) or CaseNumberForm(
                formdata=None, prefix=f"case{e.id}", case_number=e.case_number)
                           for e in escalations},
            "write_forms": {e.id: given.get(("write", e.id)) or SupplierMessageForm(formdata=None, prefix=f"write{e.id}")
                            for e in escalations},
            "resolved_form": ResolvedForm(formdata=None, prefix="resolved"), "now": utcnow()}


def supplier_of(message) -> Supplier | None:
    """The supplier a message on a ticket came from (or went to, for the escalation itself).

    The conversation asks for every internal note: the suppliers of all the ticket's
    messages are read in one query, once per request.
    """
    from ..reference import cached
    from ..tickets.models import Message

    def read():
        if not pages.extras(message.ticket_id).escalations:  # no escalation, no messages to or from suppliers
            return {}
        return dict(db.session.execute(_suppliers_by_message_query(Message), {"ticket_id": message.ticket_id}).all())

    return cached(("suppliers_by_message", message.ticket_id), read).get(message.id)


@built_once
def _suppliers_by_message_query(message_model):
    return (sa.select(SupplierMessage.message_id, Supplier)
            .join(SupplierEscalation, SupplierEscalation.supplier_id == Supplier.id)
            .join(SupplierMessage, SupplierMessage.escalation_id == SupplierEscalation.id)
            .join(message_model, message_model.id == SupplierMessage.message_id)
            .where(message_model.ticket_id == sa.bindparam("ticket_id")))


def _ticket_action(number, key, form, action):
    ticket = get_ticket_or_404(number, Permission.TICKET_WORK)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                action(ticket, form)
        except InvalidField as error:
            field = getattr(form, error.field, None)
            if field is not None:
                field.errors = [*field.errors, error.message]
            else:
                flash(error.message, "error")
        except DomainError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for("tickets.show", number=ticket.id, _anchor="suppliers"))
    g.supplier_forms = {key: form}
    return pages.render_ticket(ticket), 400


def _escalation(ticket, escalation_id) -> SupplierEscalation:
    escalation = db.session.get(SupplierEscalation, escalation_id)
    if escalation is None or escalation.ticket_id != ticket.id:
        abort(404)
    return escalation


@bp.route("/tickets/<int:number>/supplier/escalate", methods=["POST"])
def escalate(number):
    """Hand the ticket to a supplier under a contract."""
    form = EscalateForm(prefix="supplier")
    form.contract_id.choices = choices(queries.contract_choices())

    def run(ticket, form):
        contract = db.session.get(SupplierContract, form.contract_id.data)
        if contract is None:
            raise InvalidField("contract_id", _("Välj ett avtal."))
        now = utcnow()
        services.escalate(ticket, contract, body=form.body.data, actor=current_user, now=now,
                          local_day=now.astimezone(STOCKHOLM).date())
        flash(_("Ärendet är eskalerat till %(name)s.", name=contract.supplier.name), "success")
    return _ticket_action(number, "escalate", form, run)


@bp.route("/tickets/<int:number>/supplier/<int:escalation_id>/case", methods=["POST"])
def case_number(number, escalation_id):
    """Record the supplier's case number by hand."""
    form = CaseNumberForm(prefix=f"case{escalation_id}")
    return _ticket_action(number, ("case", escalation_id), form, lambda t, f: services.set_case_number(
        _escalation(t, escalation_id), f.case_number.data, actor=current_user, now=utcnow()))


@bp.route("/tickets/<int:number>/supplier/<int:escalation_id>/message", methods=["POST"])
def message(number, escalation_id):
    """Write to the supplier again in the escalation's thread."""
    form = SupplierMessageForm(prefix=f"write{escalation_id}")
    return _ticket_action(number, ("write", escalation_id), form, lambda t, f: services.write_to_supplier(
        _escalation(t, escalation_id), body=f.body.data, actor=current_user, now=utcnow()))


@bp.route("/tickets/<int:number>/supplier/<int:escalation_id>/resolved", methods=["POST"])
def resolved(number, escalation_id):
    """The supplier has done its part."""
    return _ticket_action(number, "resolved", ResolvedForm(prefix="resolved"), lambda t, f: services.mark_resolved(
        _escalation(t, escalation_id), actor=current_user, now=utcnow()))


# The monthly follow-up

@bp.route("/reports/suppliers/<month>")
@requires(Permission.REPORT_VIEW)
def follow_up(month):
    """Per supplier and contract: escalations, response and resolution against contract, breaches, trend."""
    try:
        month = parse_month(month, now=utcnow())
    except InvalidMonth as error:
        return render_template("error.html", code=400, title=_("Ogiltig månad"), text=error.message), 400
    now, scope = utcnow(), report_scope(current_user)
    contract_id = request.args.get("contract", type=int)
    return render_template("suppliers/follow_up.html", month=month, rows=queries.follow_up(scope, month, now),
                           breaches=queries.breaches(scope, month, now, contract_id), contract_id=contract_id,
                           months=Month.of(now).trend(24)[::-1])


# The register (administrators)

def _save_page(template, form, save, done, **context):
    if form.validate_on_submit():
        try:
            with unit_of_work():
                result = save()
        except InvalidField as error:
            field = getattr(form, error.field, None)
            if field is not None:
                field.errors = [*field.errors, error.message]
            else:
                flash(error.message, "error")
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Ändringarna är sparade."), "success")
            return redirect(done(result))
    return render_template(template, form=form, **context), 400 if request.method == "POST" else 200


@bp.route("/admin/suppliers")
@requires(Permission.ADMIN_MANAGE)
def register():
    """Every supplier and its contracts."""
    suppliers = db.session.scalars(sa.select(Supplier).order_by(Supplier.name)).all()
    return render_template("suppliers/register.html", suppliers=suppliers)


@bp.route("/admin/suppliers/new", methods=["GET", "POST"])
@bp.route("/admin/suppliers/<int:supplier_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def edit_supplier(supplier_id=None):
    """Add or change a supplier."""
    supplier = db.session.get(Supplier, supplier_id) or abort(404) if supplier_id else None
    form = SupplierForm(obj=supplier)
    return _save_page("suppliers/supplier_form.html", form, lambda: services.save_supplier(
        supplier, name=form.name.data, contact_email=form.contact_email.data,
        contact_domain=form.contact_domain.data or "", case_pattern=form.case_pattern.data or "",
        is_active=form.is_active.data, note=form.note.data or ""),
        lambda s: url_for("suppliers.register"), supplier=supplier)


def _contract_form(contract):
    form = ContractForm(obj=contract)
    form.system_id.choices = choices([(0, _("Alla system"))] + [
        (s.id, s.name) for s in db.session.scalars(sa.select(System).where(System.is_active).order_by(System.name))])
    form.calendar_id.choices = choices([(0, _("Dygnet runt"))] + [
        (c.id, c.name) for c in db.session.scalars(sa.select(Calendar).where(Calendar.is_active).order_by(Calendar.name))])
    if contract is not None and request.method == "GET":
        form.system_id.data, form.calendar_id.data = contract.system_id or 0, contract.calendar_id or 0
    return form


@bp.route("/admin/suppliers/<int:supplier_id>/contracts/new", methods=["GET", "POST"])
@bp.route("/admin/suppliers/<int:supplier_id>/contracts/<int:contract_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def edit_contract(supplier_id, contract_id=None):
    """Add or change a contract of a supplier."""
    supplier = db.session.get(Supplier, supplier_id) or abort(404)
    contract = db.session.get(SupplierContract, contract_id) if contract_id else None
    if contract_id and (contract is None or contract.supplier_id != supplier.id):
        abort(404)
    form = _contract_form(contract)
    return _save_page("suppliers/contract_form.html", form, lambda: services.save_contract(
        contract, supplier=supplier, system=db.session.get(System, form.system_id.data) if form.system_id.data else None,
        reference=form.reference.data, response_minutes=form.response_minutes.data,
        resolution_minutes=form.resolution_minutes.data,
        calendar=db.session.get(Calendar, form.calendar_id.data) if form.calendar_id.data else None,
        starts_on=form.starts_on.data, ends_on=form.ends_on.data, is_active=form.is_active.data),
        lambda c: url_for("suppliers.register"), supplier=supplier, contract=contract)
