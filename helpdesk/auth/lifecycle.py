"""An account's life: sessions ended, deactivation with its consequences, reactivation."""

import sqlalchemy as sa

from ..audit.services import record
from ..extensions import db


def end_sessions(user) -> None:
    """Every session cookie issued to the user so far stops working (checked by the user loader)."""
    user.session_version = (user.session_version or 0) + 1


def deactivate(user, *, reason: str, source: str, actor, now) -> dict:
    """Close the account: sessions end, removal tasks open for its grants, its open tickets go to the leads.

    Nothing is deleted. Returns what was done, for the sync's record.
    """
    from ..access.models import AccessGrant
    from ..access.services import flag_for_removal
    from ..tickets.models import Ticket

    user.is_active = False
    user.deactivated_at = now
    user.deactivation_source = source
    end_sessions(user)
    grants = db.session.scalars(
        sa.select(AccessGrant).where(AccessGrant.user_id == user.id, AccessGrant.revoked_at.is_(None),
                                     AccessGrant.removal_ticket_id.is_(None)).order_by(AccessGrant.id)).all()
    db.session.flush()
    tasks = []
    for grant in grants:
        grant.removal_flagged_at = now
        tasks.append(flag_for_removal(grant, now=now).id)
    open_tickets = list(db.session.scalars(
        sa.select(Ticket.id).where(Ticket.assignee_id == user.id, Ticket.is_open).order_by(Ticket.id)))
    record("user_deactivated", actor=actor, now=now, object_type="user", object_id=user.id, reason=reason,
           source=source, removal_tickets=tasks, open_tickets=open_tickets)
    db.session.flush()
    return {"removal_tickets": tasks, "open_tickets": open_tickets}


def reactivate(user, *, reason: str, actor, now) -> None:
    """Open a closed account again (the directory enabled it, or an administrator did)."""
    user.is_active = True
    user.deactivated_at = None
    user.deactivation_source = None
    record("user_reactivated", actor=actor, now=now, object_type="user", object_id=user.id, reason=reason)
