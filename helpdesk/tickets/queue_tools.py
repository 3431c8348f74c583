"""The queue's additions: a capped total count, flags, ticket-number search, wider matches and saved views.

The total is counted up to COUNT_CAP rows and no further: counting every row the
filter finds would read the whole index of a big filter (at a million tickets,
every open ticket of a large group or every closed one) on every page view,
whereas the capped count reads at most COUNT_CAP index entries. Past the cap the
queue says "fler än 10 000", which is all an agent needs to know.
"""

import re
from dataclasses import replace
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import InvalidField
from ..extensions import db
from .models import Status, Ticket, TicketEvent
from .queries import queue_query

COUNT_CAP = 10_000
NUMBER = re.compile(r"^\s*#?\s*(\d{1,9})\s*$")
MIXED_NUMBER = re.compile(r"#(\d{1,9})\b")
AGENT_ACTIONS = ("reply", "note", "status", "assignee", "group", "priority", "system")


def capped_count(query) -> tuple[int, bool]:
    """(count, whether there are more than COUNT_CAP) of a SELECT of ids."""
    limited = query.limit(COUNT_CAP + 1).subquery()
    found = db.session.scalar(sa.select(sa.func.count()).select_from(limited))
    return min(found, COUNT_CAP), found > COUNT_CAP


def number_in(text: str) -> int | None:
    """The ticket number a search names on its own ("2750" or "#2750")."""
    match = NUMBER.match(text or "")
    return int(match.group(1)) if match else None


def numbers_mentioned(text: str) -> list[int]:
    """Ticket numbers written as #N inside a longer search."""
    return [int(n) for n in MIXED_NUMBER.findall(text or "")]


def also_matching(user, flt) -> dict:
    """Whether a text search also finds closed tickets ("closed") or other groups' ("groups"), for links.

    Only whether one exists is asked (the first such row): counting them ran the search up to
    COUNT_CAP rows three more times on every page of a search.
    """
    from .search import words

    if not words(flt.text):
        return {}
    more = {}
    if flt.status in (None, "", "all_open"):
        more["closed"] = _exists(queue_query(user, replace(flt, status="all")).where(~Ticket.is_open))
    if flt.mine_only_groups and not flt.group_id:
        others = queue_query(user, replace(flt, mine_only_groups=()))
        more["groups"] = _exists(others.where(Ticket.support_group_id.not_in(flt.mine_only_groups)))
    return {key: True for key, found in more.items() if found}


def count_and_hints(user, flt) -> tuple[int, bool, dict]:
    """capped_count() and also_matching() of one queue page, in fewer passes over a search's matches.

    A text search among open tickets, limited to the agent's own groups, needs the count of its
    own groups' matches and whether another group's ticket matches: both walk the same open
    tickets (a common word's through the index of all open tickets), so one statement walks them
    once and counts both sides. The filter, visibility and hints are those of the separate
    functions (tests/tickets/test_queue_order.py holds them equal).
    """
    from .search import words

    if not (words(flt.text) and flt.mine_only_groups and not flt.group_id and flt.status in (None, "", "all_open")):
        total, more_than = capped_count(queue_query(user, flt))
        return total, more_than, also_matching(user, flt)
    wide = queue_query(user, replace(flt, mine_only_groups=())).add_columns(
        Ticket.support_group_id.in_(flt.mine_only_groups).label("own")).subquery()
    own, others = db.session.execute(sa.select(
        sa.func.count().filter(wide.c.own), sa.func.count().filter(~wide.c.own))).one()
    more = {"closed": _exists(queue_query(user, replace(flt, status="all")).where(~Ticket.is_open)),
            "groups": others > 0}
    return min(own, COUNT_CAP), own > COUNT_CAP, {key: True for key, found in more.items() if found}


def _exists(query) -> bool:
    return db.session.scalar(query.limit(1)) is not None


def flags(tickets) -> dict[int, str]:
    """Per ticket on the page: "replied" when the requester wrote since the last agent action,
    "supplier_reply" when that happened while the ticket waits for a supplier."""
    ids = [t.id for t in tickets]
    if not ids:
        return {}
    last_reply = dict(db.session.execute(
        sa.select(TicketEvent.ticket_id, sa.func.max(TicketEvent.id))
        .where(TicketEvent.ticket_id.in_(ids), TicketEvent.kind == "requester_reply")
        .group_by(TicketEvent.ticket_id)).all())
    if not last_reply:
        return {}
    requesters = {t.id: t.requester_id for t in tickets}
    last_action = dict(db.session.execute(
        sa.select(TicketEvent.ticket_id, sa.func.max(TicketEvent.id))
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.ticket_id.in_(list(last_reply)), TicketEvent.kind.in_(AGENT_ACTIONS),
               TicketEvent.actor_id.is_not(None), TicketEvent.actor_id != Ticket.requester_id)
        .group_by(TicketEvent.ticket_id)).all())
    out = {}
    for t in tickets:
        reply = last_reply.get(t.id)
        if reply and reply > (last_action.get(t.id) or 0) and requesters[t.id]:
            out[t.id] = "supplier_reply" if t.status == Status.WAITING_SUPPLIER else "replied"
    return out


# Saved views ---------------------------------------------------------------------------------

VIEW_KEYS = ("q", "scope", "group", "status", "priority", "assignee", "system", "department", "sort", "dir")


def view_query(args) -> str:
    """The filters and sort of a queue request, url-encoded, without paging."""
    return urlencode([(k, args.get(k)) for k in VIEW_KEYS if args.get(k)])


def save_view(user, name: str, query: str, *, now):
    from ..replies.models import SavedQueueView

    name = (name or "").strip()[:80]
    if not name:
        raise InvalidField("name", _("Ge vyn ett namn."))
    view = db.session.scalar(sa.select(SavedQueueView).where(SavedQueueView.user_id == user.id,
                                                             SavedQueueView.name == name))
    if view is None:
        view = SavedQueueView(user_id=user.id, name=name, created_at=now, query=query)
        db.session.add(view)
    view.query = query[:1000]
    db.session.flush()
    return view


def views_of(user):
    from ..replies.models import SavedQueueView

    return list(db.session.scalars(sa.select(SavedQueueView).where(SavedQueueView.user_id == user.id)
                                   .order_by(SavedQueueView.name)))


def delete_view(user, view_id: int) -> bool:
    from ..replies.models import SavedQueueView

    view = db.session.get(SavedQueueView, view_id)
    if view is None or view.user_id != user.id:
        return False
    db.session.delete(view)
    db.session.flush()
    return True
