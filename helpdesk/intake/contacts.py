"""People behind e-mail addresses: known users, or requester contacts made on first contact."""

import hashlib

import sqlalchemy as sa

from ..auth.models import User
from ..extensions import db


def user_for(address: str):
    """The active user or contact with this address, if any."""
    if not address:
        return None
    return db.session.scalar(sa.select(User).where(User.email == address.lower()))


def contact_for(address: str, name: str, *, organisation_id, now):
    """The user with this address, else a new requester contact (no login)."""
    address = address.lower()
    found = user_for(address)
    if found is not None:
        return found
    username = address if len(address) <= 64 else "mail-" + hashlib.sha256(address.encode()).hexdigest()[:40]
    contact = User(username=username, email=address, full_name=(name or address)[:200],
                   organisation_id=organisation_id, is_contact=True, created_at=now)
    db.session.add(contact)
    db.session.flush()
    return contact
