"""What is measured: pages of the real app, as the demo agents and a busy employee see them."""

import random
import re
from dataclasses import dataclass

import sqlalchemy as sa

from helpdesk import create_app
from helpdesk.auth.models import User
from helpdesk.auth.services import hash_password
from helpdesk.catalogue.models import System
from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from helpdesk.org.models import Department, SupportGroup
from helpdesk.tickets.models import Message, Ticket

from .outages import scenarios as outage_scenarios

PASSWORD = "demo"
SEARCH_TARGET_MS = 100
PAGE_TARGET_MS = 20


@dataclass
class Scenario:
    key: str
    label: str
    user: str  # user name that makes the requests
    paths: list  # requests cycle through these
    target_ms: int | None  # None: no target, shown for comparison


def bench_app(url):
    """The app on a benchmark database, configured as in production apart from CSRF on login."""
    return create_app({"SECRET_KEY": "benchmark", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                       "SERVER_NAME": None})


def _id(model, name_column, name):
    return db.session.scalar(sa.select(model.id).where(name_column == name))


def busiest_requester() -> User:
    """The generated employee with the most tickets; given the demo password so they can log in."""
    user_id = db.session.scalar(
        sa.select(Ticket.requester_id).join(User, User.id == Ticket.requester_id)
        .where(User.username.contains(".")).group_by(Ticket.requester_id)
        .order_by(sa.func.count().desc(), Ticket.requester_id).limit(1))
    user = db.session.get(User, user_id)
    if user.password_hash is None:
        with unit_of_work():
            user.password_hash = hash_password(PASSWORD)
    return user


def _sample_ids(rng, where, count=50):
    """Ticket ids spread over the whole range that satisfy where."""
    low, high = db.session.execute(sa.select(sa.func.min(Ticket.id), sa.func.max(Ticket.id))).one()
    ids = set()
    while len(ids) < count:
        candidates = [rng.randint(low, high) for _ in range(count * 2)]
        ids |= set(db.session.scalars(sa.select(Ticket.id).where(Ticket.id.in_(candidates), where)))
    return sorted(ids)[:count]


def reference_number() -> str:
    """A supplier's case number quoted in one escalation note: a rare search term."""
    body = db.session.scalar(sa.select(Message.body).where(Message.body.like("Eskalerat%"))
                             .order_by(Message.id.desc()).limit(1))
    return re.search(r"SUP-\d+", body).group(0)


def scenarios(seed=1) -> list[Scenario]:
    """The measurements, resolved against the current database (inside an app context)."""
    rng = random.Random(seed)
    heavy = busiest_requester()
    erik = _id(User, User.username, "erik")
    skolit = _id(SupportGroup, SupportGroup.name, "Skol-IT")
    clients = _id(System, System.name, "Klientdatorer")
    soc = _id(Department, Department.name, "Socialförvaltningen")
    tickets = [f"/tickets/{i}" for i in _sample_ids(rng, ~Ticket.is_confidential)]
    # Confidential tickets are left out: each read of one is also an audit write.
    own = [f"/tickets/{i}" for i in _sample_ids(rng, sa.and_(Ticket.requester_id == heavy.id,
                                                             ~Ticket.is_confidential), count=20)]
    ref = reference_number()
    q, page = "/queue", PAGE_TARGET_MS
    return [
        Scenario("baseline", "Baseline: a static page (framework, session, template)", "erik",
                 ["/accessibility"], None),
        Scenario("queue", "Queue, first page", "erik", [q], page),
        Scenario("queue_p200", "Queue, page 200", "erik", [f"{q}?page=200"], page),
        Scenario("queue_sara", "Queue, first page (förvaltning agent)", "sara", [q], page),
        Scenario("queue_lena", "Queue, first page (agent in two groups)", "lena", [q], page),
        Scenario("f_group", "Filter: group", "erik", [f"{q}?group={skolit}"], page),
        Scenario("f_status", "Filter: status (waiting for requester)", "erik", [f"{q}?status=waiting_requester"], page),
        Scenario("f_status_all", "Filter: status (all, incl. closed)", "erik", [f"{q}?status=all"], page),
        Scenario("f_priority", "Filter: priority 2", "erik", [f"{q}?priority=2"], page),
        Scenario("f_assignee", "Filter: assignee", "erik", [f"{q}?assignee={erik}"], page),
        Scenario("f_unassigned", "Filter: unassigned", "erik", [f"{q}?assignee=0"], page),
        Scenario("f_system", "Filter: system", "erik", [f"{q}?system={clients}"], page),
        Scenario("f_department", "Filter: requester's department", "erik", [f"{q}?department={soc}"], page),
        Scenario("search", "Search: common word, open", "erik", [f"{q}?q=skrivaren"], SEARCH_TARGET_MS),
        Scenario("search_all", "Search: common word, all statuses", "erik", [f"{q}?q=skrivaren&status=all"],
                 SEARCH_TARGET_MS),
        Scenario("search_two", "Search: two words, all statuses", "erik",
                 [f"{q}?q=outlook+profil&status=all"], SEARCH_TARGET_MS),
        Scenario("search_rare", "Search: reference number, all statuses", "erik",
                 [f"{q}?q={ref}&status=all"], SEARCH_TARGET_MS),
        Scenario("sort_number", "Queue sorted by number, newest first (with the total count)", "erik",
                 [f"{q}?sort=number&dir=desc"], page),
        Scenario("sort_priority", "Queue sorted by priority (with the total count)", "erik",
                 [f"{q}?sort=priority"], page),
        Scenario("sort_due_desc", "Queue sorted by due time, latest first", "erik", [f"{q}?sort=due&dir=desc"], page),
        Scenario("count_all", "Queue, all statuses, all groups (count capped at 10 000)", "erik",
                 [f"{q}?status=all&scope=all"], page),
        Scenario("sort_all_priority", "All statuses sorted by priority (count capped)", "erik",
                 [f"{q}?status=all&sort=priority"], page),
        Scenario("sort_number_asc", "Queue sorted by number, oldest first", "erik", [f"{q}?sort=number"], page),
        Scenario("sort_priority_desc", "Queue sorted by priority, lowest first", "erik",
                 [f"{q}?sort=priority&dir=desc"], page),
        Scenario("sort_lena_priority", "Queue of two groups sorted by priority", "lena", [f"{q}?sort=priority"], page),
        Scenario("sort_lena_number", "Queue of two groups sorted by number, newest first", "lena",
                 [f"{q}?sort=number&dir=desc"], page),
        Scenario("scope_all", "Queue, open tickets of all groups", "erik", [f"{q}?scope=all"], page),
        Scenario("scope_all_priority", "Open tickets of all groups sorted by priority", "erik",
                 [f"{q}?scope=all&sort=priority"], page),
        Scenario("count_all_number", "All statuses, all groups, sorted by number (count capped)", "erik",
                 [f"{q}?status=all&scope=all&sort=number&dir=desc"], page),
        Scenario("search_rare_open", "Search: reference number, open (with the hints)", "erik",
                 [f"{q}?q={ref}"], SEARCH_TARGET_MS),
        Scenario("ticket", "Ticket page (agent)", "erik", tickets, page),
        Scenario("ticket_requester", "Ticket page (requester)", heavy.username, own, page),
        Scenario("my_tickets", "My tickets (portal start page)", heavy.username, ["/"], page),
    ] + outage_scenarios(Scenario, heavy, page)
