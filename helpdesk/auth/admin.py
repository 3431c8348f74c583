"""Accounts as the administrator manages them: profile, active flag, roles and password."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.changes import apply_changes
from ..audit.services import record
from ..extensions import db
from ..org.models import Department, Organisation
from ..errors import InvalidField
from ..org.services import reference
from .lifecycle import deactivate
from .models import Role, User
from .services import create_user, set_password, set_roles


def _taken(column, value, user) -> bool:
    query = sa.select(User.id).where(sa.or_(column == value, sa.func.lower(column) == value.lower()))
    if user is not None:
        query = query.where(User.id != user.id)
    return db.session.scalar(query.limit(1)) is not None


def _check_account(values, roles, user, actor):
    """Normalised values, or InvalidField; fills the organisation from the department."""
    values = dict(values, username=values["username"].strip().lower(),
                  email=values["email"].strip().lower() if values["email"] else None)
    if _taken(User.username, values["username"], user):
        raise InvalidField("username", _("Användarnamnet %(u)s används redan.", u=values["username"]))
    if values["email"] and _taken(User.email, values["email"], user):
        raise InvalidField("email", _("E-postadressen %(e)s används redan.", e=values["email"]))
    current = (lambda name: getattr(user, name)) if user is not None else (lambda name: None)
    org = reference(Organisation, values["organisation_id"], "organisation_id",
                    current=current("organisation_id"), required=False)
    dept = reference(Department, values["department_id"], "department_id",
                     current=current("department_id"), required=False)
    if dept is not None and org is not None and dept.organisation_id != org.id:
        raise InvalidField("department_id", _("Förvaltningen hör inte till den valda organisationen."))
    if dept is not None and org is None:
        values["organisation_id"] = dept.organisation_id
    if not set(roles) <= set(Role):
        raise InvalidField("roles", _("Okänd roll."))
    if user is not None and actor is not None and user.id == actor.id:
        # An administrator must not be able to lock themselves out.
        if not values["is_active"]:
            raise InvalidField("is_active", _("Du kan inte inaktivera ditt eget konto."))
        if Role.ADMIN not in roles:
            raise InvalidField("roles", _("Du kan inte ta bort din egen roll som administratör."))
    return values, org, dept


def create_account(values: dict, *, roles, password=None, actor, now) -> User:
    """A new login account with its roles; the creation is audited."""
    values, org, dept = _check_account(values, roles, None, actor)
    user = create_user(username=values["username"], full_name=values["full_name"], email=values["email"],
                       password=password or None, roles=roles, department=dept, organisation=org,
                       actor=actor, now=now)
    user.organisation_id = values["organisation_id"]
    user.title, user.phone, user.is_active = values["title"], values["phone"], values["is_active"]
    db.session.flush()
    record("user_created", actor=actor, now=now, object_type="user", object_id=user.id,
           username=user.username, roles=sorted(user.roles), password_set=bool(password))
    return user


def update_account(user, values: dict, *, roles, password=None, actor, now) -> User:
    """Change an account; roles go through set_roles and a new password through set_password."""
    values, _org, _dept = _check_account(values, roles, user, actor)
    was_active = user.is_active
    changes = apply_changes(user, values)
    if changes:
        db.session.flush()
        record("user_updated", actor=actor, now=now, object_type="user", object_id=user.id, changes=changes)
    if was_active and not user.is_active:  # sessions end, removal tasks open, the leads see the open tickets
        deactivate(user, reason=_("Inaktiverat av en administratör."), source="admin", actor=actor, now=now)
    elif user.is_active and not was_active:
        user.deactivated_at = user.deactivation_source = None
    set_roles(user, roles, actor=actor, now=now)
    if password:
        set_password(user, password, actor=actor, now=now)
    db.session.flush()
    return user
