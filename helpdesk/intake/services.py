"""ingest(raw, mailbox): the one pipeline every mail channel hands raw bytes to."""

import logging
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from ..auth.permissions import Permission, can, parties_of
from ..errors import DomainError
from ..extensions import db
from ..notifications import intents
from ..notifications.compose import ack_allowed, our_addresses
from ..notifications.models import OutboundMessage
from ..suppliers.intake import escalation_for as supplier_escalation_for
from ..suppliers.services import receive_reply as receive_supplier_reply
from ..tickets import services as tickets
from ..tickets.attachments import AttachmentRefused, check_upload
from ..tickets.models import Channel, Message, Status, Ticket
from . import sanitise, store, swallowed, thread, verify
from .classify import automatic_kind, returned_message_ids
from .contacts import contact_for, user_for
from .models import InboundMessage, MessageKey, Outcome
from .parse import ParsedMail, header_block, parse
from .replies import latest_reply

log = logging.getLogger(__name__)
FORWARDED = re.compile(r"^\s*((re|sv|aw)\s*:\s*)*(vb|fw|fwd|wg|vs|tr|vl)\s*:", re.I)
KEPT_HEADERS = ("from", "to", "cc", "date", "subject", "message-id", "in-reply-to", "references",
                "auto-submitted", "thread-index", "x-mailer", "user-agent")


@dataclass
class IngestResult:
    inbound: InboundMessage
    ticket_id: int | None

    def as_dict(self) -> dict:
        i = self.inbound
        return {"message_id": i.message_id, "outcome": i.outcome, "ticket": self.ticket_id,
                "automatic": i.automatic, "acknowledged": i.acknowledged, "reason": i.reason}


class _Duplicate(Exception):
    pass


class Quarantine(Exception):
    """Processing stopped for a reason an admin must look at."""


def ingest(raw: bytes, mailbox, *, now) -> IngestResult:
    """Store, parse, deduplicate, classify, thread and apply one e-mail; flushes, never commits."""
    digest = store.keep(raw)
    inbound = InboundMessage(mailbox_id=getattr(mailbox, "id", None), received_at=now, raw_sha256=digest,
                             raw_size=len(raw), outcome=Outcome.QUARANTINED, message_id="")
    db.session.add(inbound)
    too_large = len(raw) > current_app.config["MAIL_MAX_BYTES"]
    try:
        mail = parse(header_block(raw) if too_large else raw)  # oversize: who sent what is enough
    except Exception as error:  # the stdlib parser itself gave up: keep and quarantine
        inbound.message_id = f"{digest[:40]}@derived.invalid"
        inbound.reason = f"unreadable: {type(error).__name__}"[:500]
        swallowed.flush(now=now)
        db.session.flush()
        return IngestResult(inbound, None)
    inbound.message_id = mail.message_id[:998]
    inbound.sender = mail.sender[:254]
    inbound.subject = mail.subject[:500]
    db.session.flush()
    key = mail.message_id if not mail.message_id_derived else f"sha256:{digest}"
    first = db.session.get(MessageKey, key)
    if first is not None:
        return _duplicate(inbound, first)
    mark = intents.checkpoint()
    try:
        with db.session.begin_nested():
            try:  # a plain INSERT: the session has nothing else to flush here, and the row is never read back
                db.session.execute(sa.insert(MessageKey.__table__).values(key=key, inbound_id=inbound.id))
            except IntegrityError:
                raise _Duplicate() from None
            if too_large:
                raise Quarantine("too_large")
            _process(mail, mailbox, inbound, now)
    except _Duplicate:
        intents.rollback_to(mark)
        return _duplicate(inbound, db.session.get(MessageKey, key))
    except Quarantine as stop:
        intents.rollback_to(mark)
        inbound.outcome, inbound.reason = Outcome.QUARANTINED, str(stop)[:500]
    except (OperationalError, InterfaceError):
        raise  # the database is away or locked, not the message at fault: the caller retries later
    except Exception as error:  # never lose a message to a bug: quarantine it with the reason
        intents.rollback_to(mark)
        log.exception("intake failed on %s", mail.message_id)
        inbound.outcome = Outcome.QUARANTINED
        inbound.reason = f"error: {type(error).__name__}: {error}"[:500]
    swallowed.flush(now=now)  # the parser's tolerated faults, counted for the mail admin page
    db.session.flush()
    return IngestResult(inbound, inbound.ticket_id)


