"""Routing decisions: system, then rules in order, then the central service desk."""

import sqlalchemy as sa

from helpdesk.routing.models import RoutingRule
from helpdesk.routing.services import decide_group
from tests import factories as f


def test_system_wins_over_rules(users):
    decision = decide_group(organisation_id=1, system=f.system("Bygglovssystem"), text="lönespec wifi")
    assert decision.group.name == "Systemförvaltning Miljö och bygg" and decision.reason["by"] == "system"


def test_rules_are_tried_in_position_order(session):
    wifi_first = session.scalar(sa.select(RoutingRule).where(RoutingRule.name == "Nätverk"))
    wifi_first.position = 1
    decision = decide_group(organisation_id=1, text="wifi och lön")
    assert decision.reason == {"by": "rule", "id": wifi_first.id, "name": "Nätverk"}


def test_inactive_rule_is_skipped(session):
    for rule in session.scalars(sa.select(RoutingRule)):
        rule.is_active = False
    assert decide_group(organisation_id=1, text="lönespec").reason["by"] == "service_desk"


def test_mailbox_and_channel_rules(session):
    assert decide_group(organisation_id=1, mailbox="SKOLIT", text="").group.name == "Skol-IT"
    session.add(RoutingRule(position=5, name="Telefon", field="channel", value="phone",
                            target_group_id=f.group("IT-drift").id))
    session.flush()
    assert decide_group(organisation_id=1, channel="phone", text="").group.name == "IT-drift"


def test_inactive_system_group_falls_back_to_rules(session):
    system = f.system("Bygglovssystem")
    system.support_group.is_active = False
    assert decide_group(organisation_id=1, system=system, text="").reason["by"] == "service_desk"
