"""/api/v1 users, contacts, organisations, departments, support groups, catalogue systems, tokens."""

import sqlalchemy as sa
from flask import abort, g
from flask_smorest import abort as smorest_abort
import marshmallow as ma
from marshmallow import validate

from ..audit.services import record
from ..auth.models import User
from ..auth.permissions import Permission, can
from ..auth.services import create_user as create_account
from ..catalogue.models import System
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..org.models import Department, Organisation, SupportGroup
from ..web import client_address
from ..auth.lifecycle import deactivate
from . import schemas, tokens
from .auth import audit_details, require_scope
from .blueprint import make_blueprint
from .problems import MAX_ID
from .schemas import Text
from .models import ApiToken

blp = make_blueprint("api_directory", "People, organisation, catalogue and the caller's own tokens")


class UserListArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    q = Text(validate=validate.Length(max=100))
    page = ma.fields.Integer(load_default=1, validate=validate.Range(1, 10000))
    per_page = ma.fields.Integer(load_default=50, validate=validate.Range(1, 200))


def staff_only():
    """People's details are for staff (agents, administrators), as in the web's user pickers."""
    if not (can(g.api_user, Permission.QUEUE_VIEW) or can(g.api_user, Permission.ADMIN_MANAGE)):
        abort(403)


def admin_only():
    require_scope("admin")
    if not can(g.api_user, Permission.ADMIN_MANAGE):
        abort(403)


@blp.get("/users")
@blp.arguments(UserListArgs, location="query", as_kwargs=True)
@blp.response(200, schemas.UserOut(many=True))
def list_users(page, per_page, q=None):
    """Users and contacts, by name, user name or e-mail."""
    staff_only()
    query = sa.select(User).order_by(User.id)
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.full_name).like(like), User.username.like(like),
                                   User.email.like(like)))
    return db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all()


def user_or_404(user_id):
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        abort(404)
    return user


@blp.get("/users/<int:user_id>")
@blp.response(200, schemas.UserOut)
def get_user(user_id):
    """One user or contact; anyone may read their own record."""
    if user_id != g.api_user.id:
        staff_only()
    return user_or_404(user_id)


@blp.post("/users")
@blp.arguments(schemas.UserCreate)
@blp.response(201, schemas.UserOut)
def create_user(data):
    """Create a user without a password (they sign in through the directory) or an external contact."""
    admin_only()
    department = None
    if data.get("department_id"):
        department = db.session.get(Department, data["department_id"])
        if department is None:
            smorest_abort(422, errors=[{"field": "department_id", "message": "Okänd förvaltning."}])
    try:
        with unit_of_work():
            user = create_account(username=data["username"], full_name=data["full_name"], email=data.get("email"),
                                  department=department, actor=g.api_user, now=utcnow(),
                                  is_contact=data["is_contact"])
            record("user_created", actor=g.api_user, now=utcnow(), object_type="user", object_id=user.id,
                   address=client_address(), **audit_details())
    except DomainError as error:
        field = "email" if "post" in error.message.lower() else "username"
        smorest_abort(422, errors=[{"field": field, "message": error.message}])
    return user, 201


@blp.post("/users/<int:user_id>/deactivate")
@blp.response(200, schemas.UserOut)
def deactivate_user(user_id):
    """Deactivate an account: its sessions and tokens stop working; access removal follows (access job)."""
    admin_only()
    user = user_or_404(user_id)
    if user.id == g.api_user.id:
        smorest_abort(422, errors=[{"field": "user_id", "message": "Du kan inte inaktivera dig själv."}])
    if user.is_active:
        with unit_of_work():  # as from the admin pages and the sync: sessions end, removal tasks open
            deactivate(user, reason="api", source="api", actor=g.api_user, now=utcnow())
            record("user_deactivated_api", actor=g.api_user, now=utcnow(), object_type="user", object_id=user.id,
                   address=client_address(), **audit_details())
    return user


@blp.get("/organisations")
@blp.response(200, schemas.OrganisationOut(many=True))
def organisations():
    """Every organisation (kommun, bolag)."""
    return db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all()


@blp.get("/departments")
@blp.response(200, schemas.DepartmentOut(many=True))
def departments():
    """Every department (förvaltning)."""
    return db.session.scalars(sa.select(Department).order_by(Department.name)).all()


@blp.get("/groups")
@blp.response(200, schemas.GroupOut(many=True))
def groups():
    """Every support group."""
    return db.session.scalars(sa.select(SupportGroup).order_by(SupportGroup.name)).all()


@blp.get("/systems")
@blp.response(200, schemas.SystemOut(many=True))
def systems():
    """The catalogue's active systems."""
    return db.session.scalars(sa.select(System).where(System.is_active).order_by(System.name)).all()


@blp.get("/tokens")
@blp.response(200, schemas.TokenOut(many=True))
def my_tokens():
    """The caller's own tokens (never their secrets)."""
    return tokens.tokens_of(g.api_user)


@blp.post("/tokens")
@blp.arguments(schemas.TokenCreate)
@blp.response(201, schemas.TokenCreated)
def create_my_token(data):
    """A new personal token for the caller, at most the caller's own scope; the secret is shown once."""
    require_scope(data["scope"])
    try:
        with unit_of_work():
            token, secret = tokens.create_token(user=g.api_user, name=data["name"], scope=data["scope"],
                                                expires_at=data.get("expires_at"), actor=g.api_user, now=utcnow())
    except DomainError as error:
        smorest_abort(422, errors=[{"field": "expires_at" if "datum" in error.message else "name",
                                    "message": error.message}])
    token.token = secret
    return token, 201


@blp.delete("/tokens/<int:token_id>")
@blp.response(204)
def revoke_my_token(token_id):
    """Revoke one of the caller's tokens (admins: anyone's)."""
    token = db.session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if token is None or (token.user_id != g.api_user.id and not can(g.api_user, Permission.ADMIN_MANAGE)):
        abort(404)
    with unit_of_work():
        tokens.revoke_token(token, actor=g.api_user, now=utcnow())
    return ""
