"""Read side of the administration pages: lists and choices."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..catalogue.models import System
from ..extensions import db
from ..org.models import Department, GroupMember, Organisation, SupportGroup
from ..routing.models import RoutingRule
from ..sla.models import Calendar, ServiceLevel


def _label(obj, text=None):
    text = text or obj.name
    return text if obj.is_active else _("%(name)s (inaktiv)", name=text)


def organisations():
    return db.session.scalars(sa.select(Organisation).options(joinedload(Organisation.parent))
                              .order_by(Organisation.name)).all()


def departments():
    return db.session.scalars(sa.select(Department).join(Department.organisation)
                              .options(joinedload(Department.organisation))
                              .order_by(Organisation.name, Department.name)).all()


def groups():
    """Support groups with their member counts."""
    counts = (sa.select(GroupMember.group_id, sa.func.count().label("n"))
              .group_by(GroupMember.group_id).subquery())
    rows = db.session.execute(
        sa.select(SupportGroup, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.group_id == SupportGroup.id)
        .options(joinedload(SupportGroup.organisation), joinedload(SupportGroup.department))
        .order_by(SupportGroup.name)
    ).all()
    return [(group, count) for group, count in rows]


def members(group):
    return db.session.scalars(
        sa.select(GroupMember).join(User, GroupMember.user_id == User.id)
        .options(joinedload(GroupMember.user).selectinload(User.role_rows))
        .where(GroupMember.group_id == group.id).order_by(User.full_name)
    ).all()


def systems(text=""):
    query = sa.select(System).options(joinedload(System.department), joinedload(System.support_group))
    if text:
        query = query.where(sa.func.lower(System.name).like(f"%{_escape(text.lower())}%", escape="\\"))
    return db.session.scalars(query.order_by(System.name)).all()


def rules():
    return db.session.scalars(sa.select(RoutingRule).options(joinedload(RoutingRule.target_group))
                              .order_by(RoutingRule.position, RoutingRule.id)).all()


def calendars():
    return db.session.scalars(sa.select(Calendar).options(joinedload(Calendar.organisation),
                                                          selectinload(Calendar.days))
                              .order_by(Calendar.name)).all()


def service_levels():
    return db.session.scalars(sa.select(ServiceLevel).order_by(ServiceLevel.tier, ServiceLevel.priority)).all()


def users_page(text: str, page: int, size: int):
    """One page of accounts (contacts excluded) matching a search text, and whether more follow."""
    query = (sa.select(User).where(~User.is_contact)
             .options(joinedload(User.department), selectinload(User.role_rows)))
    for word in text.lower().split()[:3]:
        like = f"%{_escape(word)}%"
        query = query.where(sa.or_(*(sa.func.lower(c).like(like, escape="\\")
                                     for c in (User.username, User.full_name, User.email))))
    rows = db.session.scalars(query.order_by(User.full_name, User.id)
                              .offset((page - 1) * size).limit(size + 1)).all()
    return rows[:size], len(rows) > size


def _escape(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_account(text: str):
    """An active login account by user name or e-mail address."""
    text = (text or "").strip().lower()
    if not text:
        return None
    return db.session.scalar(sa.select(User).where(
        sa.or_(sa.func.lower(User.username) == text, sa.func.lower(User.email) == text),
        User.is_active, ~User.is_contact))


def department_names() -> dict:
    """Department names by id as text, for showing routing rule values."""
    return {str(d.id): d.name for d in departments()}


# Choices for select fields; inactive rows are named so, and refused by the services if newly chosen.

def organisation_choices(*, none=None):
    first = [(0, none)] if none else []
    return first + [(o.id, _label(o)) for o in organisations()]


def department_choices(*, none=None):
    first = [(0, none)] if none else []
    return first + [(d.id, _label(d, f"{d.name} – {d.organisation.name}")) for d in departments()]


def group_choices(*, none=None):
    first = [(0, none)] if none else []
    groups_ = db.session.scalars(sa.select(SupportGroup).order_by(SupportGroup.name))
    return first + [(g.id, _label(g)) for g in groups_]


def calendar_choices(*, none=None):
    first = [(0, none)] if none else []
    return first + [(c.id, _label(c)) for c in db.session.scalars(sa.select(Calendar).order_by(Calendar.name))]
