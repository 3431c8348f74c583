"""Outage notices, their updates and subscribers; major incidents with the people and tickets they affect."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class NoticeKind(StrEnum):
    UNPLANNED = "unplanned"  # a fault
    PLANNED = "planned"  # a maintenance window, usually with a future start


class Extent(StrEnum):
    WHOLE = "whole"  # the system does not work at all
    PARTIAL = "partial"  # some functions work


class OutageNotice(db.Model):
    """A published notice on one or more systems (or all); open until ended_at is set."""

    __tablename__ = "outage_notices"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('unplanned', 'planned')", name="kind"),
        sa.CheckConstraint("extent IN ('whole', 'partial')", name="extent"),
        sa.Index("ix_outage_notices_current", "ended_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(16), default=NoticeKind.UNPLANNED)
    extent: Mapped[str] = mapped_column(sa.String(16), default=Extent.WHOLE)
    all_systems: Mapped[bool] = mapped_column(default=False)
    works_text: Mapped[str] = mapped_column(sa.Text, default="")  # what still works
    broken_text: Mapped[str] = mapped_column(sa.Text, default="")  # what does not
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expected_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(sa.Text, default="")
    major_incident_ticket_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ticket.id", ondelete="SET NULL"), index=True)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    published_by = relationship("User")
    major_incident_ticket = relationship("Ticket")
    systems = relationship("System", secondary="outage_notice_systems", order_by="System.name", viewonly=True)
    updates: Mapped[list["OutageUpdate"]] = relationship(
        back_populates="notice", order_by="OutageUpdate.id", viewonly=True)

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None


class OutageNoticeSystem(db.Model):
    __tablename__ = "outage_notice_systems"

    notice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outage_notices.id", ondelete="CASCADE"), primary_key=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("system.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)


class UpdateKind(StrEnum):
    PUBLISHED = "published"  # the notice itself went out
    UPDATE = "update"
    RESOLUTION = "resolution"


class OutageUpdate(db.Model):
    """A progress report on a notice and/or a major incident; the resolution is the last one."""

    __tablename__ = "outage_updates"
    __table_args__ = (sa.Index("ix_outage_updates_major", "major_incident_ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outage_notices.id", ondelete="CASCADE"),
                                                  index=True)
    major_incident_ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16), default=UpdateKind.UPDATE)
    body: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    notice = relationship("OutageNotice", back_populates="updates")
    author = relationship("User")


class OutageUpdateRecipient(db.Model):
    """Who was mailed an update: the primary key is what makes it once per person."""

    __tablename__ = "outage_update_recipients"

    update_id: Mapped[int] = mapped_column(sa.ForeignKey("outage_updates.id", ondelete="CASCADE"),
                                           primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class OutageSubscription(db.Model):
    """An employee who wants notices on a system by e-mail."""

    __tablename__ = "outage_subscriptions"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("system.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MajorIncident(db.Model):
    """The flag that makes a ticket a major incident, with its update bookkeeping."""

    __tablename__ = "major_incidents"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    last_update_at: Mapped[datetime] = mapped_column(UTCDateTime)  # declaration counts as the first
    reminder_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # None once resolved
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket = relationship("Ticket")
    declared_by = relationship("User")


class AffectedSource(StrEnum):
    ME_TOO = "me_too"  # pressed "Jag berörs också"
    TICKET = "ticket"  # requester of a linked ticket
    AGENT = "agent"  # added by an agent (e.g. from a phone call)


class MajorIncidentPerson(db.Model):
    """One affected person of a major incident, however many ways she is affected."""

    __tablename__ = "major_incident_people"

    major_incident_ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("major_incidents.ticket_id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    source: Mapped[str] = mapped_column(sa.String(16))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user = relationship("User")
    department = relationship("Department")


class MajorIncidentTicket(db.Model):
    """A ticket linked under a major incident: solved with it, keeping its own SLA history."""

    __tablename__ = "major_incident_tickets"

    major_incident_ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("major_incidents.ticket_id", ondelete="CASCADE"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True,
                                           unique=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    ticket = relationship("Ticket")


class DeflectionKind(StrEnum):
    ME_TOO = "me_too"
    ARTICLE = "article"


class ReportDeflection(db.Model):
    """A report that ended without a ticket: "Jag berörs också" or "Det här löste mitt problem"."""

    __tablename__ = "report_deflections"
    __table_args__ = (sa.Index("ix_report_deflections_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    system_id: Mapped[int | None] = mapped_column(sa.ForeignKey("system.id", ondelete="SET NULL"))
    notice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outage_notices.id", ondelete="SET NULL"))
    article_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kb_articles.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
