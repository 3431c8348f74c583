"""Loading the demo organisation into an empty database."""

from datetime import timedelta

import sqlalchemy as sa

from ..auth.models import User
from ..auth.services import create_user
from ..catalogue.models import System
from ..extensions import db
from ..intake.models import Mailbox
from ..org.models import Department, GroupMember, Organisation, SupportGroup
from ..routing.models import RoutingRule
from ..sla.holidays import common_short_days
from ..sla.models import Calendar, CalendarException
from ..tickets import services as tickets
from . import data

DEMO_PASSWORD = "demo"


def is_empty() -> bool:
    """Whether no organisation has been set up yet."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


def seed_demo(*, now, password=DEMO_PASSWORD, with_tickets=True) -> dict:
    """Create Exempelby kommun with its departments, groups, users, systems, rules and tickets."""
    kommun = Organisation(**data.KOMMUN)
    bolag = Organisation(**data.BOLAG, parent=kommun)
    db.session.add_all([kommun, bolag])
    orgs = {"kommun": kommun, "bolag": bolag}
    depts = {}
    for key, name, short, org in data.DEPARTMENTS:
        depts[key] = Department(name=name, short_name=short, organisation=orgs[org])
    db.session.add_all(depts.values())
    db.session.flush()
    groups = {}
    for key, name, dept, email, desk in data.GROUPS:
        groups[key] = SupportGroup(name=name, department_id=depts[dept].id, email=email,
                                   organisation_id=depts[dept].organisation_id, is_service_desk=desk,
                                   handles_security_incidents=key == data.SECURITY_GROUP)
    db.session.add_all(groups.values())
    db.session.flush()
    users = {}
    for username, full_name, dept, roles, member_of, title in data.USERS:
        user = create_user(username=username, full_name=full_name, email=f"{username}@exempelby.se",
                           password=password, roles=roles, department=depts[dept], actor=None, now=now)
        user.title = title
        users[username] = user
        for g in member_of:
            db.session.add(GroupMember(group_id=groups[g.lstrip("*")].id, user_id=user.id,
                                       is_lead=g.startswith("*")))
    systems = {}
    for (name, dept, group, owner, admin, deputy, tier, k, r, t, s, common, keywords, desc) in data.SYSTEMS:
        systems[name] = System(
            name=name, description=desc, keywords=keywords, department_id=depts[dept].id,
            organisation_id=depts[dept].organisation_id, support_group_id=groups[group].id,
            owner_id=users[owner].id if owner else None, admin_id=users[admin].id if admin else None,
            deputy_id=users[deputy].id if deputy else None, service_tier=tier,
            klassa_k=k, klassa_r=r, klassa_t=t, klassa_s=s, is_common=common,
            classified_on=now.date() - timedelta(days=200),
        )
    db.session.add_all(systems.values())
    for position, name, field, value, group in data.ROUTING_RULES:
        if field == "requester_department":
            value = str(depts[value].id)
        db.session.add(RoutingRule(position=position, name=name, field=field, value=value,
                                   target_group_id=groups[group].id))
    office, always = _calendars(now)
    kommun.default_calendar_id = bolag.default_calendar_id = office.id
    for name in data.ROUND_THE_CLOCK_SYSTEMS:
        systems[name].calendar_id = always.id
    for name, address, group, policy in data.MAILBOXES:
        db.session.add(Mailbox(name=name, address=address, organisation_id=kommun.id,
                               default_group_id=groups[group].id, closed_policy=policy))
    db.session.flush()
    created = 0
    if with_tickets:
        for requester, system, subject, body, impact, urgency, hours_ago, actions in data.TICKETS:
            at = now - timedelta(hours=hours_ago)
            ticket = tickets.create_ticket(
                requester=users[requester], subject=subject, body=body, actor=users[requester], now=at,
                system=systems[system] if system else None, impact=impact, urgency=urgency)
            for step, action in enumerate(actions, start=1):
                _act(ticket, action, users, at + timedelta(minutes=20 * step))
            created += 1
    return {"organisations": 2, "users": len(users), "systems": len(systems),
            "mailboxes": len(data.MAILBOXES), "tickets": created}


def _calendars(now):
    """The migration's office-hours calendar with this year's and next year's short days (14:00)."""
    office = db.session.scalar(sa.select(Calendar).where(Calendar.always_open.is_(False)).order_by(Calendar.id))
    always = db.session.scalar(sa.select(Calendar).where(Calendar.always_open).order_by(Calendar.id))
    for year in (now.year, now.year + 1):
        for day, name in common_short_days(year):
            office.exceptions.append(CalendarException(day=day, spans="08:00-14:00", note=name))
    office.updated_at = now
    return office, always


def _act(ticket, action, users, at):
    verb, username, *rest = action.split(":", 2)
    actor = users[username]
    if verb == "claim":
        tickets.assign(ticket, actor, actor=actor, now=at)
    elif verb == "reply":
        tickets.add_reply(ticket, body=rest[0], actor=actor, now=at, staff=True)
    elif verb == "status":
        tickets.change_status(ticket, rest[0], actor=actor, now=at)


def demo_user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))
