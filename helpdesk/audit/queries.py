"""Read side of the audit log: filtering, keyset pages and export batches."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..extensions import db
from ..clock import STOCKHOLM
from .models import AuditEntry

ACTORS = 200  # the most accounts one actor filter may match


@dataclass
class AuditFilter:
    action: str = ""  # exact, or a prefix ending in "*"
    actor: str = ""  # a user name, or part of a person's name
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None  # Stockholm dates, both included
    date_to: date | None = None

    def args(self) -> dict:
        """The filter as query-string arguments (for paging and export links)."""
        values = {"action": self.action, "actor": self.actor, "object_type": self.object_type,
                  "object_id": self.object_id, "date_from": self.date_from, "date_to": self.date_to}
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v}


def start_of(day: date) -> datetime:
    """Midnight at the start of a Stockholm date, as UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=STOCKHOLM).astimezone(UTC)


def conditions(flt: AuditFilter) -> list:
    found = []
    if flt.action.endswith("*"):
        prefix = flt.action[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found.append(AuditEntry.action.like(prefix + "%", escape="\\"))
    elif flt.action:
        found.append(AuditEntry.action == flt.action)
    if flt.actor:
        term = flt.actor.strip().lower()
        ids = sa.select(User.id).where(sa.or_(
            sa.func.lower(User.username) == term,
            sa.func.lower(User.full_name).contains(term, autoescape=True))).limit(ACTORS)
        found.append(AuditEntry.actor_id.in_(ids))
    if flt.object_type:
        found.append(AuditEntry.object_type == flt.object_type)
    if flt.object_id:
        found.append(AuditEntry.object_id == flt.object_id)
    if flt.date_from:
        found.append(AuditEntry.at >= start_of(flt.date_from))
    if flt.date_to:
        found.append(AuditEntry.at < start_of(flt.date_to + timedelta(days=1)))
    return found


def page(flt: AuditFilter, *, before: int | None = None, after: int | None = None, size: int = 50):
    """One page newest first, by keyset on id: (entries, id for older, id for newer).

    `before` pages towards older entries, `after` back towards newer ones; either way the
    database reads one page's worth along an index, however deep the page lies.
    """
    query = sa.select(AuditEntry).where(*conditions(flt)).options(joinedload(AuditEntry.actor))
    if after is not None:
        rows = db.session.scalars(query.where(AuditEntry.id > after).order_by(AuditEntry.id).limit(size + 1)).all()
        newer = rows[size - 1].id if len(rows) > size else None
        rows = list(reversed(rows[:size]))
        older = rows[-1].id if rows else None
        return rows, older, newer
    if before is not None:
        query = query.where(AuditEntry.id < before)
    rows = db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(size + 1)).all()
    older = rows[size - 1].id if len(rows) > size else None
    newer = rows[0].id if rows and before is not None else None
    return rows[:size], older, newer


def all_rows(flt: AuditFilter, *, batch: int = 2000):
    """Every matching entry newest first, read batch by batch."""
    before = None
    while True:
        query = (sa.select(AuditEntry, User.username, User.full_name).outerjoin(User, User.id == AuditEntry.actor_id)
                 .where(*conditions(flt)).order_by(AuditEntry.id.desc()).limit(batch))
        if before is not None:
            query = query.where(AuditEntry.id < before)
        rows = db.session.execute(query).all()
        if not rows:
            return
        yield from rows
        before = rows[-1][0].id
