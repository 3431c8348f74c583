"""Writing to the audit log."""

from .models import AuditEntry
from ..extensions import db


def record(action: str, *, actor, now, object_type=None, object_id=None, address=None, **details):
    """Append one audit entry in the caller's transaction."""
    entry = AuditEntry(
        at=now, actor_id=getattr(actor, "id", None), action=action,
        object_type=object_type, object_id=None if object_id is None else str(object_id),
        address=address, details=details,
    )
    db.session.add(entry)
    return entry
