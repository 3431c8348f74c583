"""/api/v1 writes for administrators: organisations, departments, support groups and catalogue systems.

Each goes through the same service as the admin pages (same checks, same audit entries);
PUT replaces every field, as the admin forms do.
"""

import marshmallow as ma
from flask import abort, g
from flask_smorest import abort as smorest_abort
from marshmallow import validate

from ..auth.permissions import Permission, can
from ..catalogue import services as catalogue
from ..catalogue.models import KLASSA_LEVELS, SERVICE_TIERS, System
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError, InvalidField
from ..extensions import db
from ..org import services as org
from ..org.models import Department, OrgKind, Organisation, SupportGroup
from .auth import require_scope
from .blueprint import make_blueprint
from .problems import MAX_ID
from .schemas import Text

blp = make_blueprint("api_admin", "Organisation and catalogue (administrators write)")

ID = {"validate": validate.Range(1, MAX_ID)}
NULLABLE_ID = {"allow_none": True, "load_default": None, "validate": validate.Range(1, MAX_ID)}


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class OrganisationIn(Strict):
    name = Text(required=True, validate=validate.Length(1, 200))
    kind = Text(load_default=OrgKind.KOMMUN, validate=validate.OneOf(OrgKind.ALL))
    org_number = Text(allow_none=True, load_default=None, validate=validate.Length(max=20))
    parent_id = ma.fields.Integer(**NULLABLE_ID)
    is_active = ma.fields.Boolean(load_default=True)


class OrganisationFull(OrganisationIn):
    id = ma.fields.Integer(required=True)


class DepartmentIn(Strict):
    organisation_id = ma.fields.Integer(required=True, **ID)
    name = Text(required=True, validate=validate.Length(1, 200))
    short_name = Text(allow_none=True, load_default=None, validate=validate.Length(max=20))
    is_active = ma.fields.Boolean(load_default=True)


class DepartmentFull(DepartmentIn):
    id = ma.fields.Integer(required=True)


class GroupIn(Strict):
    organisation_id = ma.fields.Integer(required=True, **ID)
    department_id = ma.fields.Integer(**NULLABLE_ID)
    name = Text(required=True, validate=validate.Length(1, 200))
    email = ma.fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=254))
    description = Text(allow_none=True, load_default=None, validate=validate.Length(max=5000))
    is_service_desk = ma.fields.Boolean(load_default=False)
    handles_security_incidents = ma.fields.Boolean(load_default=False)
    is_active = ma.fields.Boolean(load_default=True)


class GroupFull(GroupIn):
    id = ma.fields.Integer(required=True)


class SystemIn(Strict):
    organisation_id = ma.fields.Integer(required=True, **ID)
    name = Text(required=True, validate=validate.Length(1, 200))
    description = Text(load_default="", validate=validate.Length(max=5000))
    keywords = Text(load_default="", validate=validate.Length(max=500))
    department_id = ma.fields.Integer(required=True, **ID)
    support_group_id = ma.fields.Integer(required=True, **ID)
    owner_id = ma.fields.Integer(**NULLABLE_ID)
    admin_id = ma.fields.Integer(**NULLABLE_ID)
    deputy_id = ma.fields.Integer(**NULLABLE_ID)
    service_tier = Text(load_default="silver", validate=validate.OneOf(SERVICE_TIERS))
    klassa_k = ma.fields.Integer(load_default=1, validate=validate.OneOf(KLASSA_LEVELS))
    klassa_r = ma.fields.Integer(load_default=1, validate=validate.OneOf(KLASSA_LEVELS))
    klassa_t = ma.fields.Integer(load_default=1, validate=validate.OneOf(KLASSA_LEVELS))
    klassa_s = ma.fields.Integer(load_default=1, validate=validate.OneOf(KLASSA_LEVELS))
    is_common = ma.fields.Boolean(load_default=False)
    is_active = ma.fields.Boolean(load_default=True)


class SystemFull(SystemIn):
    id = ma.fields.Integer(required=True)


def admin_only():
    require_scope("admin")
    if not can(g.api_user, Permission.ADMIN_MANAGE):
        abort(403)


def _run(function, *args):
    admin_only()
    try:
        with unit_of_work():
            return function(*args, actor=g.api_user, now=utcnow())
    except InvalidField as error:
        smorest_abort(422, errors=[{"field": error.field, "message": error.message}])
    except DomainError as error:
        smorest_abort(422, errors=[{"field": "_schema", "message": error.message}])


def _get(model, item_id):
    found = db.session.get(model, item_id) if 0 < item_id <= MAX_ID else None
    if found is None:
        abort(404)
    return found


@blp.post("/organisations")
@blp.arguments(OrganisationIn)
@blp.response(201, OrganisationFull)
def create_organisation(data):
    """A new kommun or bolag."""
    return _run(org.create_organisation, data), 201


@blp.put("/organisations/<int:item_id>")
@blp.arguments(OrganisationIn)
@blp.response(200, OrganisationFull)
def update_organisation(data, item_id):
    """Replace an organisation's fields."""
    admin_only()
    return _run(org.update_organisation, _get(Organisation, item_id), data)


@blp.post("/departments")
@blp.arguments(DepartmentIn)
@blp.response(201, DepartmentFull)
def create_department(data):
    """A new förvaltning."""
    return _run(org.create_department, data), 201


@blp.put("/departments/<int:item_id>")
@blp.arguments(DepartmentIn)
@blp.response(200, DepartmentFull)
def update_department(data, item_id):
    """Replace a förvaltning's fields."""
    admin_only()
    return _run(org.update_department, _get(Department, item_id), data)


@blp.post("/groups")
@blp.arguments(GroupIn)
@blp.response(201, GroupFull)
def create_group(data):
    """A new support group."""
    return _run(org.create_support_group, data), 201


@blp.put("/groups/<int:item_id>")
@blp.arguments(GroupIn)
@blp.response(200, GroupFull)
def update_group(data, item_id):
    """Replace a support group's fields (the last central service desk stays one)."""
    admin_only()
    return _run(org.update_support_group, _get(SupportGroup, item_id), data)


@blp.post("/systems")
@blp.arguments(SystemIn)
@blp.response(201, SystemFull)
def create_system(data):
    """A new catalogue system."""
    return _run(catalogue.create_system, data), 201


@blp.put("/systems/<int:item_id>")
@blp.arguments(SystemIn)
@blp.response(200, SystemFull)
def update_system(data, item_id):
    """Replace a system's fields."""
    admin_only()
    system = _get(System, item_id)
    return _run(catalogue.update_system, system, data | {"classified_on": system.classified_on})
