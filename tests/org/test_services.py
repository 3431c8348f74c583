"""Rules for changing organisations, departments, support groups and memberships."""

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.org import services
from helpdesk.org.models import Department, GroupMember, Organisation
from helpdesk.errors import InvalidField
from tests import factories as f


def org(session, name):
    return session.scalar(sa.select(Organisation).where(Organisation.name == name))


def dept(session, name):
    return session.scalar(sa.select(Department).where(Department.name == name))


def org_values(**overrides):
    values = {"name": "Grannby kommun", "kind": "kommun", "org_number": None, "parent_id": None, "is_active": True}
    values.update(overrides)
    return values


def group_values(group, **overrides):
    values = {name: getattr(group, name) for name in (
        "organisation_id", "department_id", "name", "email", "description", "is_service_desk", "is_active")}
    values.update(overrides)
    return values


def last_audit(session):
    return session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()))


def test_create_organisation_is_audited(session, users, clock):
    created = services.create_organisation(org_values(), actor=users["admin"], now=clock.now())
    entry = last_audit(session)
    assert (entry.action, entry.object_type, entry.object_id) == ("organisation_created", "organisation", str(created.id))
    assert entry.actor_id == users["admin"].id and entry.at == clock.now()


def test_organisation_name_is_unique_ignoring_case(session, users, clock):
    with pytest.raises(InvalidField) as error:
        services.create_organisation(org_values(name="exempelby KOMMUN"), actor=users["admin"], now=clock.now())
    assert error.value.field == "name"


def test_organisation_cannot_be_its_own_ancestor(session, users, clock):
    kommun, bolag = org(session, "Exempelby kommun"), org(session, "Exempelby Bostäder AB")
    with pytest.raises(InvalidField) as error:
        services.update_organisation(kommun, org_values(name=kommun.name, parent_id=bolag.id),
                                     actor=users["admin"], now=clock.now())
    assert error.value.field == "parent_id"
    with pytest.raises(InvalidField):
        services.update_organisation(kommun, org_values(name=kommun.name, parent_id=kommun.id),
                                     actor=users["admin"], now=clock.now())


def test_unchanged_organisation_writes_no_audit(session, users, clock):
    kommun = org(session, "Exempelby kommun")
    before = last_audit(session).id
    values = {name: getattr(kommun, name) for name in ("name", "kind", "org_number", "parent_id", "is_active")}
    services.update_organisation(kommun, values, actor=users["admin"], now=clock.now())
    assert last_audit(session).id == before


def test_inactive_parent_cannot_be_newly_chosen(session, users, clock):
    kommun = org(session, "Exempelby kommun")
    kommun.is_active = False
    with pytest.raises(InvalidField) as error:
        services.create_organisation(org_values(parent_id=kommun.id), actor=users["admin"], now=clock.now())
    assert error.value.field == "parent_id"


def test_department_name_is_unique_within_its_organisation(session, users, clock):
    kommun, bolag = org(session, "Exempelby kommun"), org(session, "Exempelby Bostäder AB")
    values = {"organisation_id": kommun.id, "name": "Socialförvaltningen", "short_name": None, "is_active": True}
    with pytest.raises(InvalidField):
        services.create_department(values, actor=users["admin"], now=clock.now())
    created = services.create_department(dict(values, organisation_id=bolag.id), actor=users["admin"], now=clock.now())
    assert created.organisation_id == bolag.id


def test_department_with_systems_cannot_move_organisation(session, users, clock):
    soc, bolag = dept(session, "Socialförvaltningen"), org(session, "Exempelby Bostäder AB")
    values = {"organisation_id": bolag.id, "name": soc.name, "short_name": soc.short_name, "is_active": True}
    with pytest.raises(InvalidField) as error:
        services.update_department(soc, values, actor=users["admin"], now=clock.now())
    assert error.value.field == "organisation_id"


def test_group_department_must_belong_to_its_organisation(session, users, clock):
    group = f.group("Skol-IT")
    bost = dept(session, "Exempelby Bostäder AB")
    with pytest.raises(InvalidField) as error:
        services.update_support_group(group, group_values(group, department_id=bost.id),
                                      actor=users["admin"], now=clock.now())
    assert error.value.field == "department_id"


def test_service_desk_can_move_once_another_desk_exists(session, users, clock):
    desk, drift = f.group("Servicedesk"), f.group("IT-drift")
    with pytest.raises(InvalidField) as error:
        services.update_support_group(desk, group_values(desk, is_active=False), actor=users["admin"], now=clock.now())
    assert error.value.field == "is_active"
    services.update_support_group(drift, group_values(drift, is_service_desk=True), actor=users["admin"], now=clock.now())
    services.update_support_group(desk, group_values(desk, is_service_desk=False), actor=users["admin"], now=clock.now())
    entry = last_audit(session)
    assert entry.action == "support_group_updated" and entry.details["changes"] == {"is_service_desk": [True, False]}


def test_members_are_added_led_and_removed(session, users, clock):
    group = f.group("IT-drift")
    member = services.add_group_member(group, users["erik"], actor=users["admin"], now=clock.now())
    assert not member.is_lead
    services.set_group_lead(member, True, actor=users["admin"], now=clock.now())
    assert session.get(GroupMember, (group.id, users["erik"].id)).is_lead
    services.remove_group_member(member, actor=users["admin"], now=clock.now())
    assert session.get(GroupMember, (group.id, users["erik"].id)) is None
    assert last_audit(session).details == {"user_id": users["erik"].id}


def test_inactive_or_duplicate_member_is_refused(session, users, clock):
    group = f.group("Servicedesk")
    with pytest.raises(InvalidField):
        services.add_group_member(group, users["erik"], actor=users["admin"], now=clock.now())
    users["anna"].is_active = False
    with pytest.raises(InvalidField):
        services.add_group_member(group, users["anna"], actor=users["admin"], now=clock.now())
