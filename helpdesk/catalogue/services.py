"""Changing the catalogue of IT systems."""

from flask_babel import gettext as _

from ..audit.changes import apply_changes
from ..auth.models import User
from ..clock import local
from ..extensions import db
from ..org.models import Department, Organisation, SupportGroup
from ..errors import InvalidField
from ..org.services import name_taken, reference, saved
from ..sla.models import Calendar
from .models import KLASSA_LEVELS, SERVICE_TIERS, System

KLASSA_FIELDS = ("klassa_k", "klassa_r", "klassa_t", "klassa_s")
PEOPLE = ("owner_id", "admin_id", "deputy_id")


def _check_system(values, system=None):
    def current(name):
        return getattr(system, name) if system is not None else None

    if name_taken(System, values["name"], exclude=system):
        raise InvalidField("name", _("Det finns redan ett system som heter %(name)s.", name=values["name"]))
    org = reference(Organisation, values["organisation_id"], "organisation_id", current=current("organisation_id"))
    dept = reference(Department, values["department_id"], "department_id", current=current("department_id"))
    if dept.organisation_id != org.id:
        raise InvalidField("department_id", _("Förvaltningen hör inte till den valda organisationen."))
    reference(SupportGroup, values["support_group_id"], "support_group_id", current=current("support_group_id"))
    for name in PEOPLE:
        reference(User, values[name], name, current=current(name), required=False)
    if values["admin_id"] is not None and values["admin_id"] == values["deputy_id"]:
        raise InvalidField("deputy_id", _("Ersättaren ska vara en annan person än systemförvaltaren."))
    if values["service_tier"] not in SERVICE_TIERS:
        raise InvalidField("service_tier", _("Välj guld, silver eller brons."))
    if "calendar_id" in values:
        reference(Calendar, values["calendar_id"], "calendar_id", current=current("calendar_id"), required=False)
    for name in KLASSA_FIELDS:
        if values[name] not in KLASSA_LEVELS:
            raise InvalidField(name, _("Välj en nivå från 0 till 4."))


def create_system(values: dict, *, actor, now) -> System:
    """A new system in the catalogue."""
    _check_system(values)
    system = System(**values)
    db.session.add(system)
    return saved(system, None, "system", "system", actor=actor, now=now)


def update_system(system, values: dict, *, actor, now) -> System:
    """Change a system; new KLASSA levels without a new date are dated today."""
    _check_system(values, system)
    values = dict(values)
    reclassified = any(values[name] != getattr(system, name) for name in KLASSA_FIELDS)
    if reclassified and values.get("classified_on") == system.classified_on:
        values["classified_on"] = local(now).date()
    changes = apply_changes(system, values)
    if changes and {"calendar_id", "service_tier"} & set(changes):
        from ..sla.jobs_refresh import request_refresh  # open tickets' due times move

        request_refresh(actor=actor, now=now, reason="system_sla_changed")
    return saved(system, changes, "system", "system", actor=actor, now=now)
