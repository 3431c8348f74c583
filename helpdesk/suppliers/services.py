"""Supplier business rules: the register, escalating a ticket, and what comes back. Flush, never commit."""

import re
from datetime import date

import sqlalchemy as sa

from flask_babel import gettext as _

from ..errors import DomainError, InvalidField
from ..extensions import db
from ..notifications.services import queue_mail
from ..tickets import services as tickets
from ..tickets.models import Message, MessageKind, OPEN_STATUSES, Status
from . import clocks
from .models import Supplier, SupplierContract, SupplierEscalation, SupplierMessage

TAG = re.compile(r"\[#(\d{1,12})/LEV-(\d{1,12})\]")
MAX_MINUTES = 366 * 24 * 60


def subject_tag(escalation) -> str:
    """The supplier's own tag in subjects: our ticket and the escalation, e.g. [#123/LEV-7]."""
    return f"[#{escalation.ticket_id}/LEV-{escalation.id}]"


def check_case_pattern(pattern: str) -> str:
    pattern = (pattern or "").strip()
    if pattern:
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            raise InvalidField("case_pattern", _("Mönstret går inte att läsa: %(error)s", error=str(error))) from None
        if compiled.groups > 1:
            raise InvalidField("case_pattern", _("Mönstret får ha högst en grupp inom parentes."))
    return pattern


def save_supplier(supplier, *, name, contact_email, contact_domain="", case_pattern="", is_active=True,
                  note="") -> Supplier:
    """Create (supplier None) or update a supplier."""
    supplier = supplier or Supplier()
    supplier.name = name.strip()
    supplier.contact_email = contact_email.strip().lower()
    supplier.contact_domain = (contact_domain or "").strip().lower().lstrip("@")
    supplier.case_pattern = check_case_pattern(case_pattern)
    supplier.is_active, supplier.note = is_active, note or ""
    db.session.add(supplier)
    db.session.flush()
    return supplier


def save_contract(contract, *, supplier, system, reference, response_minutes, resolution_minutes, calendar,
                  starts_on: date, ends_on: date | None, is_active=True) -> SupplierContract:
    """Create (contract None) or update a contract of a supplier."""
    if not 1 <= response_minutes <= MAX_MINUTES or not 1 <= resolution_minutes <= MAX_MINUTES:
        raise InvalidField("response_minutes", _("Ange tider mellan 1 minut och ett år."))
    if response_minutes > resolution_minutes:
        raise InvalidField("resolution_minutes", _("Lösningstiden kan inte vara kortare än svarstiden."))
    if ends_on is not None and ends_on < starts_on:
        raise InvalidField("ends_on", _("Avtalet kan inte sluta innan det börjar."))
    contract = contract or SupplierContract()
    contract.supplier_id, contract.system_id = supplier.id, getattr(system, "id", None)
    contract.reference = reference.strip()
    contract.response_minutes, contract.resolution_minutes = response_minutes, resolution_minutes
    contract.calendar_id = getattr(calendar, "id", None)
    contract.starts_on, contract.ends_on, contract.is_active = starts_on, ends_on, is_active
    db.session.add(contract)
    db.session.flush()
    return contract


def in_force(contract, day: date) -> bool:
    return (contract.is_active and contract.supplier.is_active and contract.starts_on <= day
            and (contract.ends_on is None or day <= contract.ends_on))


def escalate(ticket, contract, *, body, actor, now, local_day: date) -> SupplierEscalation:
    """Hand the ticket to the supplier: record it, mail them (outbox), start their clocks, wait for them."""
    if not (body or "").strip():
        raise InvalidField("body", _("Skriv vad leverantören ska göra."))
    if not in_force(contract, local_day):
        raise InvalidField("contract_id", _("Avtalet gäller inte i dag."))
    if ticket.status not in OPEN_STATUSES:
        raise DomainError(_("Ett avslutat ärende kan inte eskaleras."))
    escalation = SupplierEscalation(ticket_id=ticket.id, supplier_id=contract.supplier_id, contract_id=contract.id,
                                    escalated_at=now, escalated_by_id=getattr(actor, "id", None))
    db.session.add(escalation)
    db.session.flush()
    note = tickets.add_reply(ticket, body=body, actor=actor, now=now, kind=MessageKind.INTERNAL, staff=True)
    db.session.add(SupplierMessage(message_id=note.id, escalation_id=escalation.id))
    tickets.record_event(ticket, clocks.ESCALATED, actor=actor, now=now, new=escalation.id,
                         reason={"supplier": contract.supplier.name, "contract": contract.reference})
    mail = queue_mail(kind="supplier_escalation", ticket=ticket, now=now,
                      to_addresses=[contract.supplier.contact_email], message=note,
                      context={"escalation": escalation, "contract": contract, "tag": subject_tag(escalation)})
    # A new conversation with the supplier: not a reply in the requester's thread.
    mail.headers = {k: v for k, v in mail.headers.items() if k not in ("In-Reply-To", "References")} | {
        "X-Helpdesk-Escalation": str(escalation.id)}
    escalation.outbound_message_id = mail.message_id
    if ticket.status != Status.WAITING_SUPPLIER:
        tickets.change_status(ticket, Status.WAITING_SUPPLIER, actor=actor, now=now, reason="supplier_escalation")
    clocks.refresh(escalation)
    return escalation


