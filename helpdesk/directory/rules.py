"""Group rules: directory group (DN or name) -> desk roles and support groups.

The rules saved on the admin page take precedence; until any is saved, the
setting HELPDESK_DIRECTORY_GROUP_RULES applies.
"""

import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..auth.models import Role
from ..errors import InvalidField
from ..extensions import db
from ..org.models import SupportGroup
from .models import GroupRule


@dataclass(frozen=True)
class Rule:
    group: str
    roles: tuple[str, ...]
    support_groups: tuple[str, ...]


def group_names(value: str) -> set[str]:
    """The ways a rule may name a group: the whole DN and its first RDN's value (CN=Servicedesk,OU=... -> servicedesk)."""
    value = value.strip().lower()
    names = {value}
    first = value.split(",")[0]
    if "=" in first:
        names.add(first.split("=", 1)[1].strip())
    return names


def parse(data) -> list[Rule]:
    """Rules from the JSON object of the setting or the admin page; InvalidField names what is wrong."""
    if isinstance(data, str):
        try:
            data = json.loads(data or "{}")
        except ValueError as error:
            raise InvalidField("rules", _("Reglerna är inte giltig JSON: %(e)s", e=str(error)))
    if not isinstance(data, dict):
        raise InvalidField("rules", _("Reglerna ska vara ett JSON-objekt med en grupp per nyckel."))
    known_groups = {g.lower() for g in db.session.scalars(sa.select(SupportGroup.name))}
    rules = []
    for group, rule in data.items():
        if not isinstance(group, str) or not group.strip() or len(group) > 500:
            raise InvalidField("rules", _("Varje regel behöver en kataloggrupp som nyckel."))
        if not isinstance(rule, dict) or set(rule) - {"roles", "support_groups"}:
            raise InvalidField("rules", _("Regeln för %(g)s får bara ha \"roles\" och \"support_groups\".", g=group))
        roles, groups = rule.get("roles", []), rule.get("support_groups", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles) \
                or not set(roles) <= {r.value for r in Role}:
            raise InvalidField("rules", _("Regeln för %(g)s nämner en okänd roll. Kända roller: %(r)s",
                                          g=group, r=", ".join(r.value for r in Role)))
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise InvalidField("rules", _("\"support_groups\" i regeln för %(g)s ska vara en lista med namn.", g=group))
        unknown = [g for g in groups if g.lower() not in known_groups]
        if unknown:
            raise InvalidField("rules", _("Regeln för %(g)s nämner en okänd grupp: %(u)s", g=group, u=", ".join(unknown)))
        rules.append(Rule(group.strip(), tuple(roles), tuple(groups)))
    return rules


def as_json(rules: list[Rule]) -> str:
    return json.dumps({r.group: {"roles": list(r.roles), "support_groups": list(r.support_groups)} for r in rules},
                      ensure_ascii=False, indent=2)


def saved() -> list[Rule]:
    return [Rule(r.group, tuple(json.loads(r.roles)), tuple(json.loads(r.support_groups)))
            for r in db.session.scalars(sa.select(GroupRule).order_by(GroupRule.group))]


def effective() -> list[Rule]:
    """The saved rules, else those of the setting (an invalid setting counts as none, and is logged)."""
    rules = saved()
    if rules:
        return rules
    try:
        return parse(current_app.config.get("DIRECTORY_GROUP_RULES") or {})
    except InvalidField as error:
        current_app.logger.error("HELPDESK_DIRECTORY_GROUP_RULES ignored: %s", error.message)
        return []


def save(text: str, *, actor, now) -> list[Rule]:
    """Replace the saved rules with those of the admin page's JSON; audited."""
    from ..audit.services import record

    rules = parse(text)
    before = as_json(saved())
    db.session.execute(sa.delete(GroupRule))
    for rule in rules:
        db.session.add(GroupRule(group=rule.group, roles=json.dumps(list(rule.roles)),
                                 support_groups=json.dumps(list(rule.support_groups), ensure_ascii=False)))
    db.session.flush()
    record("directory_rules_changed", actor=actor, now=now, before=before, after=as_json(rules))
    return rules


class Matcher:
    """Which roles and support groups a person's directory groups give."""

    def __init__(self, rules: list[Rule]):
        self.by_name: dict[str, list[Rule]] = {}
        for rule in rules:
            self.by_name.setdefault(rule.group.strip().lower(), []).append(rule)

    def grants(self, groups) -> tuple[set[str], set[str]]:
        roles, support = set(), set()
        for group in groups:
            for name in group_names(group):
                for rule in self.by_name.get(name, ()):
                    roles.update(rule.roles)
                    support.update(g.lower() for g in rule.support_groups)
        return roles, support
