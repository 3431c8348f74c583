"""Local accounts: the desk's own argon2 password (break-glass administrators, installations without a directory)."""

import sqlalchemy as sa

from ...extensions import db
from ..models import User


def check(username: str, password: str):
    """The local account behind a valid password, else None; costs the same when the account is unknown."""
    from ..services import verify_password

    user = db.session.scalar(sa.select(User).where(User.username == username))  # stored lower-cased
    if user is None or not user.is_active or user.is_contact or user.auth_source != "local":
        verify_password(User(password_hash=None), password)  # same cost as a real check
        return None
    return user if verify_password(user, password) else None


def known(username: str) -> bool:
    """Whether a local account of that name can sign in at all."""
    return db.session.scalar(sa.select(User.id).where(
        User.username == username, User.auth_source == "local", User.is_active, ~User.is_contact)) is not None
