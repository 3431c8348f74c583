"""Accounts, roles and login attempts."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class Role(StrEnum):
    """Global roles. Everyone is a requester; system roles also follow from the catalogue."""

    AGENT = "agent"
    SYSTEM_ADMIN = "system_admin"
    SYSTEM_OWNER = "system_owner"
    SECURITY_OFFICER = "security_officer"
    MANAGER = "manager"
    ADMIN = "admin"


class RoleSource(StrEnum):
    MANUAL = "manual"  # given by hand in the desk; the directory never takes it away
    DIRECTORY = "directory"  # follows the directory's group rules on every sign-in and sync


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    title: Mapped[str | None] = mapped_column(sa.String(120))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    is_active: Mapped[bool] = mapped_column(default=True)
    # A contact is known only by e-mail address and cannot log in.
    is_contact: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by logout, a password change and deactivation: every session cookie issued before stops working.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Where the account's identity comes from: "local", "ldap" or "oidc" (helpdesk.auth.methods).
    auth_source: Mapped[str] = mapped_column(sa.String(16), default="local", server_default="local")
    # The directory's stable key for the person (LDAP entry key or the OpenID provider's subject).
    directory_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivation_source: Mapped[str | None] = mapped_column(sa.String(16))  # "directory" or "admin"
    # TOTP for local accounts with administrative roles (helpdesk.auth.mfa).
    mfa_secret: Mapped[str | None] = mapped_column(sa.String(64))
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mfa_last_step: Mapped[int | None]  # the last TOTP time step used: a code works once

    organisation = relationship("Organisation")
    department = relationship("Department")
    manager = relationship("User", remote_side=[id])
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> set[Role]:
        return {Role(r.role) for r in self.role_rows}

    @property
    def directory_roles(self) -> set[Role]:
        """Roles the directory's group rules give; the others were given by hand."""
        return {Role(r.role) for r in self.role_rows if r.source == RoleSource.DIRECTORY}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def __repr__(self):
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(16), default=RoleSource.MANUAL, server_default="manual")

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginAttempt(db.Model):
    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_username_at", "username", "at"),
        sa.Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    username: Mapped[str] = mapped_column(sa.String(254))
    address: Mapped[str] = mapped_column(sa.String(64))
    success: Mapped[bool]


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; only its hash is kept."""

    __tablename__ = "mfa_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
