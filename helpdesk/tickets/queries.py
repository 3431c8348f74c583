"""Read side of tickets: visibility scoping, the queue, my tickets, the ticket page."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..auth.permissions import reach_of
from ..database import built_once
from ..extensions import db
from .models import OPEN_STATUSES, PUBLIC_KINDS, Message, Ticket, TicketEvent, TicketParticipant


def people(relationship):
    """Join a user relationship; their roles (eager by default) only if something asks for them."""
    return joinedload(relationship).lazyload(User.role_rows)


def followed_by(user_id):
    """The tickets the user (an id or a bind parameter) is a participant of that count
    (auth.permissions.parties_of): only as a worker on a confidential ticket."""
    mine = TicketParticipant.user_id == user_id
    return sa.and_(
        Ticket.id.in_(sa.select(TicketParticipant.ticket_id).where(mine)),
        sa.or_(~Ticket.is_confidential,
               Ticket.id.in_(sa.select(TicketParticipant.ticket_id).where(mine, TicketParticipant.role == "worker"))),
    )


def visible_tickets(user):
    """A WHERE clause selecting exactly the tickets `can(user, TICKET_VIEW, t)` allows."""
    values = visibility_values(user)
    return _visibility(visibility_shape(values), values["user_id"], values["visible_groups"],
                       values["visible_systems"])


def visibility_values(user) -> dict:
    """What visible_tickets(user) depends on, as bind parameter values (see visible_tickets_clause)."""
    reach = reach_of(user)
    return {"security": reach.is_security, "all_open": reach.sees_all_open_cases, "user_id": user.id,
            "visible_groups": sorted(reach.group_ids | reach.area_group_ids),
            "visible_systems": sorted(reach.admin_system_ids | reach.owned_system_ids | reach.area_system_ids)}


def visibility_shape(values) -> tuple:
    """The form of the clause for these values: statements built once are built once per form."""
    return (values["security"], values["all_open"], bool(values["visible_groups"]), bool(values["visible_systems"]))


def visible_tickets_clause(shape):
    """visible_tickets with bind parameters (user_id, visible_groups, visible_systems) for a statement
    built once: pass visibility_values(user) when running it."""
    return _visibility(shape, sa.bindparam("user_id"), sa.bindparam("visible_groups", expanding=True),
                       sa.bindparam("visible_systems", expanding=True))


def _visibility(shape, user_id, groups, systems):
    security, all_open, has_groups, has_systems = shape
    if security:
        return sa.true()
    own = [
        Ticket.requester_id == user_id,
        Ticket.assignee_id == user_id,
        followed_by(user_id),
    ]
    if all_open:
        return sa.or_(~Ticket.is_confidential, *own)
    duty = []
    if has_groups:
        duty.append(Ticket.support_group_id.in_(groups))
    if has_systems:
        duty.append(Ticket.system_id.in_(systems))
    if duty:
        own.append(sa.and_(~Ticket.is_confidential, sa.or_(*duty)))
    return sa.or_(*own)


@dataclass
class QueueFilter:
    group_id: int | None = None
    status: str | None = None  # None or "all_open": every open status; "open": Pågående only
    priority: int | None = None
    assignee_id: int | None = None  # 0: unassigned
    system_id: int | None = None
    department_id: int | None = None
    text: str = ""
    mine_only_groups: tuple = ()  # the groups a plain agent's queue is limited to
    sort: str | None = None  # a key of SORTS; None: due time (newest first for a text search)
    descending: bool = False


def queue_query(user, flt: QueueFilter):
    """SELECT Ticket.id of the tickets the filter finds (unsorted)."""
    from .search import many_matches, matches, words

    sqlite = db.engine.dialect.name == "sqlite"
    all_open = flt.status in (None, "", "all_open")
    query = sa.select(Ticket.id).where(visible_tickets(user))
    # SQLite's planner may take the group's index where the filter's own (over open tickets, carrying
    # the group too) finds far fewer rows; `column + 0` tells it not to use an index on that column.
    narrower = sqlite and all_open and (flt.assignee_id is not None or flt.system_id or flt.department_id)
    group = Ticket.support_group_id + 0 if narrower else Ticket.support_group_id
    if flt.group_id:
        query = query.where(group == flt.group_id)
    elif flt.mine_only_groups:
        query = query.where(group.in_(flt.mine_only_groups))
    if all_open:
        query = query.where(Ticket.is_open)
    elif flt.status != "all":
        query = query.where(Ticket.status == flt.status)
    if flt.priority:
        query = query.where(Ticket.priority == flt.priority)
    if flt.assignee_id == 0:
        query = query.where(Ticket.assignee_id.is_(None))
    elif flt.assignee_id:
        query = query.where(Ticket.assignee_id == flt.assignee_id)
    if flt.system_id:
        query = query.where(Ticket.system_id == flt.system_id)
    if flt.department_id:
        query = query.where(Ticket.requester_department_id == flt.department_id)
    if words(flt.text):  # punctuation alone searches nothing
        # A common word is in a tenth of all tickets: among open ones (a few percent of all) walk
        # the queue's index and look each one up in the list of matches, instead of looking every
        # match up in the ticket table (on SQLite, which takes the IN list first unless told).
        open_only = all_open or flt.status in OPEN_STATUSES
        walk_index = sqlite and open_only and many_matches(flt.text)
        query = query.where((Ticket.id + 0 if walk_index else Ticket.id).in_(matches(flt.text)))
    return query


# The queue's sortable columns: each order is served by an index of the open tickets.
SORTS = {
    "due": (Ticket.due_at, Ticket.id),
    "number": (Ticket.id,),
    "priority": (Ticket.priority, Ticket.due_at, Ticket.id),
}


def queue_order(flt: QueueFilter):
    from .search import words

    if flt.sort is None and words(flt.text):
        return (Ticket.id.desc(),)  # a text search lists the newest first unless asked otherwise
    columns = SORTS.get(flt.sort or "due", SORTS["due"])
    return tuple(c.desc() for c in columns) if flt.descending else columns


def queue_page(user, flt: QueueFilter, page: int, page_size: int):
    """One page of the queue, sorted by due time (or the chosen column), and whether another page follows."""
    query = queue_query(user, flt)
    order = queue_order(flt)
    # Find the page's ids first, from the indexes alone (even page 200 skips only index
    # entries); then load just those rows with the names the queue shows.
    ids = query.order_by(*order).offset((page - 1) * page_size).limit(page_size + 1).subquery("page")
    query = (
        sa.select(Ticket).join(ids, ids.c.id == Ticket.id)
        .order_by(*order)
        .options(
            people(Ticket.requester), people(Ticket.assignee),
            joinedload(Ticket.support_group), joinedload(Ticket.system),
        )
    )
    rows = db.session.scalars(query).unique().all()
    return rows[:page_size], len(rows) > page_size


def my_tickets(user, *, open_only: bool, limit: int = 50):
    """The requester's own tickets and those they follow, newest first."""
    state = Ticket.is_open if open_only else ~Ticket.is_open
    # The newest of each kind separately, each through its own index, then the newest of both:
    # one OR over both made PostgreSQL walk the whole ticket table backwards for a busy requester.
    own = (sa.select(Ticket.id).where(Ticket.requester_id == user.id, state)
           .order_by(Ticket.id.desc()).limit(limit).subquery())
    followed = (sa.select(Ticket.id).join(TicketParticipant, TicketParticipant.ticket_id == Ticket.id)
                .where(TicketParticipant.user_id == user.id, state,
                       sa.or_(~Ticket.is_confidential, TicketParticipant.role == "worker"))
                .order_by(Ticket.id.desc()).limit(limit).subquery())
    ids = sa.union(sa.select(own.c.id), sa.select(followed.c.id)).subquery()
    query = (
        sa.select(Ticket).where(Ticket.id.in_(sa.select(ids.c.id)))
        .order_by(Ticket.id.desc()).limit(limit)
        .options(joinedload(Ticket.system))
    )
    return db.session.scalars(query).all()


