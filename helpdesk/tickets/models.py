"""Tickets, their messages, attachments, participants, links and history."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class TicketType(StrEnum):
    INCIDENT = "incident"
    REQUEST = "request"
    ACCESS_REQUEST = "access_request"
    SECURITY_INCIDENT = "security_incident"


class Channel(StrEnum):
    WEB = "web"
    EMAIL = "email"
    PHONE = "phone"
    API = "api"


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_REQUESTER = "waiting_requester"
    WAITING_SUPPLIER = "waiting_supplier"
    SOLVED = "solved"
    CLOSED = "closed"


OPEN_STATUSES = frozenset(
    {Status.NEW, Status.OPEN, Status.WAITING_REQUESTER, Status.WAITING_SUPPLIER}
)

# Which status may follow which: the workflow as data.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.OPEN, Status.WAITING_REQUESTER, Status.WAITING_SUPPLIER, Status.SOLVED, Status.CLOSED}),
    Status.OPEN: frozenset({Status.WAITING_REQUESTER, Status.WAITING_SUPPLIER, Status.SOLVED, Status.CLOSED}),
    Status.WAITING_REQUESTER: frozenset({Status.OPEN, Status.WAITING_SUPPLIER, Status.SOLVED, Status.CLOSED}),
    Status.WAITING_SUPPLIER: frozenset({Status.OPEN, Status.WAITING_REQUESTER, Status.SOLVED, Status.CLOSED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.OPEN}),
}


class MessageKind(StrEnum):
    PUBLIC = "public"  # seen by the requester
    INTERNAL = "internal"  # staff only
    PHONE = "phone"  # a logged call, public
    AUTOMATIC = "automatic"  # an auto-reply or bounce, kept for staff, changes nothing


PUBLIC_KINDS = (MessageKind.PUBLIC, MessageKind.PHONE)


# The WHERE clause of a partial index over open tickets, as each dialect writes the queue's filter.
OPEN_ONLY = {"sqlite_where": sa.text("is_open = 1"), "postgresql_where": sa.text("is_open")}
# The columns visible_tickets() tests for an agent, carried in the queue's indexes.
VISIBILITY = ("is_confidential", "requester_id", "assignee_id")
# Keyed by number, every column the queue's filters and visible_tickets() test (ix_ticket_search).
SEARCH_COLUMNS = ("id", "support_group_id", "is_open", "status", *VISIBILITY, "system_id", "priority",
                  "requester_department_id")


class Ticket(db.Model):
    __tablename__ = "ticket"
    __table_args__ = (
        # The queue lists open tickets by due time, number or priority. Open tickets are a few percent
        # of all, so its indexes hold only them, one per filter and order, and each also carries what
        # visible_tickets() tests (and the group, where it does not lead), so that a page (even page
        # 200) and the capped total count are read from the index alone.
        sa.Index("ix_ticket_queue", "support_group_id", "due_at", "id", *VISIBILITY, **OPEN_ONLY),
        sa.Index("ix_ticket_queue_number", "support_group_id", "id", *VISIBILITY, **OPEN_ONLY),
        sa.Index("ix_ticket_queue_priority", "support_group_id", "priority", "due_at", "id", *VISIBILITY,
                 **OPEN_ONLY),
        sa.Index("ix_ticket_open_due", "due_at", "id", "support_group_id", *VISIBILITY, **OPEN_ONLY),
        sa.Index("ix_ticket_open_number", "id", "support_group_id", *VISIBILITY, **OPEN_ONLY),
        sa.Index("ix_ticket_assignee", "assignee_id", "due_at", "id", "support_group_id", "is_confidential",
                 "requester_id", **OPEN_ONLY),
        sa.Index("ix_ticket_system", "system_id", "due_at", "id", "support_group_id", *VISIBILITY, **OPEN_ONLY),
        sa.Index("ix_ticket_department", "requester_department_id", "due_at", "id", "support_group_id",
                 *VISIBILITY, **OPEN_ONLY),
        sa.Index("ix_ticket_priority", "priority", "due_at", "id", "support_group_id", *VISIBILITY, **OPEN_ONLY),
        # Any status: one status, or all of a group's (or everyone's) tickets, by due time.
        sa.Index("ix_ticket_group_status", "support_group_id", "status", "due_at", "id", *VISIBILITY),
        sa.Index("ix_ticket_status_due", "status", "due_at", "id", "support_group_id", *VISIBILITY),
        sa.Index("ix_ticket_group_due", "support_group_id", "due_at", "id", *VISIBILITY),
        sa.Index("ix_ticket_due", "due_at", "id", *VISIBILITY),
        sa.Index("ix_ticket_group_priority", "support_group_id", "priority", "due_at", "id"),  # sorted by priority
        # A search looks its matches up by number (a common word: tens of thousands at a million tickets,
        # e.g. to prove that no other group's ticket matches): this narrow copy of what the queue's filters
        # and visible_tickets() test answers each lookup from a few cached pages instead of the wide row.
        sa.Index("ix_ticket_search", *SEARCH_COLUMNS),
        sa.Index("ix_ticket_requester", "requester_id", "is_open", "id"),  # my tickets, open or not
        # Retention (helpdesk.retention) selects closed tickets by organisation, type and closing time;
        # deleting a ticket makes the database look up who was merged into it.
        sa.Index("ix_ticket_retention", "organisation_id", "type", "closed_at", "id"),
        sa.Index("ix_ticket_merged_into", "merged_into_id"),
        # The monthly report's time anchors (helpdesk.reports.queries). The first three also hold
        # what the twelve-month trend counts and the report's area is decided on, so the trend is
        # read from the index alone.
        sa.Index("ix_ticket_created_at", "created_at", "organisation_id", "is_confidential", "support_group_id",
                 "system_id"),
        sa.Index("ix_ticket_sla_resolved_at", "sla_resolved_at", "organisation_id", "is_confidential",
                 "support_group_id", "system_id", "merged_into_id", "sla_resolution_met", "created_at"),
        sa.Index("ix_ticket_sla_first_response_stopped_at", "sla_first_response_stopped_at", "organisation_id",
                 "is_confidential", "support_group_id", "system_id", "merged_into_id", "sla_first_response_met"),
        sa.Index("ix_ticket_sla_first_response_breach_at", "sla_first_response_breach_at"),
        sa.Index("ix_ticket_sla_resolution_breach_at", "sla_resolution_breach_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # the ticket number
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    type: Mapped[str] = mapped_column(sa.String(32), default=TicketType.INCIDENT)
    channel: Mapped[str] = mapped_column(sa.String(16), default=Channel.WEB)
    subject: Mapped[str] = mapped_column(sa.String(300))
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    requester_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    system_id: Mapped[int | None] = mapped_column(sa.ForeignKey("system.id"))
    support_group_id: Mapped[int] = mapped_column(sa.ForeignKey("support_group.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    impact: Mapped[int] = mapped_column(default=3)
    urgency: Mapped[int] = mapped_column(default=3)
    priority: Mapped[int] = mapped_column(default=3)
    status: Mapped[str] = mapped_column(sa.String(24), default=Status.NEW)
    # Derived from status, kept for the queue index.
    is_open: Mapped[bool] = mapped_column(default=True)
    is_confidential: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket.id"))
    # The mailbox an e-mailed ticket came in through; its mail goes out from there.
    mailbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mailbox.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SLA cache, derived from the event history by helpdesk.sla (see `helpdesk sla recompute`).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # next deadline of a running clock
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_next_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    sla_breach_reason: Mapped[str | None] = mapped_column(sa.Text)
    # SLA outcome facts for the monthly report, derived from the same history and kept
    # with the cache above (helpdesk.sla.services.report_facts); NULL until computed.
    # When a clock stopped: the first response (or solving before one) and the final solving.
    sla_first_response_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_first_response_seconds: Mapped[int | None]  # business time run until then
    sla_first_response_met: Mapped[bool | None]
    # When the target was passed, or will be while the clock runs (its due time); NULL while paused or met.
    sla_first_response_breach_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_resolution_seconds: Mapped[int | None]
    sla_resolution_met: Mapped[bool | None]
    sla_resolution_breach_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_paused_seconds: Mapped[int | None]  # business time the resolution clock stood still
    sla_reopened_count: Mapped[int | None]  # times the clock restarted after solved/closed

    organisation = relationship("Organisation")
    requester = relationship("User", foreign_keys=[requester_id])
    requester_department = relationship("Department")
    created_by = relationship("User", foreign_keys=[created_by_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    system = relationship("System")
    support_group = relationship("SupportGroup")
    merged_into = relationship("Ticket", remote_side=[id])
    messages: Mapped[list["Message"]] = relationship(
        back_populates="ticket", order_by="Message.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )
    participants: Mapped[list["TicketParticipant"]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> int:
        return self.id


class Message(db.Model):
    __tablename__ = "message"
    __table_args__ = (sa.Index("ix_message_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16), default=MessageKind.PUBLIC)
    channel: Mapped[str] = mapped_column(sa.String(16), default=Channel.WEB)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(sa.Text)  # plain text as written or received
    body_html: Mapped[str | None] = mapped_column(sa.Text)  # raw, as received
    # Cleaned once at intake (helpdesk.intake.sanitise); shown as is, never cleaned during a page view.
    body_html_safe: Mapped[str | None] = mapped_column(sa.Text)
    # E-mail whose sender our mail server could not verify (DMARC/SPF/DKIM, helpdesk.intake.authres).
    sender_unverified: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    body_reply: Mapped[str | None] = mapped_column(sa.Text)  # e-mail: the new part, without quotes
    email_message_id: Mapped[str | None] = mapped_column(sa.String(998), index=True)
    headers: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    author = relationship("User")
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="message", order_by="Attachment.id"
    )

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_KINDS


class Attachment(db.Model):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    # Indexed: retention removes a file only when no attachment row names it any more.
    storage_key: Mapped[str] = mapped_column(sa.String(255), index=True)
    content_id: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    message: Mapped[Message | None] = relationship(back_populates="attachments")


class TicketEvent(db.Model):
    """One change to a ticket; the history SLA time is computed from."""

    __tablename__ = "ticket_event"
    __table_args__ = (
        sa.Index("ix_ticket_event_ticket", "ticket_id", "id"),
        # Each SLA warning or breach is notified once per ticket ("resolution:75"): the database's
        # guard behind the alert job's row lock, should two schedulers ever reach one ticket together.
        sa.Index("uq_ticket_event_sla_alert", "ticket_id", "new_value", unique=True,
                 sqlite_where=sa.text("kind = 'sla_alert'"), postgresql_where=sa.text("kind = 'sla_alert'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    old_value: Mapped[str | None] = mapped_column(sa.String(300))
    new_value: Mapped[str | None] = mapped_column(sa.String(300))
    reason: Mapped[str | None] = mapped_column(sa.Text)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor = relationship("User")


class TicketParticipant(db.Model):
    """Someone besides the requester who follows or works a ticket."""

    __tablename__ = "ticket_participant"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(sa.String(16), default="cc")

    ticket: Mapped[Ticket] = relationship(back_populates="participants")
    user = relationship("User")


class TicketLink(db.Model):
    __tablename__ = "ticket_link"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "other_id", name="uq_ticket_link_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
