"""Canned replies: which an agent may use on a ticket, their placeholders, and keeping them. Flushes, never commits."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..database import built_once
from ..errors import InvalidField, NotAllowed
from ..extensions import db
from ..org.models import GroupMember
from ..tickets.models import Status
from .models import CannedReply

# Placeholder -> how it is filled from (ticket, agent). Shown on the management page.
PLACEHOLDERS = ("{anmälare}", "{ärendenummer}", "{system}", "{handläggare}")


def fill(text: str, *, ticket, agent) -> str:
    """The text with its placeholders replaced for this ticket and the agent who sends it."""
    values = {
        "{anmälare}": ticket.requester.full_name if ticket.requester else "",
        "{ärendenummer}": f"#{ticket.id}",
        "{system}": ticket.system.name if ticket.system else _("(inget system angivet)"),
        "{handläggare}": agent.full_name if agent else "",
    }
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def usable(agent, ticket) -> list[CannedReply]:
    """The replies the agent may pick on this ticket: the agent's own, and those of the ticket's group and the agent's groups."""
    return list(db.session.scalars(_usable_query(), {"agent_id": agent.id, "group_id": ticket.support_group_id}))


@built_once
def _usable_query():
    agent_id = sa.bindparam("agent_id")
    groups = sa.select(GroupMember.group_id).where(GroupMember.user_id == agent_id)
    return (sa.select(CannedReply).where(
        CannedReply.is_active,
        sa.or_(CannedReply.owner_id == agent_id,
               CannedReply.support_group_id == sa.bindparam("group_id"),
               CannedReply.support_group_id.in_(groups)))
        .order_by(CannedReply.owner_id.is_(None), CannedReply.title))


def for_manager(user) -> list[CannedReply]:
    """The replies on the management page: the user's own and those of the groups the user is in (or all, for administrators)."""
    from ..auth.models import Role

    query = sa.select(CannedReply).order_by(CannedReply.owner_id.is_(None), CannedReply.title)
    if Role.ADMIN not in user.roles:
        groups = sa.select(GroupMember.group_id).where(GroupMember.user_id == user.id)
        query = query.where(sa.or_(CannedReply.owner_id == user.id, CannedReply.support_group_id.in_(groups)))
    return list(db.session.scalars(query))


def _checked(values: dict) -> dict:
    title = (values.get("title") or "").strip()
    body = (values.get("body") or "").strip()
    if not title:
        raise InvalidField("title", _("Ge mallen ett namn."))
    if not body:
        raise InvalidField("body", _("Skriv mallens text."))
    status = values.get("set_status") or None
    if status is not None and status not in {s.value for s in Status}:
        raise InvalidField("set_status", _("Okänd status."))
    return {"title": title[:120], "body": body, "set_status": status, "is_active": bool(values.get("is_active", True))}


def save(reply: CannedReply | None, values: dict, *, actor, now) -> CannedReply:
    """Create (reply None) or change a canned reply; group 0 or None means a personal one of actor."""
    from ..auth.permissions import Permission, can

    clean = _checked(values)
    group_id = values.get("support_group_id") or None
    if reply is None:
        reply = CannedReply(created_at=now, owner_id=None if group_id else actor.id, support_group_id=group_id)
    else:
        if not can(actor, Permission.REPLIES_MANAGE, reply):
            raise NotAllowed(_("Gruppens mallar sköts av gruppens ledare och administratörer."))
        reply.support_group_id = group_id
        reply.owner_id = None if group_id else (reply.owner_id or actor.id)
    for key, value in clean.items():
        setattr(reply, key, value)
    reply.updated_at = now
    if not can(actor, Permission.REPLIES_MANAGE, reply):
        raise NotAllowed(_("Gruppens mallar sköts av gruppens ledare och administratörer."))
    if reply.id is None:
        db.session.add(reply)
    db.session.flush()
    return reply


def delete(reply: CannedReply, *, actor) -> None:
    from ..auth.permissions import Permission, can

    if not can(actor, Permission.REPLIES_MANAGE, reply):
        raise NotAllowed(_("Du får inte ta bort den här mallen."))
    db.session.delete(reply)
    db.session.flush()
