"""What a transaction wants to tell people; turned into outbox rows just before commit."""

from ..extensions import db

KEY = "helpdesk_notices"


def note(kind: str, ticket, **data) -> None:
    """Record that ticket had a notifiable change (kind: created, reply, status, assigned, group)."""
    db.session.info.setdefault(KEY, []).append((kind, ticket.id, data))


def checkpoint() -> int:
    return len(db.session.info.get(KEY, []))


def rollback_to(mark: int) -> None:
    """Forget intents recorded after mark (their changes were rolled back)."""
    del db.session.info.setdefault(KEY, [])[mark:]


def take(session) -> list:
    return session.info.pop(KEY, [])
