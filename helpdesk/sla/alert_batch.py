"""What one transaction of the SLA alerts job writes: events, outbox rows and the tickets' cache fields.

The job handles hundreds of tickets a transaction. Written through the ORM, every alert event
was an object to construct, track and flush, and every ticket a dirty object whose changed
columns the flush compared one by one: a third of the job's time. Here the rows are collected
as plain dictionaries and written with one executemany per table, in the caller's transaction.
The tickets' ORM objects are brought up to date without being marked dirty, so what the rest of
the transaction reads from them (the webhook payload before commit) is what was written.
"""

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..intake.thread import new_message_id
from ..notifications.models import OutboundMessage, OutboxStatus
from ..notifications.render import Stencil
from ..notifications.services import mail_headers, sender_for, threads_of, ticket_url
from ..reference import cached
from ..tickets.models import Ticket, TicketEvent
from ..webhooks.events import note_ticket_change

# A moment no ticket is ever due at: the text the localtime filter makes of it marks where the due time goes.
_NO_SUCH_MOMENT = datetime(1111, 11, 11, 11, 11, tzinfo=UTC)


class AlertBatch:
    """The alert events, alert mail and refreshed SLA caches of one batch of tickets."""

    def __init__(self, tickets, *, now):
        self.now = now
        self.threads = threads_of([t.id for t in tickets])
        self.events, self.mails, self.fields = [], [], {}
        self._stencils = {}
        self._filled = {}

    def event(self, ticket, kind, *, new, reason=None) -> None:
        """An automatic TicketEvent (as record_event writes it), noted for the webhooks."""
        self.events.append({"ticket_id": ticket.id, "at": self.now, "actor_id": None, "kind": kind,
                            "old_value": None, "new_value": new,
                            "reason": None if reason is None else json.dumps(reason, ensure_ascii=False)})
        note_ticket_change(ticket, kind, now=self.now, new=new)

    def cache(self, ticket, fields: dict) -> None:
        """The ticket's new SLA cache columns; only those that changed are written (its ORM object,
        loaded under the lock, is updated without being marked dirty)."""
        changed = {name: value for name, value in fields.items() if getattr(ticket, name) != value}
        for name, value in changed.items():
            set_committed_value(ticket, name, value)
        if changed:
            self.fields.setdefault(tuple(sorted(changed)), []).append({"ticket_id_": ticket.id} | {
                f"{name}_": value for name, value in changed.items()})

    def mail(self, kind, ticket, context, locale, address) -> None:
        """One outbox row: the alert `kind` about `ticket` to `address`, in `locale`.

        The SLA templates name the ticket, the clock and its due time, never the recipient: the
        text is filled in once per ticket and language and goes to each recipient in it (each
        still gets a mail of their own, with its own Message-ID).
        """
        locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        key = (ticket.id, kind, context["clock"], locale)
        if key not in self._filled:
            self._filled[key] = self._stencil(kind, ticket, context, locale).fill(_values(ticket, context))
        subject, text, html = self._filled[key]
        mailbox = cached(("sender", ticket.mailbox_id, ticket.organisation_id), lambda: sender_for(ticket))
        refs, answered = self.threads[ticket.id]
        self.mails.append({
            "created_at": self.now, "kind": kind, "mailbox_id": mailbox.id if mailbox else None,
            "ticket_id": ticket.id,
            "sender": mailbox.address if mailbox else current_app.config["MAIL_DEFAULT_SENDER"],
            "recipients": [address], "cc": [], "subject": subject[:500], "message_id": new_message_id(ticket.id),
            "headers": mail_headers(ticket.id, refs, answered, "auto-generated"), "body_text": text,
            "body_html": html, "status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": self.now,
            "last_error": "", "rate_key": None,
        })

    def _stencil(self, kind, ticket, context, locale) -> Stencil:
        # Everything the templates branch on or show unchanged for all tickets is part of the key.
        key = (kind, locale, context["clock"], context["percent"], context["due_at"] is None,
               ticket.assignee is not None, ticket.system is not None)
        if key not in self._stencils:
            self._stencils[key] = stencil(kind, locale, context, has_assignee=key[5], has_system=key[6])
        return self._stencils[key]

    def write(self) -> None:
        """Insert the events and the mail and update the tickets (in the caller's transaction)."""
        if self.events:
            db.session.execute(sa.insert(TicketEvent.__table__), self.events)
        if self.mails:
            db.session.execute(sa.insert(OutboundMessage.__table__), self.mails)
        table = Ticket.__table__
        for names, rows in self.fields.items():  # one executemany per set of changed columns
            db.session.execute(sa.update(table).where(table.c.id == sa.bindparam("ticket_id_"))
                               .values({name: sa.bindparam(f"{name}_") for name in names}), rows)
        self.events, self.mails, self.fields = [], [], {}


def stencil(kind, locale, context, *, has_assignee, has_system) -> Stencil:
    """The alert template rendered with marks in place of one ticket's values (see _values)."""
    mark = Stencil.mark
    standin = SimpleNamespace(
        id=mark("id"), subject=mark("subject"), priority=mark("priority"),
        support_group=SimpleNamespace(name=mark("group")),
        assignee=SimpleNamespace(full_name=mark("assignee")) if has_assignee else None,
        system=SimpleNamespace(name=mark("system")) if has_system else None)
    due_at = None if context["due_at"] is None else _NO_SUCH_MOMENT
    literals = {} if due_at is None else {_localtime(due_at): "due_at"}
    return Stencil(kind, locale, literals=literals, **(context | {"due_at": due_at}), ticket=standin,
                   message=None, url=mark("url"), recipient=None)


def _values(ticket, context) -> dict[str, str]:
    return {"id": str(ticket.id), "subject": ticket.subject, "priority": str(ticket.priority),
            "group": ticket.support_group.name,
            "assignee": ticket.assignee.full_name if ticket.assignee else "",
            "system": ticket.system.name if ticket.system else "", "url": ticket_url(ticket),
            "due_at": _localtime(context["due_at"]) if context["due_at"] is not None else ""}


def _localtime(moment) -> str:
    return current_app.jinja_env.filters["localtime"](moment)
