"""Applying edited values to a row and describing the change for the audit log."""

from datetime import date

_LONG = 200


def _plain(value):
    """A JSON-safe, short form of a column value."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) > _LONG:
        return value[:_LONG] + "…"
    return value


def apply_changes(obj, values: dict) -> dict:
    """Set the given attributes; return {name: [old, new]} for those that changed."""
    changed = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
            setattr(obj, name, new)
    return changed