def write_to_supplier(escalation, *, body, actor, now):
    """Another message to the supplier in the escalation's thread; the ticket waits for them again."""
    if not (body or "").strip():
        raise InvalidField("body", _("Skriv ett meddelande till leverantören."))
    ticket = escalation.ticket
    if ticket.status not in OPEN_STATUSES:
        raise DomainError(_("Ärendet är avslutat."))
    note = tickets.add_reply(ticket, body=body, actor=actor, now=now, kind=MessageKind.INTERNAL, staff=True)
    db.session.add(SupplierMessage(message_id=note.id, escalation_id=escalation.id))
    mail = queue_mail(kind="supplier_escalation", ticket=ticket, now=now,
                      to_addresses=[escalation.supplier.contact_email], message=note,
                      context={"escalation": escalation, "contract": escalation.contract,
                               "tag": subject_tag(escalation)})
    # In the supplier's thread: after our escalation mail and the supplier's latest answer.
    thread = [escalation.outbound_message_id, *supplier_message_ids(escalation)]
    mail.headers = {k: v for k, v in mail.headers.items() if k not in ("In-Reply-To", "References")} | {
        "X-Helpdesk-Escalation": str(escalation.id), "In-Reply-To": f"<{thread[-1]}>",
        "References": " ".join(f"<{m}>" for m in thread[-10:])}
    if ticket.status != Status.WAITING_SUPPLIER:
        tickets.change_status(ticket, Status.WAITING_SUPPLIER, actor=actor, now=now, reason="supplier_message")
    return note


def supplier_message_ids(escalation) -> list[str]:
    """The Message-IDs of the supplier's mail on the escalation, oldest first."""
    return list(db.session.scalars(
        sa.select(Message.email_message_id).join(SupplierMessage, SupplierMessage.message_id == Message.id)
        .where(SupplierMessage.escalation_id == escalation.id, Message.email_message_id.is_not(None))
        .order_by(Message.id)))


def set_case_number(escalation, case_number, *, actor, now) -> None:
    """Record the supplier's own case number."""
    case_number = (case_number or "").strip()[:100]
    if not case_number:
        raise InvalidField("case_number", _("Ange leverantörens ärendenummer."))
    if case_number == escalation.case_number:
        return
    tickets.record_event(escalation.ticket, clocks.CASE, actor=actor, now=now, old=escalation.case_number,
                         new=case_number, reason=str(escalation.id))
    escalation.case_number = case_number
    db.session.flush()


def mark_resolved(escalation, *, actor, now) -> None:
    """The supplier has done its part: its resolution clock stops."""
    if escalation.resolved_at is not None:
        raise DomainError(_("Leverantörens del är redan klar."))
    tickets.record_event(escalation.ticket, clocks.RESOLVED, actor=actor, now=now, new=escalation.id)
    clocks.refresh(escalation)


def sender_is_supplier(supplier, address: str) -> bool:
    """Only the supplier's contact address, or its domain when one is given, counts as the supplier."""
    address = (address or "").strip().lower()
    if not address:
        return False
    if address == supplier.contact_email:
        return True
    return bool(supplier.contact_domain) and address.rsplit("@", 1)[-1] == supplier.contact_domain


def case_number_in(supplier, subject: str) -> str | None:
    """The supplier's case number in a subject, by its pattern."""
    if not supplier.case_pattern:
        return None
    match = re.search(supplier.case_pattern, subject or "")
    if not match:
        return None
    return (match.group(1) if match.re.groups else match.group(0)).strip()[:100] or None


def receive_reply(escalation, *, author, body, subject, now, email=None, uploads=()):
    """The supplier's mail on its escalation: kept as the supplier's, case number noted, ticket back to work."""
    ticket = escalation.ticket
    message = tickets.add_reply(ticket, body=body, actor=author, now=now, kind=MessageKind.INTERNAL, staff=True,
                                channel="email", email=email, uploads=uploads)
    db.session.add(SupplierMessage(message_id=message.id, escalation_id=escalation.id))
    tickets.record_event(ticket, clocks.REPLY, actor=author, now=now, new=escalation.id)
    found = case_number_in(escalation.supplier, subject)
    if found and not escalation.case_number:
        set_case_number(escalation, found, actor=author, now=now)
    if ticket.status == Status.WAITING_SUPPLIER:
        tickets.change_status(ticket, Status.OPEN, actor=author, now=now, reason="supplier_reply")
    clocks.refresh(escalation)
    return message
