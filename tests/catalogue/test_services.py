"""Rules for changing the catalogue of systems."""

from datetime import date

import pytest
import sqlalchemy as sa

from helpdesk.catalogue import services
from helpdesk.catalogue.services import KLASSA_FIELDS
from helpdesk.org.models import Department
from helpdesk.errors import InvalidField
from tests import factories as f

COLUMNS = ("name", "description", "keywords", "organisation_id", "department_id", "owner_id", "admin_id",
           "deputy_id", "support_group_id", "service_tier", *KLASSA_FIELDS, "classified_on", "is_common", "is_active")


def values_of(system, **overrides):
    values = {name: getattr(system, name) for name in COLUMNS}
    values.update(overrides)
    return values


def test_create_system_copies_every_value(session, users, clock):
    values = values_of(f.system("Lönesystem"), name="Nytt lönesystem", klassa_t=4, service_tier="guld")
    system = services.create_system(values, actor=users["admin"], now=clock.now())
    assert values_of(system) == values


@pytest.mark.parametrize("overrides, field", [
    ({"name": "LÖNESYSTEM"}, "name"),
    ({"service_tier": "platina"}, "service_tier"),
    ({"klassa_r": 5}, "klassa_r"),
    ({"department_id": 9999}, "department_id"),
    ({"support_group_id": None}, "support_group_id"),
    ({"owner_id": 9999}, "owner_id"),
])
def test_invalid_values_name_their_field(session, users, clock, overrides, field):
    values = values_of(f.system("Lönesystem"), **{"name": "Kopia", **overrides})
    with pytest.raises(InvalidField) as error:
        services.create_system(values, actor=users["admin"], now=clock.now())
    assert error.value.field == field


def test_department_must_belong_to_the_organisation(session, users, clock):
    system = f.system("Lönesystem")
    bolag_dept = session.scalar(sa.select(Department).where(Department.name == "Exempelby Bostäder AB"))
    with pytest.raises(InvalidField) as error:
        services.update_system(system, values_of(system, department_id=bolag_dept.id), actor=users["admin"],
                               now=clock.now())
    assert error.value.field == "department_id"


def test_deputy_must_differ_from_administrator(session, users, clock):
    system = f.system("Lönesystem")
    with pytest.raises(InvalidField) as error:
        services.update_system(system, values_of(system, deputy_id=system.admin_id), actor=users["admin"], now=clock.now())
    assert error.value.field == "deputy_id"


def test_inactive_person_stays_but_cannot_be_newly_chosen(session, users, clock):
    system = f.system("Lönesystem")
    users["per"].is_active = False
    services.update_system(system, values_of(system, keywords="lön"), actor=users["admin"], now=clock.now())
    users["olle"].is_active = False
    with pytest.raises(InvalidField):
        services.update_system(system, values_of(system, deputy_id=users["olle"].id), actor=users["admin"],
                               now=clock.now())


def test_new_levels_are_dated_today_unless_a_date_is_given(session, users, clock):
    system = f.system("Lönesystem")
    services.update_system(system, values_of(system, klassa_k=4), actor=users["admin"], now=clock.now())
    assert system.classified_on == date(2026, 11, 18)
    services.update_system(system, values_of(system, klassa_k=3, classified_on=date(2026, 1, 2)),
                           actor=users["admin"], now=clock.now())
    assert system.classified_on == date(2026, 1, 2)


def test_exact_duplicate_of_a_name_starting_with_a_swedish_letter_is_caught(session, users, clock):
    values = values_of(f.system("Lönesystem"), name="Ärendesystem")
    services.create_system(values, actor=users["admin"], now=clock.now())
    with pytest.raises(InvalidField) as error:
        services.create_system(values, actor=users["admin"], now=clock.now())
    assert error.value.field == "name"
