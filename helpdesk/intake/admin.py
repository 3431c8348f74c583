"""Configuring mailboxes; handling quarantined mail and failed outgoing mail."""

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.changes import apply_changes
from ..audit.services import record
from ..errors import DomainError, InvalidField
from ..extensions import db
from ..notifications.jobs import retry_failed
from ..notifications.models import OutboxStatus
from ..org.models import Organisation, SupportGroup
from ..org.services import reference, saved
from .models import ClosedPolicy, Mailbox, MailChannel, Outcome
from .services import reprocess

NAME = re.compile(r"^[a-z][a-z0-9_-]{1,62}$")
SECRET_KEYS = re.compile(r"pass|secret|token|key", re.I)


def _checked(values, mailbox=None):
    values = dict(values)
    if not NAME.match(values["name"]):
        raise InvalidField("name", _("Använd 2–63 små bokstäver a–z, siffror, - eller _, till exempel ”servicedesk”."))
    taken = db.session.scalar(sa.select(Mailbox.id).where(
        sa.or_(Mailbox.name == values["name"], Mailbox.address == values["address"]),
        Mailbox.id != (mailbox.id if mailbox else 0)))
    if taken:
        raise InvalidField("name", _("Det finns redan en brevlåda med det namnet eller den adressen."))
    if values["channel"] not in set(MailChannel):
        raise InvalidField("channel", _("Välj en kanal i listan."))
    if values["closed_policy"] not in set(ClosedPolicy):
        raise InvalidField("closed_policy", _("Välj vad som händer med svar på stängda ärenden."))
    if not isinstance(values["settings"], dict):
        raise InvalidField("settings", _("Inställningarna ska vara ett JSON-objekt, till exempel {\"host\": \"imap.exempelby.se\"}."))
    secret = [k for k in values["settings"] if SECRET_KEYS.search(k)]
    if secret:
        raise InvalidField("settings", _("Lösenord och hemligheter sparas inte här (%(keys)s). Ange dem i miljövariabler, se hjälptexten.",
                                         keys=", ".join(secret)))
    reference(Organisation, values["organisation_id"], "organisation_id",
              current=mailbox.organisation_id if mailbox else None)
    reference(SupportGroup, values["default_group_id"], "default_group_id", required=False,
              current=mailbox.default_group_id if mailbox else None)
    return values


def create_mailbox(values: dict, *, actor, now) -> Mailbox:
    """A new mailbox the desk receives on."""
    mailbox = Mailbox(**_checked(values))
    db.session.add(mailbox)
    return saved(mailbox, None, "mailbox", "mailbox", actor=actor, now=now)


def update_mailbox(mailbox, values: dict, *, actor, now) -> Mailbox:
    """Change a mailbox's address, channel, routing or policy."""
    changes = apply_changes(mailbox, _checked(values, mailbox))
    return saved(mailbox, changes, "mailbox", "mailbox", actor=actor, now=now)


def reimport(inbound, *, actor, now):
    """Run a quarantined message through the intake again after its cause was fixed."""
    result = reprocess(inbound, now=now)
    record("mail_reimported", actor=actor, now=now, object_type="inbound_message", object_id=inbound.id,
           outcome=result.inbound.outcome, new_id=result.inbound.id)
    return result


def release(inbound, *, actor, now) -> None:
    """Mark a quarantined message as handled without importing it (e.g. spam)."""
    if inbound.outcome != Outcome.QUARANTINED or inbound.released_at:
        raise DomainError(_("Meddelandet är inte i karantän."))
    inbound.released_at = now
    record("mail_released", actor=actor, now=now, object_type="inbound_message", object_id=inbound.id)


def resend(outbound, *, actor, now) -> None:
    """Try a failed outgoing mail again."""
    if outbound.status != OutboxStatus.FAILED:
        raise DomainError(_("Bara misslyckade utskick kan skickas igen."))
    retry_failed(outbound, now=now)
    record("mail_resent", actor=actor, now=now, object_type="outbound_message", object_id=outbound.id)


def record_connection_test(result, *, mailbox_id, name, channel, actor, now) -> None:
    """Audit a "Testa anslutningen": who tested which mailbox's settings, and what kind of answer came back."""
    record("mailbox_connection_tested", actor=actor, now=now, object_type="mailbox", object_id=mailbox_id,
           name=name, channel=channel, ok=result.ok, outcome=result.kind)
