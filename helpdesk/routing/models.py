"""Admin-editable routing rules, tried in order after the affected system."""

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class RuleField(StrEnum):
    REQUESTER_DEPARTMENT = "requester_department"
    KEYWORD = "keyword"
    CHANNEL = "channel"
    MAILBOX = "mailbox"


class RoutingRule(db.Model):
    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=100)
    name: Mapped[str] = mapped_column(sa.String(200))
    field: Mapped[str] = mapped_column(sa.String(32))
    # A department id, a channel, a mailbox name, or comma-separated keywords.
    value: Mapped[str] = mapped_column(sa.String(500))
    target_group_id: Mapped[int] = mapped_column(sa.ForeignKey("support_group.id"))
    is_active: Mapped[bool] = mapped_column(default=True)

    target_group = relationship("SupportGroup")
