"""Writing mail to the outbox."""

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..intake.thread import new_message_id
from .models import OutboundMessage, OutboxStatus
from .rates import note_rate_key
from .render import render

MAX_REFERENCES = 10
# Mail deliberately written to someone outside the desk's users (a supplier); any other mail of a
# confidential ticket goes only to users who may read the ticket.
EXTERNAL_KINDS = frozenset({"supplier_escalation"})
WITHHELD_NOTE = "withheld: no recipient may read the confidential ticket"


def ticket_url(ticket) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/tickets/{ticket.id}"


def sender_for(ticket):
    """The mailbox a ticket's mail goes out from: where it came in, else its organisation's first."""
    from ..intake.models import Mailbox

    if ticket.mailbox_id:
        mailbox = db.session.get(Mailbox, ticket.mailbox_id)
        if mailbox and mailbox.is_active:
            return mailbox
    return db.session.scalar(
        sa.select(Mailbox).where(Mailbox.is_active)
        .order_by((Mailbox.organisation_id == ticket.organisation_id).desc(), Mailbox.id))


def thread_of(ticket) -> tuple[list[str], str | None]:
    """The Message-IDs of the ticket's conversation so far, oldest first (auto-replies and bounces left
    out, outbox rows not flushed yet counted), and the latest received one, which our mail answers."""
    return threads_of([ticket.id])[ticket.id]


def _unflushed_outbound(ticket_ids) -> dict[int, list[tuple]]:
    """(created_at, message_id) per ticket of outbox rows added to the session and not flushed yet
    (compose adds several for one ticket without flushing in between)."""
    found = {}
    for o in db.session.new:
        if isinstance(o, OutboundMessage) and o.ticket_id in ticket_ids:
            found.setdefault(o.ticket_id, []).append((o.created_at, o.message_id))
    return found


def _references(inbound, outbound) -> list[str]:
    ordered = [mid for _at, mid in sorted(list(inbound) + list(outbound), key=lambda r: r[0])]
    if len(ordered) > MAX_REFERENCES:  # keep the first, as RFC 5322 suggests, and the latest
        ordered = ordered[:1] + ordered[-(MAX_REFERENCES - 1):]
    return ordered


def threads_of(ticket_ids) -> dict[int, tuple[list[str], str | None]]:
    """thread_of() of many tickets, in two queries (the SLA job's batches)."""
    from ..tickets.models import Message, MessageKind

    inbound, outbound = {}, {}
    for ticket_id, at, _id, mid in db.session.execute(
            sa.select(Message.ticket_id, Message.created_at, Message.id, Message.email_message_id)
            .where(Message.ticket_id.in_(ticket_ids), Message.email_message_id.is_not(None),
                   Message.kind != MessageKind.AUTOMATIC).order_by(Message.id)):
        inbound.setdefault(ticket_id, []).append((at, mid))
    for ticket_id, at, mid in db.session.execute(
            sa.select(OutboundMessage.ticket_id, OutboundMessage.created_at, OutboundMessage.message_id)
            .where(OutboundMessage.ticket_id.in_(ticket_ids)).order_by(OutboundMessage.id)):
        outbound.setdefault(ticket_id, []).append((at, mid))
    unflushed = _unflushed_outbound(set(ticket_ids))  # after the queries: an autoflush empties it
    found = {}
    for ticket_id in ticket_ids:
        received = inbound.get(ticket_id, [])
        latest = max(range(len(received)), key=lambda i: (received[i][0], i), default=None)
        found[ticket_id] = (_references(received, outbound.get(ticket_id, []) + unflushed.get(ticket_id, [])),
                            received[latest][1] if latest is not None else None)
    return found


def mail_headers(ticket_id, refs, answered, auto_submitted) -> dict:
    """The headers of a ticket's mail: threading, loop prevention, the ticket number."""
    headers = {"X-Auto-Response-Suppress": "All", "X-Helpdesk-Ticket": str(ticket_id)}
    if auto_submitted:
        headers["Auto-Submitted"] = auto_submitted
    answered = answered or (refs[-1] if refs else None)
    if answered:
        headers["In-Reply-To"] = f"<{answered}>"
    if refs:
        headers["References"] = " ".join(f"<{r}>" for r in refs)
    return headers


def queue_mail(*, kind, ticket, now, to=(), to_addresses=(), cc=(), message=None,
               auto_submitted=None, rate_key=None, context=None) -> OutboundMessage:
    """Render a template for the recipients and add it to the outbox in this transaction.

    context holds what a template needs beyond the ticket (an SLA alert's clock and due time).
    """
    mailbox = sender_for(ticket)
    locale = next((p.locale for p in to if getattr(p, "locale", None)), None) or \
        current_app.config["BABEL_DEFAULT_LOCALE"]
    subject, text, html = render(kind, locale, **(context or {}), ticket=ticket, message=message,
                                 url=ticket_url(ticket), recipient=to[0] if to else None)
    headers = mail_headers(ticket.id, *thread_of(ticket), auto_submitted)
    outbound = OutboundMessage(
        created_at=now, kind=kind, mailbox_id=mailbox.id if mailbox else None, ticket_id=ticket.id,
        sender=mailbox.address if mailbox else current_app.config["MAIL_DEFAULT_SENDER"],
        recipients=[p.email for p in to] + list(to_addresses), cc=[p.email for p in cc],
        subject=subject[:500], message_id=new_message_id(ticket.id), headers=headers,
        body_text=text, body_html=html, status=OutboxStatus.PENDING, next_attempt_at=now,
        rate_key=rate_key,
    )
    db.session.add(outbound)
    if rate_key:
        note_rate_key(rate_key, now)
    return outbound


def readers_only(outbound, ticket) -> tuple[list[str], list[str]]:
    """The recipients and cc of a confidential ticket's mail who may read the ticket now.

    Mail is written when its change commits and sent later; meanwhile the ticket may have been
    raised to a security incident and its followers lost it. An address of a user who may not see
    the ticket is dropped, and so is an address that is no user's (a group's list), unless the
    mail is meant for outside the desk (EXTERNAL_KINDS)."""
    from ..auth.models import User
    from ..auth.permissions import Permission, can

    addresses = {a.lower() for a in [*outbound.recipients, *outbound.cc]}
    people: dict[str, list] = {}
    for user in db.session.scalars(sa.select(User).where(sa.func.lower(User.email).in_(sorted(addresses)))):
        people.setdefault(user.email.lower(), []).append(user)

    def keep(address):
        found = people.get(address.lower())
        if found is None:
            return outbound.kind in EXTERNAL_KINDS
        return any(can(user, Permission.TICKET_VIEW, ticket) for user in found)

    to, cc = [a for a in outbound.recipients if keep(a)], [a for a in outbound.cc if keep(a)]
    return (to, cc) if to else (cc[:1], cc[1:])


def withhold_from_non_readers(ticket) -> int:
    """Narrow the ticket's unsent mail to those who may still read it; returns how many rows changed.

    A row left with nobody is withheld (never sent); the outbox job checks again at send time."""
    changed = 0
    for outbound in db.session.scalars(sa.select(OutboundMessage).where(
            OutboundMessage.ticket_id == ticket.id, OutboundMessage.status == OutboxStatus.PENDING)):
        to, cc = readers_only(outbound, ticket)
        if (to, cc) == (list(outbound.recipients), list(outbound.cc)):
            continue
        changed += 1
        if to:
            outbound.recipients, outbound.cc = to, cc
        else:
            outbound.status, outbound.last_error = OutboxStatus.WITHHELD, WITHHELD_NOTE
    return changed
