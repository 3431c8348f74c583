"""Reads for the directory pages."""

import sqlalchemy as sa

from ..auth.models import Role, User
from ..extensions import db
from ..org.models import GroupMember
from ..tickets.models import Ticket
from .models import DirectorySync


def runs_page(page: int, size: int) -> tuple[list[DirectorySync], bool]:
    rows = list(db.session.scalars(
        sa.select(DirectorySync).order_by(DirectorySync.id.desc()).offset((page - 1) * size).limit(size + 1)))
    return rows[:size], len(rows) > size


def orphaned_tickets(lead, limit=500) -> list[Ticket]:
    """Open tickets assigned to deactivated accounts: in the groups lead leads, or all for an administrator."""
    query = (sa.select(Ticket).join(User, User.id == Ticket.assignee_id)
             .where(Ticket.is_open, ~User.is_active).order_by(Ticket.id).limit(limit))
    if Role.ADMIN not in lead.roles:
        led = sa.select(GroupMember.group_id).where(GroupMember.user_id == lead.id, GroupMember.is_lead)
        query = query.where(Ticket.support_group_id.in_(led))
    return list(db.session.scalars(query))


def handover_count(lead) -> int:
    """How many tickets wait for the lead to hand them over (shown on the start page)."""
    return len(orphaned_tickets(lead, limit=100))
