"""Retention rules, legal holds and approved runs. Each takes keyword-only actor and now, flushes, never commits."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.changes import apply_changes
from ..audit.services import record
from ..errors import DomainError, InvalidField, NotAllowed
from ..extensions import db
from ..org.models import Organisation
from ..tickets.models import TicketType
from ..tickets.services import record_event
from .models import LegalHold, RetentionAction, RetentionRule, RetentionRun, RunStatus
from .queries import active_hold, months_before

MAX_MONTHS = 1200
SCHEDULER = "scheduler"  # approved_by_name of the runs of automatic rules


def _checked(values: dict, rule=None) -> dict:
    """The rule's values cleaned, or InvalidField naming what is wrong."""
    values = dict(values)
    values["decision_reference"] = (values.get("decision_reference") or "").strip()
    if not values["decision_reference"]:
        raise InvalidField("decision_reference", _(
            "Ange beslutet i informationshanteringsplanen som tillåter gallringen, till exempel "
            "KS 2026/123 § 45. Utan beslut kan regeln inte sparas."))
    months = values.get("months")
    if not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise InvalidField("months", _("Ange antal månader som ett heltal mellan 1 och %(max)s.", max=MAX_MONTHS))
    if values.get("action") not in set(RetentionAction):
        raise InvalidField("action", _("Välj om ärendena ska gallras helt eller avidentifieras."))
    if values.get("ticket_type") not in set(TicketType):
        raise InvalidField("ticket_type", _("Välj en ärendetyp i listan."))
    if db.session.get(Organisation, values.get("organisation_id") or 0) is None:
        raise InvalidField("organisation_id", _("Välj en organisation i listan."))
    same = db.session.scalar(sa.select(RetentionRule.id).where(
        RetentionRule.organisation_id == values["organisation_id"],
        RetentionRule.ticket_type == values["ticket_type"],
        RetentionRule.id != (rule.id if rule is not None else 0)))
    if same is not None:
        raise InvalidField("ticket_type", _("Organisationen har redan en gallringsregel för den ärendetypen."))
    values["note"] = (values.get("note") or "").strip()
    return values


def create_rule(values: dict, *, actor, now) -> RetentionRule:
    """A new retention rule; refused without the decision that allows it."""
    values = _checked(values)
    rule = RetentionRule(**values, created_at=now, updated_at=now)
    db.session.add(rule)
    db.session.flush()
    record("retention_rule_created", actor=actor, now=now, object_type="retention_rule", object_id=rule.id,
           rule={k: v for k, v in values.items() if k != "note"})
    return rule


def update_rule(rule, values: dict, *, actor, now) -> RetentionRule:
    """Change a rule; runs already approved keep the terms they were approved with."""
    changed = apply_changes(rule, _checked(values, rule))
    if changed:
        rule.updated_at = now
        db.session.flush()
        record("retention_rule_updated", actor=actor, now=now, object_type="retention_rule", object_id=rule.id,
               changes=changed)
    return rule


def approve_run(rule, *, actor, now) -> RetentionRun:
    """An administrator approves applying a rule to what it reaches now; the scheduler carries it out."""
    from ..auth.permissions import Permission, can

    if actor is None or not can(actor, Permission.ADMIN_MANAGE):
        raise NotAllowed(_("Bara en administratör kan godkänna gallring."))
    if not rule.is_active:
        raise DomainError(_("Regeln är inte aktiv."))
    run = _new_run(rule, now=now, approved_by=actor)
    record("retention_run_approved", actor=actor, now=now, object_type="retention_run", object_id=run.id,
           rule_id=rule.id, decision_reference=rule.decision_reference, cutoff=run.cutoff.isoformat())
    return run


def start_automatic_run(rule, *, now) -> RetentionRun:
    """A run of an automatic rule, approved by the rule itself."""
    return _new_run(rule, now=now, approved_by=None)


def _new_run(rule, *, now, approved_by) -> RetentionRun:
    run = RetentionRun(
        rule_id=rule.id, organisation_id=rule.organisation_id, ticket_type=rule.ticket_type, action=rule.action,
        months=rule.months, decision_reference=rule.decision_reference, cutoff=months_before(now, rule.months),
        status=RunStatus.APPROVED, approved_at=now, approved_by_id=getattr(approved_by, "id", None),
        approved_by_name=approved_by.full_name if approved_by is not None else SCHEDULER, count=0,
    )
    db.session.add(run)
    db.session.flush()
    return run


def place_hold(ticket, *, reason: str, actor, now) -> LegalHold:
    """Stop every retention rule from touching the ticket until the hold is lifted."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidField("reason", _("Ange varför ärendet ska undantas från gallring."))
    if active_hold(ticket.id) is not None:
        raise DomainError(_("Ärendet har redan gallringsstopp."))
    hold = LegalHold(ticket_id=ticket.id, reason=reason, placed_at=now, placed_by_id=actor.id)
    db.session.add(hold)
    record_event(ticket, "legal_hold", actor=actor, now=now, new="placed", reason=reason)
    db.session.flush()
    record("legal_hold_placed", actor=actor, now=now, object_type="ticket", object_id=ticket.id, reason=reason)
    return hold


def lift_hold(ticket, *, reason: str, actor, now) -> LegalHold:
    """End the ticket's legal hold; its retention rule applies again."""
    hold = active_hold(ticket.id)
    if hold is None:
        raise DomainError(_("Ärendet har inget gallringsstopp."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidField("reason", _("Ange varför gallringsstoppet hävs."))
    hold.lifted_at, hold.lifted_by_id, hold.lift_reason = now, actor.id, reason
    record_event(ticket, "legal_hold", actor=actor, now=now, old="placed", new="lifted", reason=reason)
    db.session.flush()
    record("legal_hold_lifted", actor=actor, now=now, object_type="ticket", object_id=ticket.id, reason=reason)
    return hold
