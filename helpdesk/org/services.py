"""Organisations, departments, support groups and their members: the rules for changing them."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.changes import apply_changes
from ..audit.services import record
from ..catalogue.models import SERVICE_TIERS, System
from ..errors import InvalidField
from ..extensions import db
from ..sla.models import Calendar
from .models import Department, GroupMember, OrgKind, Organisation, SupportGroup


def reference(model, id_, field, *, current=None, required=True):
    """The row a chosen id points to; it must exist and, when newly chosen, be active."""
    if id_ is None:
        if required:
            raise InvalidField(field, _("Välj ett värde i listan."))
        return None
    obj = db.session.get(model, id_)
    usable = obj is not None and obj.is_active and not getattr(obj, "is_contact", False)
    if obj is None or (not usable and id_ != current):
        raise InvalidField(field, _("Det valda finns inte eller är inaktivt."))
    return obj


def name_taken(model, name, *, exclude=None, **scope) -> bool:
    """Whether another row of model already has this name (ignoring case)."""
    name = name.strip()
    # SQLite's lower() leaves Å, Ä and Ö alone, so compare the exact name as well.
    query = sa.select(model.id).where(sa.or_(model.name == name, sa.func.lower(model.name) == name.lower()))
    for column, value in scope.items():
        query = query.where(getattr(model, column) == value)
    if exclude is not None:
        query = query.where(model.id != exclude.id)
    return db.session.scalar(query.limit(1)) is not None


def saved(obj, changes, action, object_type, *, actor, now, **details):
    """Flush and audit one created (changes None) or updated row."""
    db.session.flush()
    if changes is None:
        record(f"{action}_created", actor=actor, now=now, object_type=object_type,
               object_id=obj.id, name=obj.name, **details)
    elif changes:
        record(f"{action}_updated", actor=actor, now=now, object_type=object_type,
               object_id=obj.id, changes=changes, **details)
    return obj


# Organisations

def _check_organisation(values, org=None):
    if values["kind"] not in OrgKind.ALL:
        raise InvalidField("kind", _("Välj kommun eller bolag."))
    if name_taken(Organisation, values["name"], exclude=org):
        raise InvalidField("name", _("Det finns redan en organisation som heter %(name)s.", name=values["name"]))
    if "default_calendar_id" in values:
        reference(Calendar, values["default_calendar_id"], "default_calendar_id",
                  current=org.default_calendar_id if org else None, required=False)
    if values.get("default_tier", SERVICE_TIERS[0]) not in SERVICE_TIERS:
        raise InvalidField("default_tier", _("Välj guld, silver eller brons."))
    parent = reference(Organisation, values["parent_id"], "parent_id",
                       current=org.parent_id if org else None, required=False)
    while org is not None and parent is not None:
        if parent.id == org.id:
            raise InvalidField("parent_id", _("En organisation kan inte ligga under sig själv "
                                              "eller under en av sina egna underorganisationer."))
        parent = parent.parent


def create_organisation(values: dict, *, actor, now) -> Organisation:
    """A new kommun or bolag."""
    _check_organisation(values)
    org = Organisation(**values)
    db.session.add(org)
    return saved(org, None, "organisation", "organisation", actor=actor, now=now)


def update_organisation(org, values: dict, *, actor, now) -> Organisation:
    """Change an organisation's name, kind, number, parent or active flag."""
    _check_organisation(values, org)
    changes = apply_changes(org, values)
    if changes and {"default_calendar_id", "default_tier"} & set(changes):
        from ..sla.jobs_refresh import request_refresh  # open tickets' due times move

        request_refresh(actor=actor, now=now, reason="organisation_sla_changed")
    return saved(org, changes, "organisation", "organisation", actor=actor, now=now)


# Departments (förvaltningar)

def _check_department(values, dept=None):
    reference(Organisation, values["organisation_id"], "organisation_id",
              current=dept.organisation_id if dept else None)
    if name_taken(Department, values["name"], exclude=dept, organisation_id=values["organisation_id"]):
        raise InvalidField("name", _("Organisationen har redan en förvaltning som heter %(name)s.",
                                     name=values["name"]))
    if dept is not None and dept.organisation_id != values["organisation_id"] and _department_in_use(dept):
        raise InvalidField("organisation_id", _(
            "Förvaltningen har system eller supportgrupper och kan inte flyttas till en annan organisation."))


