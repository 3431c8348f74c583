"""Accounts as the administrator manages them."""

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.auth import admin
from helpdesk.auth.services import verify_password
from helpdesk.errors import InvalidField


def values_of(user, **overrides):
    values = {name: getattr(user, name) for name in (
        "username", "full_name", "email", "organisation_id", "department_id", "title", "phone", "is_active")}
    values.update(overrides)
    return values


def actions(session, user):
    return [e.action for e in session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "user", AuditEntry.object_id == str(user.id)).order_by(AuditEntry.id))]


def test_create_account_fills_organisation_from_department(session, users, clock):
    values = values_of(users["anna"], username=" Ny.Person ", email="NY@exempelby.se", organisation_id=None)
    user = admin.create_account(values, roles=["agent"], password="ett långt lösenord", actor=users["admin"],
                                now=clock.now())
    assert user.username == "ny.person" and user.email == "ny@exempelby.se"
    assert user.organisation_id == users["anna"].department.organisation_id and user.title == users["anna"].title
    assert verify_password(user, "ett långt lösenord")
    assert actions(session, user) == ["roles_changed", "user_created"]


@pytest.mark.parametrize("overrides, field", [
    ({"username": "ERIK"}, "username"),
    ({"email": "Erik@Exempelby.se"}, "email"),
    ({"department_id": 9999}, "department_id"),
])
def test_clashes_and_unknown_references_name_their_field(session, users, clock, overrides, field):
    with pytest.raises(InvalidField) as error:
        admin.update_account(users["anna"], values_of(users["anna"], **overrides), roles=[], actor=users["admin"],
                             now=clock.now())
    assert error.value.field == field


def test_update_account_audits_changes_roles_and_password(session, users, clock):
    anna = users["anna"]
    admin.update_account(anna, values_of(anna, title="Enhetschef"), roles=["manager"], password="nytt lösenord 1",
                         actor=users["admin"], now=clock.now())
    assert anna.roles == {"manager"} and verify_password(anna, "nytt lösenord 1")
    assert actions(session, anna)[-3:] == ["user_updated", "roles_changed", "password_set"]


def test_admin_cannot_deactivate_or_demote_themselves(session, users, clock):
    me = users["admin"]
    with pytest.raises(InvalidField) as error:
        admin.update_account(me, values_of(me, is_active=False), roles=["admin"], actor=me, now=clock.now())
    assert error.value.field == "is_active"
    with pytest.raises(InvalidField) as error:
        admin.update_account(me, values_of(me), roles=[], actor=me, now=clock.now())
    assert error.value.field == "roles"
    admin.update_account(users["maria"], values_of(users["maria"]), roles=["admin"], actor=me, now=clock.now())
    assert users["maria"].roles == {"admin"}
