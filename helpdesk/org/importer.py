"""Row-by-row import of departments, groups, systems and users (used by `helpdesk import`)."""

import sqlalchemy as sa

from ..auth.models import User
from ..auth.services import create_user, set_roles
from ..catalogue.models import SERVICE_TIERS, System
from ..errors import DomainError
from ..extensions import db
from .models import Department, GroupMember, Organisation, SupportGroup

KINDS = ("departments", "groups", "systems", "users")
TRUE = {"1", "true", "yes", "ja", "x"}


def import_rows(kind: str, rows: list[dict], *, now) -> dict:
    """Upsert rows of one kind by name (username for users); errors name the row."""
    counts = {"created": 0, "updated": 0}
    handler = {"departments": _department, "groups": _group, "systems": _system, "users": _user}[kind]
    for number, row in enumerate(rows, start=2):  # row 1 is the CSV header
        row = {str(k).strip().lower(): ("" if v is None else str(v).strip()) for k, v in row.items()}
        try:
            created = handler(row, now)
        except DomainError as error:
            raise DomainError(f"Row {number}: {error.message}") from None
        counts["created" if created else "updated"] += 1
        db.session.flush()
    return counts


def _need(row, key):
    if not row.get(key):
        raise DomainError(f"column '{key}' is empty or missing")
    return row[key]


def _by_name(model, name, what):
    obj = db.session.scalar(sa.select(model).where(model.name == name))
    if obj is None:
        raise DomainError(f"no {what} named {name!r}")
    return obj


def _person(username):
    if not username:
        return None
    user = db.session.scalar(sa.select(User).where(User.username == username.lower()))
    if user is None:
        raise DomainError(f"no user {username!r}")
    return user


def _upsert(model, name, **values):
    obj = db.session.scalar(sa.select(model).where(model.name == name))
    created = obj is None
    if created:
        obj = model(name=name)
        db.session.add(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    return created


def _department(row, now):
    org = _by_name(Organisation, _need(row, "organisation"), "organisation")
    return _upsert(Department, _need(row, "name"), organisation_id=org.id, short_name=row.get("short_name") or None)


def _group(row, now):
    dept = _by_name(Department, row["department"], "department") if row.get("department") else None
    org_id = dept.organisation_id if dept else _by_name(Organisation, _need(row, "organisation"), "organisation").id
    return _upsert(SupportGroup, _need(row, "name"), department_id=dept.id if dept else None,
                   organisation_id=org_id, email=row.get("email") or None,
                   is_service_desk=row.get("is_service_desk", "").lower() in TRUE)


def _level(row, key):
    value = row.get(key) or "1"
    if value not in {"0", "1", "2", "3", "4"}:
        raise DomainError(f"column '{key}' must be a KLASSA level 0-4, not {value!r}")
    return int(value)


def _system(row, now):
    dept = _by_name(Department, _need(row, "department"), "department")
    tier = (row.get("tier") or "silver").lower()
    if tier not in SERVICE_TIERS:
        raise DomainError(f"tier must be one of {', '.join(SERVICE_TIERS)}")
    return _upsert(
        System, _need(row, "name"), department_id=dept.id, organisation_id=dept.organisation_id,
        support_group_id=_by_name(SupportGroup, _need(row, "support_group"), "support group").id,
        owner_id=getattr(_person(row.get("owner")), "id", None),
        admin_id=getattr(_person(row.get("admin")), "id", None),
        deputy_id=getattr(_person(row.get("deputy")), "id", None), service_tier=tier,
        klassa_k=_level(row, "k"), klassa_r=_level(row, "r"), klassa_t=_level(row, "t"), klassa_s=_level(row, "s"),
        is_common=row.get("common", "").lower() in TRUE, keywords=row.get("keywords", ""),
        description=row.get("description", ""),
    )


def _user(row, now):
    username = _need(row, "username").lower()
    dept = _by_name(Department, row["department"], "department") if row.get("department") else None
    roles = [r.strip() for r in row.get("roles", "").split(",") if r.strip()]
    user = db.session.scalar(sa.select(User).where(User.username == username))
    created = user is None
    try:
        if created:
            user = create_user(username=username, full_name=_need(row, "full_name"), email=row.get("email") or None,
                               roles=roles, department=dept, actor=None, now=now)
        else:
            user.full_name = row.get("full_name") or user.full_name
            user.department_id = dept.id if dept else user.department_id
            set_roles(user, roles, actor=None, now=now)
    except ValueError:
        raise DomainError(f"unknown role in {row.get('roles')!r}") from None
    for name in [g.strip() for g in row.get("groups", "").split(",") if g.strip()]:
        group = _by_name(SupportGroup, name, "support group")
        if db.session.get(GroupMember, (group.id, user.id)) is None:
            db.session.add(GroupMember(group_id=group.id, user_id=user.id))
    return created
