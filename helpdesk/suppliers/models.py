"""Suppliers, their contracts per catalogue system, and the escalations of tickets to them."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class Supplier(db.Model):
    """An external supplier; its mail is recognised by contact address or domain."""

    __tablename__ = "supplier"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    # Other senders of the supplier (its ticket system), e.g. "leverantor.se"; empty: the address only.
    contact_domain: Mapped[str] = mapped_column(sa.String(253), default="")
    # A regular expression that finds the supplier's case number in its subjects, e.g. "CASE-(\d+)".
    case_pattern: Mapped[str] = mapped_column(sa.String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    contracts: Mapped[list["SupplierContract"]] = relationship(
        back_populates="supplier", order_by="SupplierContract.reference")

    def __str__(self):
        return self.name


class SupplierContract(db.Model):
    """What the supplier promised for one system: response and resolution in its service hours."""

    __tablename__ = "supplier_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("supplier.id"), index=True)
    system_id: Mapped[int | None] = mapped_column(sa.ForeignKey("system.id"), index=True)
    reference: Mapped[str] = mapped_column(sa.String(100))  # the contract's (avtals) number
    response_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    calendar_id: Mapped[int | None] = mapped_column(sa.ForeignKey("calendar.id"))  # None: around the clock
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    is_active: Mapped[bool] = mapped_column(default=True)

    supplier: Mapped[Supplier] = relationship(back_populates="contracts")
    system = relationship("System")
    calendar = relationship("Calendar")

    def __str__(self):
        return f"{self.supplier.name} – {self.reference}"


class SupplierEscalation(db.Model):
    """A ticket handed to a supplier under a contract.

    The clock columns are a cache derived from the ticket's history (the
    supplier:* and status events), recomputed by helpdesk.suppliers.clocks.
    """

    __tablename__ = "supplier_escalation"
    __table_args__ = (
        sa.Index("ix_supplier_escalation_ticket", "ticket_id", "id"),
        sa.Index("ix_supplier_escalation_escalated_at", "escalated_at"),
        sa.Index("ix_supplier_escalation_response_breach_at", "response_breach_at"),
        sa.Index("ix_supplier_escalation_resolution_breach_at", "resolution_breach_at"),
        sa.Index("ix_supplier_escalation_resolved_at", "resolved_at"),
        sa.Index("ix_supplier_escalation_responded_at", "responded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("supplier.id"))
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("supplier_contract.id"))
    escalated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    case_number: Mapped[str | None] = mapped_column(sa.String(100))
    outbound_message_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    # Cache (see the class docstring).
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_seconds: Mapped[int | None]
    response_met: Mapped[bool | None]
    response_breach_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # passed, or will be while running
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_seconds: Mapped[int | None]
    resolution_met: Mapped[bool | None]
    resolution_breach_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket = relationship("Ticket")
    supplier: Mapped[Supplier] = relationship()
    contract: Mapped[SupplierContract] = relationship()
    escalated_by = relationship("User")


class SupplierMessage(db.Model):
    """A message on a ticket that came from the supplier of an escalation."""

    __tablename__ = "supplier_message"

    message_id: Mapped[int] = mapped_column(sa.ForeignKey("message.id", ondelete="CASCADE"), primary_key=True)
    escalation_id: Mapped[int] = mapped_column(sa.ForeignKey("supplier_escalation.id", ondelete="CASCADE"),
                                               index=True)

    escalation: Mapped[SupplierEscalation] = relationship()
