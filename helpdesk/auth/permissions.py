"""The one authorization module: permissions, role table, can(), reach."""

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from flask import g, has_app_context

from ..database import built_once
from ..extensions import db
from .models import Role


class Permission(StrEnum):
    TICKET_CREATE = "ticket:create"
    TICKET_VIEW = "ticket:view"
    TICKET_REPLY = "ticket:reply"
    TICKET_VIEW_INTERNAL = "ticket:view-internal"
    TICKET_NOTE = "ticket:note"
    TICKET_WORK = "ticket:work"
    TICKET_CONFIRM = "ticket:confirm"
    QUEUE_VIEW = "queue:view"
    PHONE_LOG = "phone:log"
    ADMIN_MANAGE = "admin:manage"
    AUDIT_VIEW = "audit:view"
    LEGAL_HOLD = "ticket:legal-hold"  # place and lift a gallringsstopp (helpdesk.retention)
    SECURITY_REGISTER = "security:register"
    REPORT_VIEW = "report:view"  # the monthly SLA report, scoped by helpdesk.reports.queries.report_scope
    ACCESS_REQUEST = "access:request"  # ask for a role in a system
    ACCESS_VIEW = "access:view"  # on a System: its grants, requests and reviews
    ACCESS_DECIDE = "access:decide"  # on a System: approve requests, decide review items
    REPLIES_MANAGE = "replies:manage"  # canned replies: own ones; on a CannedReply: edit it (helpdesk.replies)
    OUTAGE_PUBLISH = "outage:publish"  # outage notices, major incidents (helpdesk.outages)
    PROBLEM_MANAGE = "problem:manage"  # problem records (helpdesk.problems)
    KB_EDIT = "kb:edit"  # write knowledge articles (helpdesk.knowledge)
    KB_AGENT_VIEW = "kb:view-agents"  # read the articles meant for support staff


EVERYONE = frozenset({Permission.TICKET_CREATE, Permission.ACCESS_REQUEST})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset({Permission.QUEUE_VIEW, Permission.PHONE_LOG, Permission.REPORT_VIEW,
                           Permission.REPLIES_MANAGE, Permission.OUTAGE_PUBLISH, Permission.PROBLEM_MANAGE,
                           Permission.KB_EDIT, Permission.KB_AGENT_VIEW}),
    Role.SYSTEM_ADMIN: frozenset({Permission.QUEUE_VIEW, Permission.REPORT_VIEW, Permission.OUTAGE_PUBLISH,
                                  Permission.KB_EDIT, Permission.KB_AGENT_VIEW}),
    Role.SYSTEM_OWNER: frozenset({Permission.QUEUE_VIEW, Permission.REPORT_VIEW}),
    Role.SECURITY_OFFICER: frozenset({Permission.QUEUE_VIEW, Permission.AUDIT_VIEW, Permission.REPORT_VIEW,
                                      Permission.SECURITY_REGISTER, Permission.LEGAL_HOLD}),
    Role.MANAGER: frozenset({Permission.QUEUE_VIEW, Permission.REPORT_VIEW}),
    Role.ADMIN: frozenset({Permission.ADMIN_MANAGE, Permission.AUDIT_VIEW, Permission.QUEUE_VIEW,
                           Permission.REPORT_VIEW, Permission.LEGAL_HOLD, Permission.REPLIES_MANAGE,
                           Permission.OUTAGE_PUBLISH, Permission.PROBLEM_MANAGE, Permission.KB_EDIT,
                           Permission.KB_AGENT_VIEW}),
}

REQUESTER_ON_TICKET = frozenset({Permission.TICKET_VIEW, Permission.TICKET_REPLY})
WORKER_ON_TICKET = frozenset({
    Permission.TICKET_VIEW, Permission.TICKET_REPLY, Permission.TICKET_VIEW_INTERNAL,
    Permission.TICKET_NOTE, Permission.TICKET_WORK,
})
READER_ON_TICKET = frozenset({Permission.TICKET_VIEW, Permission.TICKET_VIEW_INTERNAL})


@dataclass(frozen=True)
class Reach:
    """What a user's memberships and catalogue duties let them see."""

    user_id: int
    roles: frozenset
    group_ids: frozenset
    service_desk: bool
    admin_system_ids: frozenset
    owned_system_ids: frozenset
    area_group_ids: frozenset
    area_system_ids: frozenset

    @property
    def sees_all_open_cases(self) -> bool:
        return self.service_desk or Role.ADMIN in self.roles

    @property
    def is_security(self) -> bool:
        return Role.SECURITY_OFFICER in self.roles


