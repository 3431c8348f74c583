"""What synthetic tickets are drawn from: the organisation as plain data, plus new employees."""

from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

import sqlalchemy as sa

from ..auth.models import User
from ..catalogue.models import System
from ..intake.models import Mailbox
from ..org.models import Department, GroupMember, Organisation, SupportGroup
from . import names, phrases


class Weighted:
    """Draw items with given relative weights, fast (one bisect per draw)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = [(item, w) for item, w in pairs if w > 0]
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1] if self.cum else 0

    def pick(self, rng):
        return self.items[bisect(self.cum, rng.random() * self.total)]


@dataclass
class SystemInfo:
    id: int
    name: str
    group_id: int
    routed_by_system: bool  # False: its group is inactive and the service desk takes its tickets
    department_id: int
    is_common: bool
    issues: list
    answers: list


@dataclass
class World:
    """The demo organisation reduced to what the generator needs."""

    desk_id: int
    desk_name: str
    mailbox_id: int | None  # the service desk's mailbox, where e-mailed tickets come in
    group_names: dict  # group id -> name
    members: dict  # group id -> [user id]
    systems: list
    departments: dict  # department id -> (organisation id, short name)
    people: dict = field(default_factory=dict)  # user id -> (first name, full name, department id)
    all_requesters: Weighted | None = None
    colleagues: dict = field(default_factory=dict)  # department id -> [user id]
    system_choice: dict = field(default_factory=dict)  # department id -> Weighted(SystemInfo | None)


def load_world(session) -> World:
    """Read departments, groups, members and systems of the current database."""
    desk = session.execute(
        sa.select(SupportGroup.id, SupportGroup.name)
        .where(SupportGroup.is_service_desk, SupportGroup.is_active).order_by(SupportGroup.id)
    ).first()
    if desk is None:
        raise LookupError("No active service desk group: run `helpdesk seed-demo` first.")
    groups = dict(session.execute(sa.select(SupportGroup.id, SupportGroup.name).where(SupportGroup.is_active)).all())
    members: dict = {gid: [] for gid in groups}
    for gid, uid in session.execute(
        sa.select(GroupMember.group_id, GroupMember.user_id).join(User, User.id == GroupMember.user_id)
        .where(User.is_active).order_by(GroupMember.group_id, GroupMember.user_id)
    ):
        members.setdefault(gid, []).append(uid)
    departments = {
        d.id: (d.organisation_id, d.short_name or "")
        for d in session.execute(sa.select(Department.id, Department.organisation_id, Department.short_name)
                                 .where(Department.is_active).order_by(Department.id))
    }
    systems = []
    for s in session.execute(
        sa.select(System.id, System.name, System.support_group_id, System.department_id, System.is_common)
        .where(System.is_active).order_by(System.id)
    ):
        routed = s.support_group_id in groups  # else, as decide_group, the service desk takes it
        generic = (1, [(f"Problem med {s.name}", f"Något fungerar inte i {s.name}.")], ["Felet är åtgärdat."])
        _, issues, answers = phrases.SYSTEMS.get(s.name, generic)
        systems.append(SystemInfo(s.id, s.name, s.support_group_id if routed else desk.id, routed,
                                  s.department_id, s.is_common, issues, answers))
    mailbox_id = session.scalar(
        sa.select(Mailbox.id).where(Mailbox.is_active)
        .order_by((Mailbox.default_group_id == desk.id).desc(), Mailbox.id).limit(1))
    world = World(desk.id, desk.name, mailbox_id, groups, members, systems, departments)
    for dept_id in departments:
        world.system_choice[dept_id] = _systems_for(dept_id, systems)
    return world


def _systems_for(department_id, systems) -> Weighted:
    """Systems a department's staff report on: common ones, their own, rarely others'; 20 % none."""
    pairs = []
    for s in systems:
        volume = phrases.SYSTEMS.get(s.name, (1,))[0]
        # Staff report on common systems and their own förvaltning's, seldom on others'.
        affinity = 1.0 if s.is_common else 4.0 if s.department_id == department_id else 0.04
        pairs.append((s, volume * affinity))
    total = sum(w for _, w in pairs) or 1.0
    return Weighted([*pairs, (None, total / 4)])  # None: a fifth of all tickets


def employee_count(tickets: int) -> int:
    """How many new employees a run of this size adds: a few thousand at scale."""
    return max(500, min(8000, tickets // 100))


def employee_rows(world: World, rng, *, first_id: int, count: int, created_at: str, domains: dict):
    """Rows for new employees spread over the departments, with their names remembered."""
    depts = Weighted([(d, names.DEPARTMENT_WEIGHTS.get(short, 3)) for d, (_, short) in world.departments.items()])
    rows = []
    for user_id in range(first_id, first_id + count):
        dept = depts.pick(rng)
        org_id, short = world.departments[dept]
        first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
        username = f"{names.ascii_fold(first)}.{names.ascii_fold(last)}{user_id}"
        title = rng.choice(names.TITLES.get(short, names.GENERIC_TITLES))
        rows.append((user_id, username, f"{username}@{domains.get(org_id, 'exempelby.se')}", f"{first} {last}",
                     org_id, dept, title, 1, 0, created_at))
    return rows


def organisation_domains(session) -> dict:
    """E-mail domain per organisation, taken from its support groups' addresses."""
    domains = {}
    for org_id, email in session.execute(sa.select(SupportGroup.organisation_id, SupportGroup.email)
                                         .where(SupportGroup.email.is_not(None)).order_by(SupportGroup.id)):
        domains.setdefault(org_id, email.split("@", 1)[-1])
    for org_id in session.scalars(sa.select(Organisation.id)):
        domains.setdefault(org_id, "exempelby.se")
    return domains


def add_requesters(world: World, session, rng) -> None:
    """Everyone who may report: active non-contact users, some far more active than others."""
    by_dept: dict = {}
    for u in session.execute(sa.select(User.id, User.full_name, User.department_id)
                             .where(User.is_active, ~User.is_contact).order_by(User.id)):
        if u.department_id not in world.departments:
            continue
        world.people[u.id] = (u.full_name.split(" ")[0], u.full_name, u.department_id)
        # Most people report a few times a year, a handful (school offices, unit heads) far more.
        by_dept.setdefault(u.department_id, []).append((u.id, min(rng.paretovariate(1.6), 25.0)))
    if not by_dept:
        raise LookupError("No employees to report tickets.")
    world.colleagues = {d: [uid for uid, _ in pairs] for d, pairs in by_dept.items()}
    world.all_requesters = Weighted([p for pairs in by_dept.values() for p in pairs])
