"""Read side of the catalogue."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..extensions import db
from .models import System


def search_systems(text: str = ""):
    """Active systems whose name, description or keywords match, by name."""
    query = sa.select(System).where(System.is_active).options(joinedload(System.department))
    for word in text.lower().split()[:5]:
        like = f"%{word}%"
        query = query.where(sa.or_(sa.func.lower(System.name).like(like),
                                   sa.func.lower(System.keywords).like(like),
                                   sa.func.lower(System.description).like(like)))
    return db.session.scalars(query.order_by(System.name)).all()


def system_choices(text: str = "", *, unknown: bool = True):
    """Choices for a system select, optionally narrowed by a search text."""
    choices = [(0, _("Vet inte / annat"))] if unknown else []
    return choices + [(s.id, s.name) for s in search_systems(text)]
