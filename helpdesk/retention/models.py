"""Retention (gallring): rules per organisation and ticket type, legal holds, and the protocol of each run."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class RetentionAction(StrEnum):
    DESTROY = "destroy"  # the ticket and everything on it goes
    PSEUDONYMISE = "pseudonymise"  # personal data goes; structure, times and statuses stay


class RunStatus(StrEnum):
    APPROVED = "approved"  # an administrator approved it; the scheduler carries it out
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RetentionRule(db.Model):
    """Keep closed tickets of one type in one organisation for `months`, then apply `action`."""

    __tablename__ = "retention_rule"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "ticket_type", name="uq_retention_rule_org_type"),
        # Destruction needs a decision in the information management plan (REGULATION.md).
        sa.CheckConstraint("length(trim(decision_reference)) > 0", name="decision_reference"),
        sa.CheckConstraint("months >= 1", name="months"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    ticket_type: Mapped[str] = mapped_column(sa.String(32))
    months: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(16))
    decision_reference: Mapped[str] = mapped_column(sa.String(200))  # "KS 2026/123 § 45"
    # Automatic rules are applied by the scheduler; the others when an administrator approves a run.
    automatic: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")


class LegalHold(db.Model):
    """A ticket that must not be destroyed or pseudonymised while the hold stands (lifted_at is NULL)."""

    __tablename__ = "legal_hold"
    __table_args__ = (sa.Index("ix_legal_hold_ticket", "ticket_id", "lifted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.Text)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    placed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    lift_reason: Mapped[str] = mapped_column(sa.Text, default="")

    placed_by = relationship("User", foreign_keys=[placed_by_id])
    lifted_by = relationship("User", foreign_keys=[lifted_by_id])


class RetentionRun(db.Model):
    """One application of a rule: a gallringsprotokoll. The rule's terms are copied, so later edits
    of the rule do not change what the protocol says was done."""

    __tablename__ = "retention_run"
    __table_args__ = (sa.Index("ix_retention_run_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("retention_rule.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    ticket_type: Mapped[str] = mapped_column(sa.String(32))
    action: Mapped[str] = mapped_column(sa.String(16))
    months: Mapped[int]
    decision_reference: Mapped[str] = mapped_column(sa.String(200))
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime)  # tickets closed before this
    status: Mapped[str] = mapped_column(sa.String(16), default=RunStatus.APPROVED)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    approved_by_name: Mapped[str] = mapped_column(sa.String(200))  # as at approval; "scheduler" for automatic rules
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.Text, default="")

    rule = relationship("RetentionRule")
    organisation = relationship("Organisation")


class RetentionRunTicket(db.Model):
    """One ticket a run handled. No foreign key: a destroyed ticket's number is all that remains."""

    __tablename__ = "retention_run_ticket"

    run_id: Mapped[int] = mapped_column(sa.ForeignKey("retention_run.id", ondelete="CASCADE"), primary_key=True)
    ticket_number: Mapped[int] = mapped_column(primary_key=True, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