def _duplicate(inbound, first) -> IngestResult:
    original = db.session.get(InboundMessage, first.inbound_id) if first else None
    inbound.outcome = Outcome.DUPLICATE
    inbound.reason = f"duplicate of inbound #{original.id}" if original else "duplicate"
    inbound.ticket_id = original.ticket_id if original else None
    inbound.automatic = original.automatic if original else False
    db.session.flush()
    return IngestResult(inbound, inbound.ticket_id)


def _process(mail: ParsedMail, mailbox, inbound, now) -> None:
    if not mail.text.strip() and mail.html:
        mail.text = html_to_text(mail.html)  # an HTML-only mail is read (and searched) as text
    kind = automatic_kind(mail, own_domains={thread.message_id_domain().lower()})
    inbound.automatic = kind is not None
    if kind == "own" or (mail.sender and mail.sender in our_addresses()):
        inbound.outcome, inbound.reason = Outcome.IGNORED, "own mail"
        return
    # The look-ups below read rows committed or flushed before this message (senders, tickets, our mail);
    # nothing this message has changed so far (the inbound row's flags) bears on them, so they need not
    # flush it first: it goes out with the message's own changes.
    with db.session.no_autoflush:
        escalation = supplier_escalation_for(mail) if kind is None else None
        if escalation is None:
            sender = user_for(mail.sender)
            ticket, named = find_ticket(mail, sender)
    if escalation is not None:  # a supplier answers an escalation (helpdesk.suppliers)
        _supplier_reply(escalation, mail, inbound, now)
        return
    checked, why = verify.verdict(mail.auth_results, mail.sender)
    mail.unverified = checked == verify.FAIL
    if mail.unverified:
        # A From our mail server could not verify: never a reply on a ticket, never staff. It becomes a
        # ticket of its own (linked to any it names), marked for the agent; no acknowledgement goes to
        # the address, whose owner most likely did not write it. Automatic mail other than bounces is
        # not recorded on any ticket.
        named, ticket = (ticket or named, None) if kind is None else (named, ticket if kind == "bounce" else None)
        inbound.reason = f"sender not verified: {why}"[:500]
    if kind == "bounce":
        ticket = ticket or named or _bounced_ticket(mail)
    if kind is not None:
        if ticket is None:
            inbound.outcome, inbound.reason = Outcome.IGNORED, kind
            return
        tickets.record_automatic(ticket, body=_text(mail), author=sender, now=now, email=_email_fields(mail))
        inbound.outcome, inbound.reason, inbound.ticket_id = Outcome.FOLLOWUP, kind, ticket.id
        return
    if not mail.sender:
        raise Quarantine("no sender address")
    if ticket is not None:
        _follow_up(ticket, mail, mailbox, inbound, sender, now)
    elif named is not None:
        # The mail names a ticket its sender is no party to (or could not be verified): it becomes a ticket
        # of its own, linked for the agent, who decides whether the sender should join (issue 8: nobody
        # joins a ticket by a Message-ID).
        _new_ticket(mail, mailbox, inbound, now, known=sender)
        new = db.session.get(Ticket, inbound.ticket_id)
        tickets.link_tickets(new, named, actor=new.requester, now=now)
        note = f"names #{named.id}, sender not a party: new linked ticket"
        inbound.reason = (f"{inbound.reason}; {note}" if inbound.reason else note)[:500]
    else:
        _new_ticket(mail, mailbox, inbound, now, known=sender)


