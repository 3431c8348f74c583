"""Information-security incidents, the breach register (GDPR art. 33(5)) and NIS2 reporting."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db

# MSB's ten incident categories (REGULATION.md).
MSB_CATEGORIES = range(1, 11)


class GdprRisk(StrEnum):
    NONE = "none"  # unlikely to result in a risk: documented, not notified
    RISK = "risk"  # notify IMY
    HIGH = "high"  # notify IMY and inform the people affected (art. 34)


class Art34Decision(StrEnum):
    INFORM = "inform"
    NOT_REQUIRED = "not_required"  # no high risk
    ENCRYPTED = "encrypted"  # art. 34(3)(a)
    RISK_REMOVED = "risk_removed"  # art. 34(3)(b)
    PUBLIC_NOTICE = "public_notice"  # art. 34(3)(c): disproportionate effort


class SecurityIncident(db.Model):
    __tablename__ = "security_incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"), unique=True)
    category: Mapped[int | None]  # MSB 1-10; None until classified
    # Which dimensions are hit (KLASSA): confidentiality, integrity, availability, traceability.
    hits_k: Mapped[bool] = mapped_column(default=False)
    hits_r: Mapped[bool] = mapped_column(default=False)
    hits_t: Mapped[bool] = mapped_column(default=False)
    hits_s: Mapped[bool] = mapped_column(default=False)
    personal_data: Mapped[bool | None]  # None: not yet known
    awareness_at: Mapped[datetime] = mapped_column(UTCDateTime)
    awareness_reason: Mapped[str] = mapped_column(sa.Text, default="")  # why it was changed
    # The controller: a nämnd (by its department) or a bolag (by its organisation).
    controller_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    controller_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # GDPR art. 33(3) and the risk assessment
    risk: Mapped[str | None] = mapped_column(sa.String(8))
    risk_justification: Mapped[str] = mapped_column(sa.Text, default="")
    nature: Mapped[str] = mapped_column(sa.Text, default="")
    people_categories: Mapped[str] = mapped_column(sa.Text, default="")
    people_count: Mapped[int | None]
    record_categories: Mapped[str] = mapped_column(sa.Text, default="")
    record_count: Mapped[int | None]
    dpo_contact: Mapped[str] = mapped_column(sa.Text, default="")
    consequences: Mapped[str] = mapped_column(sa.Text, default="")
    measures: Mapped[str] = mapped_column(sa.Text, default="")
    imy_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imy_reference: Mapped[str] = mapped_column(sa.String(100), default="")
    late_reason: Mapped[str] = mapped_column(sa.Text, default="")
    art34_decision: Mapped[str | None] = mapped_column(sa.String(16))
    art34_justification: Mapped[str] = mapped_column(sa.Text, default="")
    art34_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # NIS2 (Cybersäkerhetslag 2025:1506)
    significant: Mapped[bool | None]  # None: not yet assessed
    significance_notes: Mapped[str] = mapped_column(sa.Text, default="")
    thresholds_met: Mapped[list] = mapped_column(sa.JSON, default=list)  # keys of NIS2_THRESHOLDS
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # for the final report clock

    ticket = relationship("Ticket")
    controller_department = relationship("Department")
    controller_organisation = relationship("Organisation")
    systems: Mapped[list["IncidentSystem"]] = relationship(cascade="all, delete-orphan")
    submissions: Mapped[list["Submission"]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="Submission.sent_at")


class IncidentSystem(db.Model):
    __tablename__ = "incident_system"

    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("security_incident.id", ondelete="CASCADE"), primary_key=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("system.id"), primary_key=True)

    system = relationship("System")


class SubmissionKind(StrEnum):
    GDPR_NOTIFICATION = "gdpr_notification"
    GDPR_SUPPLEMENT = "gdpr_supplement"
    NIS2_EARLY_WARNING = "nis2_early_warning"
    NIS2_NOTIFICATION = "nis2_notification"
    NIS2_INTERMEDIATE = "nis2_intermediate"
    NIS2_PROGRESS = "nis2_progress"
    NIS2_FINAL = "nis2_final"


class Submission(db.Model):
    """One report sent to an authority, with when and the authority's reference."""

    __tablename__ = "incident_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("security_incident.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    authority: Mapped[str] = mapped_column(sa.String(200))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    incident: Mapped[SecurityIncident] = relationship(back_populates="submissions")