def load_ticket(number: int):
    """A ticket with what its page shows, or None."""
    return db.session.scalar(_ticket_query(), {"number": number})


@built_once
def _ticket_query():
    return sa.select(Ticket).where(Ticket.id == sa.bindparam("number")).options(
        people(Ticket.requester), people(Ticket.assignee),
        joinedload(Ticket.support_group), joinedload(Ticket.system),
        joinedload(Ticket.participants),  # in the same round trip: the ticket page makes many
    )


def conversation(ticket, *, internal: bool):
    """The ticket's messages in order, internal notes only for staff."""
    return db.session.scalars(_conversation_query(internal), {"ticket_id": ticket.id}).unique().all()


@built_once
def _conversation_query(internal: bool):
    query = (
        sa.select(Message).where(Message.ticket_id == sa.bindparam("ticket_id"))
        .options(people(Message.author), joinedload(Message.attachments))
        .order_by(Message.id)
    )
    return query if internal else query.where(Message.kind.in_(PUBLIC_KINDS))


def history(ticket):
    """All events of a ticket, oldest first."""
    return db.session.scalars(_history_query(), {"ticket_id": ticket.id}).all()


@built_once
def _history_query():
    return (sa.select(TicketEvent).where(TicketEvent.ticket_id == sa.bindparam("ticket_id"))
            .options(people(TicketEvent.actor)).order_by(TicketEvent.id))