def find_ticket(mail: ParsedMail, sender):
    """(ticket, named): the ticket this mail continues, and else the ticket it names whose party the
    sender is not.

    Our signed Message-IDs first, then mail we received or sent, then the subject tag, then Outlook's
    conversation. Whatever names the ticket, only its requester, its participants and staff who may see
    it continue it: a Message-ID is known to everyone who got a copy of the mail (CC, forward).
    """
    named = None
    for mid in reversed(mail.in_reply_to + mail.references):
        number = thread.ticket_of(mid)
        if number is None:
            number = db.session.scalar(sa.select(Message.ticket_id).where(Message.email_message_id == mid).limit(1))
        if number is None:
            number = db.session.scalar(sa.select(OutboundMessage.ticket_id).where(OutboundMessage.message_id == mid))
        ticket = db.session.get(Ticket, number) if number else None
        if ticket is not None:
            ticket = _final(ticket)
            if sender is not None and _is_party(ticket, sender):
                return ticket, None
            named = named or ticket
    number = thread.subject_tag(mail.subject)
    ticket = db.session.get(Ticket, number) if number else None
    if ticket is not None and sender is not None and _is_party(_final(ticket), sender):
        return _final(ticket), None
    key = thread.thread_key(mail.headers.get("thread-index", ""))
    if key and sender is not None:
        number = db.session.scalar(sa.select(InboundMessage.ticket_id).where(
            InboundMessage.thread_key == key, InboundMessage.ticket_id.is_not(None)).limit(1))
        ticket = db.session.get(Ticket, number) if number else None
        if ticket is not None and _is_party(_final(ticket), sender):
            return _final(ticket), None
    return None, named


def _final(ticket):
    seen = set()
    while ticket.merged_into_id and ticket.id not in seen:
        seen.add(ticket.id)
        ticket = db.session.get(Ticket, ticket.merged_into_id)
    return ticket


def _is_party(ticket, user) -> bool:
    """The requester, a participant, or staff allowed to see the ticket."""
    parties = parties_of(ticket)  # a cc follower of a ticket since made confidential is no longer one
    return (user.id == ticket.requester_id
            or any(p.user_id == user.id and p.role in parties for p in ticket.participants)
            or can(user, Permission.TICKET_VIEW, ticket))


def _bounced_ticket(mail):
    for mid in returned_message_ids(mail):
        number = thread.ticket_of(mid) or db.session.scalar(
            sa.select(OutboundMessage.ticket_id).where(OutboundMessage.message_id == mid))
        if number:
            return db.session.get(Ticket, number)
    return None


def _follow_up(ticket, mail, mailbox, inbound, sender, now) -> None:
    with db.session.no_autoflush:  # as in _process: reads nothing this message changed
        staff = sender is not None and can(sender, Permission.TICKET_WORK, ticket)
    author = sender or contact_for(mail.sender, mail.sender_name, organisation_id=ticket.organisation_id, now=now,
                                   looked_up=True)
    policy = getattr(mailbox, "closed_policy", "reopen")
    if ticket.status == Status.CLOSED and policy == "new_linked" and not staff:
        old = ticket
        _new_ticket(mail, mailbox, inbound, now, known=author)
        tickets.link_tickets(db.session.get(Ticket, inbound.ticket_id), old, actor=author, now=now)
        inbound.reason = f"reply to closed #{old.id}: new linked ticket"
        return
    if not staff and author.id != ticket.requester_id and not ticket.is_confidential:
        tickets.add_participant(ticket, author.id, role="cc")  # a confidential ticket's parties: an agent's decision
    uploads, refused = _uploads(mail)
    tickets.add_reply(ticket, body=_text(mail, refused), actor=author, now=now, staff=staff,
                      channel=Channel.EMAIL, email=_email_fields(mail), uploads=uploads)
    _remember_thread(inbound, mail)
    inbound.outcome, inbound.ticket_id = Outcome.FOLLOWUP, ticket.id


