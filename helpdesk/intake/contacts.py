"""People behind e-mail addresses: known users, or requester contacts made on first contact."""

import hashlib

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, lazyload

from ..auth.models import User
from ..database import kept_for_transaction
from ..extensions import db

# Address -> user found (or made) in this transaction: a batch of mail meets the same senders
# again and again. Only hits are kept (a miss may become a contact any moment); a rollback,
# also of one message's savepoint, or a user changed or deleted in a flush forgets them all.
KNOWN = "helpdesk_intake_known_users"


def user_for(address: str):
    """The active user or contact with this address, if any."""
    if not address:
        return None
    address = address.lower()
    known = db.session.info.setdefault(KNOWN, {})
    found = known.get(address)
    if found is None:
        # Roles are read only if the sender turns out to write on a ticket (is it staff?), not for each
        # new ticket's sender, as the relationship's selectin would.
        found = db.session.scalar(sa.select(User).where(User.email == address).options(lazyload(User.role_rows)))
        if found is not None:
            known[address] = found
    return found


def contact_for(address: str, name: str, *, organisation_id, now, looked_up: bool = False):
    """The user with this address, else a new requester contact (no login).

    looked_up: the caller has just asked user_for and found nobody (saves asking again).
    """
    address = address.lower()
    found = None if looked_up else user_for(address)
    if found is not None:
        return found
    username = address if len(address) <= 64 else "mail-" + hashlib.sha256(address.encode()).hexdigest()[:40]
    contact = User(username=username, email=address, full_name=(name or address)[:200],
                   organisation_id=organisation_id, is_contact=True, created_at=now)
    db.session.add(contact)
    db.session.flush()
    db.session.info.setdefault(KNOWN, {})[address] = contact
    return contact


kept_for_transaction(KNOWN)


@event.listens_for(Session, "after_flush")
def _forget_on_user_change(session, flush_context):
    if session.info.get(KNOWN) and any(isinstance(o, User) for o in (*session.dirty, *session.deleted)):
        session.info.pop(KNOWN, None)