def reach_of(user) -> Reach:
    """Compute (once per request) which tickets a user's duties reach."""
    cache = g.setdefault("_reach", {}) if has_app_context() else {}
    if user.id in cache:
        return cache[user.id]
    roles = frozenset(user.roles)
    area = Role.MANAGER in roles and bool(user.department_id)
    found: dict[str, set] = {"group": set(), "admin": set(), "owner": set(), "area_group": set(), "area_system": set()}
    service_desk = False
    for kind, object_id, is_desk in db.session.execute(
            _duties_query(area), {"user_id": user.id, "department_id": user.department_id}):
        found[kind].add(object_id)
        service_desk = service_desk or (kind == "group" and bool(is_desk))
    group_ids = frozenset(found["group"]) if Role.AGENT in roles else frozenset()
    service_desk = Role.AGENT in roles and service_desk
    admin_systems, owned_systems = frozenset(found["admin"]), frozenset(found["owner"])
    area_groups, area_systems = frozenset(found["area_group"]), frozenset(found["area_system"])
    reach = Reach(user.id, roles, group_ids, service_desk, admin_systems, owned_systems,
                  area_groups, area_systems)
    cache[user.id] = reach
    return reach


def parties_of(ticket) -> tuple[str, ...]:
    """The participant roles that count on a ticket: on a confidential one only those working it.

    Someone who followed a ticket (cc) before it was raised to a security incident has no need to
    know; the SQL twin is helpdesk.tickets.queries.visible_tickets."""
    return ("worker",) if ticket.is_confidential else ("cc", "worker")


@built_once
def _duties_query(area: bool):
    """One round trip for every kind of duty (each page asks for this first); area: a manager's too."""
    from ..catalogue.models import System
    from ..org.models import GroupMember, SupportGroup

    user_id = sa.bindparam("user_id")
    parts = [
        sa.select(sa.literal("group"), GroupMember.group_id, SupportGroup.is_service_desk)
        .join(SupportGroup).where(GroupMember.user_id == user_id, SupportGroup.is_active),
        sa.select(sa.literal("admin"), System.id, sa.false())
        .where(sa.or_(System.admin_id == user_id, System.deputy_id == user_id)),
        sa.select(sa.literal("owner"), System.id, sa.false()).where(System.owner_id == user_id),
    ]
    if area:
        department_id = sa.bindparam("department_id")
        parts += [
            sa.select(sa.literal("area_group"), SupportGroup.id, sa.false())
            .where(SupportGroup.department_id == department_id),
            sa.select(sa.literal("area_system"), System.id, sa.false()).where(System.department_id == department_id),
        ]
    return sa.union_all(*parts)


def ticket_permissions(user, ticket) -> frozenset:
    """Everything the user may do on one ticket."""
    if user is None or not user.is_authenticated:
        return frozenset()
    reach = reach_of(user)
    participant = {p.user_id: p.role for p in ticket.participants if p.role in parties_of(ticket)}
    perms = set()
    if ticket.requester_id == user.id or user.id in participant:
        perms |= REQUESTER_ON_TICKET
        if ticket.requester_id == user.id:
            perms.add(Permission.TICKET_CONFIRM)
    works = (
        reach.is_security
        or ticket.assignee_id == user.id
        or participant.get(user.id) == "worker"
    )
    if not ticket.is_confidential:
        works = works or (
            ticket.support_group_id in reach.group_ids
            or reach.service_desk
            or ticket.system_id in reach.admin_system_ids
        )
        reads = (
            Role.ADMIN in reach.roles
            or ticket.system_id in reach.owned_system_ids
            or ticket.support_group_id in reach.area_group_ids
            or ticket.system_id in reach.area_system_ids
        )
        if reads:
            perms |= READER_ON_TICKET
    if works:
        perms |= WORKER_ON_TICKET
    return frozenset(perms)


def system_permissions(user, system) -> frozenset:
    """What the user may do with one system's access: its administrator and deputy decide, others look."""
    reach = reach_of(user)
    if system.id in reach.admin_system_ids:
        return frozenset({Permission.ACCESS_VIEW, Permission.ACCESS_DECIDE})
    if system.id in reach.owned_system_ids or reach.is_security or Role.ADMIN in reach.roles:
        return frozenset({Permission.ACCESS_VIEW})
    return frozenset()


def can(user, permission: Permission, obj=None) -> bool:
    """Whether user may do permission, on obj when given."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    from ..catalogue.models import System
    from ..tickets.models import Ticket

    if isinstance(obj, Ticket):
        return permission in ticket_permissions(user, obj)
    if isinstance(obj, System):
        return permission in system_permissions(user, obj)
    from ..replies.models import CannedReply

    if isinstance(obj, CannedReply):
        return permission == Permission.REPLIES_MANAGE and may_manage_reply(user, obj)
    if permission in EVERYONE:
        return True
    return any(permission in ROLE_PERMISSIONS.get(role, ()) for role in user.roles)


def may_manage_reply(user, reply) -> bool:
    """A personal canned reply is its owner's; a group's is kept by the group's leads and administrators."""
    if reply.owner_id is not None:
        return reply.owner_id == user.id
    if Role.ADMIN in user.roles:
        return True
    from ..org.models import GroupMember

    member = db.session.get(GroupMember, (reply.support_group_id, user.id))
    return Role.AGENT in user.roles and member is not None and member.is_lead
