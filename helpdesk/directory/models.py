"""A record of every directory sync, and the group rules an administrator edits."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db


class SyncStatus(StrEnum):
    COMPLETED = "completed"
    DRY_RUN = "dry_run"  # nothing was changed; the changes are what a real run would do
    STOPPED = "stopped"  # the mass-deactivation guard stopped it; nothing was changed
    FAILED = "failed"  # the directory could not be read; nothing was changed


class DirectorySync(db.Model):
    """One run of `helpdesk directory sync` (or its scheduler job): counts and every change."""

    __tablename__ = "directory_sync"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(16))
    trigger: Mapped[str] = mapped_column(sa.String(16))  # "cli" or "scheduler"
    forced: Mapped[bool] = mapped_column(default=False)
    seen: Mapped[int] = mapped_column(default=0)  # entries read from the directory
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    deactivated: Mapped[int] = mapped_column(default=0)
    reactivated: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(sa.Text)  # why it stopped or failed
    # JSON list of {"action", "username", "changes"}: what was (or, dry or stopped, would be) done.
    changes: Mapped[str] = mapped_column(sa.Text, default="[]")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    actor = relationship("User")


class GroupRule(db.Model):
    """Directory group (DN or name) -> desk roles and support groups; overrides HELPDESK_DIRECTORY_GROUP_RULES."""

    __tablename__ = "directory_group_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    group: Mapped[str] = mapped_column(sa.String(500), unique=True)
    roles: Mapped[str] = mapped_column(sa.Text, default="[]")  # JSON list of Role values
    support_groups: Mapped[str] = mapped_column(sa.Text, default="[]")  # JSON list of group names
