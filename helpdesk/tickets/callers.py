"""Who rang: a user found by user name, e-mail address or name, or a new contact without an account."""

import hashlib
import re

import sqlalchemy as sa
from flask_babel import gettext as _

from ..auth.models import User
from ..errors import InvalidField
from ..extensions import db

PHONE = re.compile(r"^\+?[0-9 ()-]{5,30}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def find_callers(text: str, *, limit: int = 10) -> list[User]:
    """Active people whose user name or e-mail is exactly text, else whose name holds every word of it."""
    text = (text or "").strip()
    if not text:
        return []
    exact = db.session.scalar(sa.select(User).where(
        sa.or_(User.username == text.lower(), User.email == text.lower()), User.is_active))
    if exact is not None:
        return [exact]
    query = sa.select(User).where(User.is_active)
    for word in text.split()[:4]:
        query = query.where(User.full_name.ilike(f"%{word}%"))
    return list(db.session.scalars(query.order_by(User.full_name).limit(limit)))


def new_contact(*, name: str, email: str, phone: str, organisation_id, now) -> User:
    """A caller without an account, kept as a contact (like mail from an unknown sender); flushes."""
    name, email, phone = (name or "").strip(), (email or "").strip().lower(), (phone or "").strip()
    if not name:
        raise InvalidField("contact_name", _("Ange uppringarens namn."))
    if not email and not phone:
        raise InvalidField("contact_email", _("Ange e-postadress eller telefonnummer, så att vi kan svara."))
    if email and not EMAIL.match(email):
        raise InvalidField("contact_email", _("E-postadressen ser inte ut att stämma."))
    if phone and not PHONE.match(phone):
        raise InvalidField("contact_phone", _("Telefonnumret ser inte ut att stämma."))
    if email:
        existing = db.session.scalar(sa.select(User).where(User.email == email))
        if existing is not None:
            return existing
    key = email or "phone-" + re.sub(r"\D", "", phone)
    username = key if len(key) <= 64 else "contact-" + hashlib.sha256(key.encode()).hexdigest()[:40]
    same = db.session.scalar(sa.select(User).where(User.username == username))
    if same is not None and same.is_contact and not email:
        return same  # the same number rang before
    if same is not None:
        username = f"{username[:50]}-{hashlib.sha256((key + name).encode()).hexdigest()[:8]}"
    contact = User(username=username, email=email or None, phone=phone or None, full_name=name[:200],
                   organisation_id=organisation_id, is_contact=True, created_at=now)
    db.session.add(contact)
    db.session.flush()
    return contact
