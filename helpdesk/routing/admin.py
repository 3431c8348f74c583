"""Creating and changing routing rules, with each rule's value checked for its field."""

from flask_babel import gettext as _

from ..audit.changes import apply_changes
from ..extensions import db
from ..org.models import Department, SupportGroup
from ..errors import InvalidField
from ..org.services import reference, saved
from ..tickets.models import Channel
from .models import RoutingRule, RuleField

CHANNELS = tuple(c.value for c in Channel)
MAX_LENGTH = RoutingRule.value.type.length


def clean_rule_value(field: str, value: str) -> str:
    """The value normalised for its field, or InvalidField("value")."""
    value = (value or "").strip()
    if field == RuleField.REQUESTER_DEPARTMENT:
        if not value.isdigit() or db.session.get(Department, int(value)) is None:
            raise InvalidField("value", _("Välj en förvaltning som finns."))
        return str(int(value))
    if field == RuleField.CHANNEL:
        if value.lower() not in CHANNELS:
            raise InvalidField("value", _("Kanalen måste vara en av %(channels)s.", channels=", ".join(CHANNELS)))
        return value.lower()
    if field == RuleField.KEYWORD:
        words = [word.strip() for word in value.split(",")]
        if not value or not all(words):
            raise InvalidField("value", _("Skriv ett eller flera nyckelord åtskilda med kommatecken, "
                                          "utan tomma ord mellan kommatecknen."))
        value = ", ".join(words)
        if len(value) > MAX_LENGTH:
            raise InvalidField("value", _("Högst %(n)s tecken.", n=MAX_LENGTH))
        return value
    if field == RuleField.MAILBOX:
        if not value:
            raise InvalidField("value", _("Ange brevlådans namn eller adress."))
        return value
    raise InvalidField("field", _("Välj vad regeln ska titta på."))


def _checked(values, rule=None):
    values = dict(values, value=clean_rule_value(values["field"], values["value"]))
    reference(SupportGroup, values["target_group_id"], "target_group_id",
              current=rule.target_group_id if rule else None)
    return values


def create_routing_rule(values: dict, *, actor, now) -> RoutingRule:
    """A new routing rule."""
    rule = RoutingRule(**_checked(values))
    db.session.add(rule)
    return saved(rule, None, "routing_rule", "routing_rule", actor=actor, now=now)


def update_routing_rule(rule, values: dict, *, actor, now) -> RoutingRule:
    """Change a routing rule's order, match or target."""
    changes = apply_changes(rule, _checked(values, rule))
    return saved(rule, changes, "routing_rule", "routing_rule", actor=actor, now=now)
