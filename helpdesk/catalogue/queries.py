"""Read side of the catalogue."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..extensions import db
from .models import System


def search_systems(text: str = ""):
    """Active systems whose name, description or keywords hold every word, by name."""
    systems = db.session.scalars(
        sa.select(System).where(System.is_active).options(joinedload(System.department)).order_by(System.name)
    ).all()
    words = text.casefold().split()[:5]
    # The catalogue is small; Python folds å, ä and ö where SQLite's lower() does not.
    return [s for s in systems
            if all(w in f"{s.name} {s.keywords} {s.description}".casefold() for w in words)]


def system_choices(text: str = "", *, unknown: bool = True):
    """Choices for a system select, optionally narrowed by a search text."""
    choices = [(0, _("Vet inte / annat"))] if unknown else []
    return choices + [(s.id, s.name) for s in search_systems(text)]
