"""Deciding which support group a new ticket goes to, and why."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import DomainError
from ..database import transaction_cached
from ..extensions import db
from ..org.models import SupportGroup
from .models import RoutingRule, RuleField


@dataclass(frozen=True)
class Decision:
    group: SupportGroup
    reason: dict  # {"by": "system"|"rule"|"service_desk", "id": ..., "name": ...}


def security_group(organisation_id) -> SupportGroup | None:
    """The active security officers' group, the organisation's own first; None when none is configured."""
    return db.session.scalar(
        sa.select(SupportGroup).where(SupportGroup.handles_security_incidents, SupportGroup.is_active)
        .order_by((SupportGroup.organisation_id == organisation_id).desc(), SupportGroup.id).limit(1))


def decide_group(*, organisation_id, system=None, requester_department_id=None,
                 channel=None, mailbox=None, text="", default_group=None, security=False) -> Decision:
    """A security incident to the security officers' group; otherwise the affected system first,
    then rules in order, then the mailbox's group, then the service desk."""
    if security:
        group = security_group(organisation_id)
        if group is not None:
            return Decision(group, {"by": "security", "id": group.id, "name": group.name})
        # None configured: routed as any ticket (the incident and admin pages warn).
    if system is not None and system.support_group is not None and system.support_group.is_active:
        return Decision(system.support_group, {"by": "system", "id": system.id, "name": system.name})
    rules = transaction_cached("routing_rules", lambda: db.session.scalars(
        sa.select(RoutingRule).join(RoutingRule.target_group)
        .where(RoutingRule.is_active, SupportGroup.is_active)
        .order_by(RoutingRule.position, RoutingRule.id)
    ).all(), tables=(RoutingRule.__tablename__, SupportGroup.__tablename__))
    lowered = text.lower()
    for rule in rules:
        if rule_matches(rule, requester_department_id, channel, mailbox, lowered):
            return Decision(rule.target_group, {"by": "rule", "id": rule.id, "name": rule.name})
    if default_group is not None and default_group.is_active:
        return Decision(default_group, {"by": "mailbox", "id": default_group.id, "name": mailbox or ""})
    desk = db.session.scalar(
        sa.select(SupportGroup).where(SupportGroup.is_service_desk, SupportGroup.is_active)
        .order_by((SupportGroup.organisation_id == organisation_id).desc(), SupportGroup.id)
    )
    if desk is None:
        raise DomainError(_("Ingen central servicedesk är konfigurerad."))
    return Decision(desk, {"by": "service_desk", "id": desk.id, "name": desk.name})


def rule_matches(rule, department_id, channel, mailbox, lowered_text) -> bool:
    """Whether one rule applies to a ticket's routing inputs."""
    if rule.field == RuleField.REQUESTER_DEPARTMENT:
        return department_id is not None and str(department_id) == rule.value.strip()
    if rule.field == RuleField.CHANNEL:
        return channel == rule.value.strip()
    if rule.field == RuleField.MAILBOX:
        return mailbox is not None and mailbox.lower() == rule.value.strip().lower()
    if rule.field == RuleField.KEYWORD:
        keywords = [k.strip().lower() for k in rule.value.split(",") if k.strip()]
        return any(re.search(rf"(?<!\w){re.escape(k)}", lowered_text) for k in keywords)
    return False