def _department_in_use(dept) -> bool:
    return bool(
        db.session.scalar(sa.select(System.id).where(System.department_id == dept.id).limit(1))
        or db.session.scalar(sa.select(SupportGroup.id).where(SupportGroup.department_id == dept.id).limit(1))
    )


def create_department(values: dict, *, actor, now) -> Department:
    """A new förvaltning in an organisation."""
    _check_department(values)
    dept = Department(**values)
    db.session.add(dept)
    return saved(dept, None, "department", "department", actor=actor, now=now)


def update_department(dept, values: dict, *, actor, now) -> Department:
    """Change a förvaltning's organisation, names or active flag."""
    _check_department(values, dept)
    changes = apply_changes(dept, values)
    return saved(dept, changes, "department", "department", actor=actor, now=now)


# Support groups

def _check_group(values, group=None):
    reference(Organisation, values["organisation_id"], "organisation_id",
              current=group.organisation_id if group else None)
    dept = reference(Department, values["department_id"], "department_id",
                     current=group.department_id if group else None, required=False)
    if dept is not None and dept.organisation_id != values["organisation_id"]:
        raise InvalidField("department_id", _("Förvaltningen hör inte till den valda organisationen."))
    if name_taken(SupportGroup, values["name"], exclude=group):
        raise InvalidField("name", _("Det finns redan en supportgrupp som heter %(name)s.", name=values["name"]))
    stays_desk = values["is_service_desk"] and values["is_active"]
    if group is not None and group.is_service_desk and group.is_active and not stays_desk:
        others = db.session.scalar(sa.select(sa.func.count()).select_from(SupportGroup).where(
            SupportGroup.is_service_desk, SupportGroup.is_active, SupportGroup.id != group.id))
        if not others:
            # decide_group needs an active central desk to fall back on.
            raise InvalidField("is_service_desk" if not values["is_service_desk"] else "is_active", _(
                "Det måste finnas minst en aktiv central servicedesk. Gör först en annan grupp till servicedesk."))


def create_support_group(values: dict, *, actor, now) -> SupportGroup:
    """A new support group."""
    _check_group(values)
    group = SupportGroup(**values)
    db.session.add(group)
    return saved(group, None, "support_group", "support_group", actor=actor, now=now)


def update_support_group(group, values: dict, *, actor, now) -> SupportGroup:
    """Change a support group; the last active central service desk must stay one."""
    _check_group(values, group)
    changes = apply_changes(group, values)
    return saved(group, changes, "support_group", "support_group", actor=actor, now=now)


def add_group_member(group, user, *, is_lead=False, actor, now) -> GroupMember:
    """Put an active account in a support group, optionally as its lead."""
    if user is None or not user.is_active or user.is_contact:
        raise InvalidField("user", _("Bara aktiva användarkonton kan vara medlemmar."))
    if db.session.get(GroupMember, (group.id, user.id)) is not None:
        raise InvalidField("user", _("%(name)s är redan medlem i gruppen.", name=user.full_name))
    member = GroupMember(group_id=group.id, user_id=user.id, is_lead=bool(is_lead))
    db.session.add(member)
    db.session.flush()
    record("group_member_added", actor=actor, now=now, object_type="support_group", object_id=group.id,
           user_id=user.id, is_lead=member.is_lead)
    return member


def remove_group_member(member, *, actor, now) -> None:
    """Take a user out of a support group."""
    group_id, user_id = member.group_id, member.user_id
    db.session.delete(member)
    db.session.flush()
    record("group_member_removed", actor=actor, now=now, object_type="support_group", object_id=group_id,
           user_id=user_id)


def set_group_lead(member, is_lead: bool, *, actor, now) -> GroupMember:
    """Mark or unmark a member as the group's lead."""
    if member.is_lead != bool(is_lead):
        member.is_lead = bool(is_lead)
        db.session.flush()
        record("group_member_updated", actor=actor, now=now, object_type="support_group",
               object_id=member.group_id, user_id=member.user_id, is_lead=member.is_lead)
    return member
