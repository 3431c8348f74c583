"""Setting the agreed availability of a tier or a system. Flush, never commit."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import InvalidField
from ..extensions import db
from .models import AvailabilityTarget


def parse_percent(text: str) -> int | None:
    """ "99,5" or "99.5" → 9950 hundredths; "" → None (no agreed level). Raises InvalidField."""
    text = (text or "").strip().replace(",", ".").rstrip("%").strip()
    if not text:
        return None
    try:
        value = round(float(text) * 100)
    except ValueError:
        raise InvalidField("percent", _("Skriv en procentsats, till exempel 99,5.")) from None
    if not 1 <= value <= 10000:
        raise InvalidField("percent", _("Ange en procentsats mellan 0,01 och 100."))
    return value


def set_target(*, tier=None, system=None, percent_text: str) -> AvailabilityTarget | None:
    """Set (or with an empty text remove) the agreed availability of a tier or one system."""
    where = AvailabilityTarget.tier == tier if system is None else AvailabilityTarget.system_id == system.id
    target = db.session.scalar(sa.select(AvailabilityTarget).where(where))
    value = parse_percent(percent_text)
    if value is None:
        if target is not None:
            db.session.delete(target)
        db.session.flush()
        return None
    if target is None:
        target = AvailabilityTarget(tier=tier if system is None else None, system_id=getattr(system, "id", None))
        db.session.add(target)
    target.basis_points = value
    db.session.flush()
    return target