def _supplier_reply(escalation, mail, inbound, now) -> None:
    author = contact_for(mail.sender, mail.sender_name, organisation_id=escalation.ticket.organisation_id, now=now)
    uploads, refused = _uploads(mail)
    receive_supplier_reply(escalation, author=author, body=_text(mail, refused), subject=mail.subject, now=now,
                           email=_email_fields(mail), uploads=uploads)
    _remember_thread(inbound, mail)
    inbound.outcome, inbound.ticket_id, inbound.reason = Outcome.FOLLOWUP, escalation.ticket_id, "supplier reply"


def _new_ticket(mail, mailbox, inbound, now, known=None) -> None:
    organisation_id = getattr(mailbox, "organisation_id", None)
    domains = [d.strip().lower().lstrip("@") for d in (getattr(mailbox, "allowed_domains", "") or "").split(",") if d.strip()]
    if domains and mail.sender.rsplit("@", 1)[-1] not in domains:
        raise Quarantine(f"sender domain not allowed: {mail.sender.rsplit('@', 1)[-1]}")
    requester = known or contact_for(mail.sender, mail.sender_name, organisation_id=organisation_id, now=now,
                                     looked_up=True)
    uploads, refused = _uploads(mail)
    acknowledge = not mail.unverified and ack_allowed(requester, now)
    ticket = tickets.create_ticket(
        requester=requester, subject=_subject(mail), body=_text(mail, refused), actor=requester, now=now,
        channel=Channel.EMAIL, mailbox=mailbox, email=_email_fields(mail), uploads=uploads,
        acknowledge=acknowledge, organisation_id=organisation_id)
    ours = our_addresses()
    unverified = mail.unverified
    for address in dict.fromkeys(mail.to + mail.cc) if not (ticket.is_confidential or unverified) else ():
        if address in ours or address == requester.email:
            continue
        colleague = user_for(address)
        if colleague is not None and not colleague.is_contact:
            tickets.add_participant(ticket, colleague.id, role="cc")
    _remember_thread(inbound, mail)
    inbound.outcome, inbound.ticket_id, inbound.acknowledged = Outcome.CREATED, ticket.id, acknowledge


def _remember_thread(inbound, mail) -> None:
    inbound.thread_key = thread.thread_key(mail.headers.get("thread-index", ""))


def _subject(mail) -> str:
    subject = re.sub(r"^\s*((sv|vb|re|fw|fwd|vs|aw|wg)\s*:\s*)+", "", mail.subject, flags=re.I).strip()
    return subject or "(ingen rubrik)"


def html_to_text(html: str) -> str:
    """Readable text from HTML mail (helpdesk.intake.sanitise.to_text: linear in the size)."""
    return sanitise.to_text(html)


def _text(mail, refused=()) -> str:
    text = mail.text.strip()
    if refused:
        text += "\n\n[" + ", ".join(refused) + "]"
    return text or "(tomt meddelande)"


def _email_fields(mail) -> dict:
    # A forwarded mail's quoted part is the matter itself: it is shown whole.
    reply = None if FORWARDED.match(mail.subject) else latest_reply(mail.text.strip())
    return {"email_message_id": mail.message_id,
            "headers": {k: v[:2000] for k, v in mail.headers.items() if k in KEPT_HEADERS},
            "body_html": mail.html, "body_html_safe": sanitise.stored(mail.html), "body_reply": reply,
            "sender_unverified": mail.unverified}


def _uploads(mail):
    """Attachments that may be stored, and a note of those that may not."""
    accepted, refused = [], []
    for item in mail.attachments:
        try:
            check_upload(item.filename, len(item.data))
        except AttachmentRefused as error:
            refused.append(error.message)
            continue
        accepted.append(item)
    return accepted, refused


def reprocess(inbound, *, now) -> IngestResult:
    """Run a quarantined message through the pipeline again (after a fix)."""
    if inbound.outcome != Outcome.QUARANTINED:
        raise DomainError(_("Bara meddelanden i karantän kan läsas in igen."))
    inbound.released_at = now
    return ingest(store.load(inbound.raw_sha256), inbound.mailbox, now=now)
