"""Creating and changing routing rules; each value is checked for its field."""

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.errors import InvalidField
from helpdesk.routing import admin
from helpdesk.routing.models import RoutingRule
from helpdesk.routing.services import decide_group
from tests import factories as f


def values(**overrides):
    result = {"position": 5, "name": "Telefon", "field": "channel", "value": "phone",
              "target_group_id": f.group("IT-drift").id, "is_active": True}
    result.update(overrides)
    return result


@pytest.mark.parametrize("field, given, stored", [
    ("channel", " Email ", "email"),
    ("keyword", "lön ,  semester", "lön, semester"),
    ("mailbox", " skolit ", "skolit"),
    ("requester_department", "3", "3"),
])
def test_values_are_normalised(session, field, given, stored):
    assert admin.clean_rule_value(field, given) == stored


@pytest.mark.parametrize("field, given", [
    ("channel", "fax"),
    ("keyword", ""),
    ("keyword", "lön,,semester"),
    ("keyword", "lön,"),
    ("mailbox", "  "),
    ("requester_department", "9999"),
    ("requester_department", "soc"),
    ("keyword", ",".join(["ord"] * 110)),  # 439 characters as typed, 548 once spaced
])
def test_invalid_values_are_refused(session, field, given):
    with pytest.raises(InvalidField) as error:
        admin.clean_rule_value(field, given)
    assert error.value.field == "value"


def test_unknown_field_is_refused(session):
    with pytest.raises(InvalidField) as error:
        admin.clean_rule_value("subject", "x")
    assert error.value.field == "field"


def test_created_rule_routes_and_is_audited(session, users, clock):
    rule = admin.create_routing_rule(values(), actor=users["admin"], now=clock.now())
    assert decide_group(organisation_id=1, channel="phone", text="").group.name == "IT-drift"
    entry = session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (entry.action, entry.object_id) == ("routing_rule_created", str(rule.id))


def test_update_rule_and_inactive_target_group_is_refused(session, users, clock):
    rule = session.scalar(sa.select(RoutingRule).where(RoutingRule.name == "Nätverk"))
    admin.update_routing_rule(rule, values(name="Nätverk", field="keyword", value="wifi,vpn"),
                              actor=users["admin"], now=clock.now())
    assert (rule.value, rule.position, rule.target_group.name) == ("wifi, vpn", 5, "IT-drift")
    f.group("Skol-IT").is_active = False
    with pytest.raises(InvalidField) as error:
        admin.update_routing_rule(rule, values(target_group_id=f.group("Skol-IT").id), actor=users["admin"],
                                  now=clock.now())
    assert error.value.field == "target_group_id"
