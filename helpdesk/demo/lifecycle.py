"""One synthetic ticket's life: its row, messages and events, as the services would write them.

The steps mirror helpdesk.tickets.services: create_ticket (created, group,
priority), assign (assignee, status new→open), add_reply (reply,
first_response, note, requester_reply and reopening), change_status.
"""

import json
import math

from ..tickets.models import OPEN_STATUSES, Channel, MessageKind, Status, TicketType
from .timeline import DAY, HOUR
from .world import Weighted

TICKET_COLUMNS = (
    "id", "organisation_id", "type", "channel", "subject", "requester_id", "requester_department_id",
    "created_by_id", "system_id", "support_group_id", "assignee_id", "impact", "urgency", "priority",
    "status", "is_open", "is_confidential", "mailbox_id", "created_at", "updated_at", "first_response_at",
    "solved_at", "closed_at", "due_at",
)
MESSAGE_COLUMNS = ("id", "ticket_id", "kind", "channel", "author_id", "body", "email_message_id", "created_at")
EVENT_COLUMNS = ("id", "ticket_id", "at", "actor_id", "kind", "old_value", "new_value", "reason")
PARTICIPANT_COLUMNS = ("ticket_id", "user_id", "role")

# Security incidents are left out: each needs its record in helpdesk.security, which this does not write.
TYPES = Weighted([(TicketType.INCIDENT.value, 70), (TicketType.REQUEST.value, 25),
                  (TicketType.ACCESS_REQUEST.value, 5)])
CONFIDENTIAL_SHARE = 0.004  # tickets marked confidential (personnel matters and the like)
CHANNELS = Weighted([(Channel.WEB.value, 60), (Channel.EMAIL.value, 30), (Channel.PHONE.value, 10)])
IMPACTS = Weighted([(3, 80), (2, 15), (1, 5)])
URGENCIES = Weighted([(3, 50), (2, 35), (1, 15)])
OPEN_MIX = Weighted([(Status.NEW.value, 8), (Status.OPEN.value, 50),
                     (Status.WAITING_REQUESTER.value, 27), (Status.WAITING_SUPPLIER.value, 15)])
RESPONSE_MEAN = {1: 15 * 60, 2: 45 * 60, 3: 3 * HOUR, 4: 8 * HOUR}
RESOLVE_MEAN = {1: 4 * HOUR, 2: 12 * HOUR, 3: 2 * DAY, 4: 4 * DAY}
AUTO_CLOSE = 5 * DAY
OPEN = frozenset(s.value for s in OPEN_STATUSES)
NEW, OPENED, SOLVED, CLOSED = Status.NEW.value, Status.OPEN.value, Status.SOLVED.value, Status.CLOSED.value
WAITING_REQUESTER, WAITING_SUPPLIER = Status.WAITING_REQUESTER.value, Status.WAITING_SUPPLIER.value
REOPENS = frozenset({WAITING_REQUESTER, SOLVED, CLOSED})
PUBLIC, WEB = MessageKind.PUBLIC.value, Channel.WEB.value


class Batch:
    """Rows of one chunk of tickets. Ticket ids are final; message and event ids count from 0
    within the chunk (the writer adds the chunk's offset), so chunks can be made in any process."""

    def __init__(self, ticket_id):
        self.ticket_id = ticket_id
        self.message_id = self.event_id = 0
        self.tickets, self.messages, self.events, self.participants, self.documents = [], [], [], [], []


class Case:
    """The ticket being built: mutable state plus the rows written so far.

    Event rows carry a ninth value: the chunk-local id of the message they name (reply, note,
    first_response, requester_reply), which the writer turns into new_value; else None."""

    __slots__ = ("batch", "stamp", "id", "status", "first_response", "solved", "closed", "updated", "bodies",
                 "changes")

    def __init__(self, batch, stamp, ticket_id):
        self.batch, self.stamp, self.id = batch, stamp, ticket_id
        self.status = NEW
        self.first_response = self.solved = self.closed = None
        self.updated = 0
        self.bodies = []
        self.changes = []  # (epoch seconds, new status): what the SLA clocks are computed from

    def event(self, at, actor, kind, old=None, new=None, reason=None, ref=None):
        b = self.batch
        b.events.append((b.event_id, self.id, self.stamp(at), actor, kind, old, new, reason, ref))
        b.event_id += 1
        self.updated = max(self.updated, at)

    def message(self, at, author, kind, channel, body, email_id=None) -> int:
        """Adds the message; returns its chunk-local id."""
        b = self.batch
        message_id = b.message_id
        b.messages.append((message_id, self.id, kind, channel, author, body, email_id, self.stamp(at)))
        b.message_id += 1
        self.bodies.append(body)
        self.updated = max(self.updated, at)
        return message_id

    def set_status(self, at, actor, status, reason=None):
        self.event(at, actor, "status", self.status, status, reason)
        self.changes.append((at, status))
        self.status = status
        if status == SOLVED:
            self.solved = at
        elif status == CLOSED:
            self.closed = at
        else:
            self.solved = self.closed = None

    def staff_reply(self, at, agent, body):
        message_id = self.message(at, agent, PUBLIC, WEB, body)
        self.event(at, agent, "reply", ref=message_id)
        if self.first_response is None:
            self.first_response = at
            self.event(at, agent, "first_response", ref=message_id)

    def requester_reply(self, at, requester, body, channel):
        message_id = self.message(at, requester, PUBLIC, channel, body)
        self.event(at, requester, "requester_reply", ref=message_id)
        if self.status in REOPENS:
            self.set_status(at, requester, OPENED, "requester_reply")


def spread(rng, mean: float) -> int:
    """A positive duration around mean (exponential, at least a minute)."""
    return 60 + int(rng.expovariate(1.0) * mean)


def route_reasons(world) -> dict:
    """The JSON reason of the routing event, per system id (None: the service desk)."""
    reasons = {None: json.dumps({"by": "service_desk", "id": world.desk_id, "name": world.desk_name},
                                ensure_ascii=False)}
    for s in world.systems:
        reasons[s.id] = json.dumps({"by": "system", "id": s.id, "name": s.name}, ensure_ascii=False) \
            if s.routed_by_system else reasons[None]
    return reasons


def open_probability(age: float) -> float:
    """Share of tickets of this age (seconds) still open: most recent ones, few old ones."""
    return 0.9 * math.exp(-age / (30 * DAY)) + 0.015


def plan(rng, target, priority):
    """(offset seconds, action) steps from creation to the target status, in order."""
    t = spread(rng, RESPONSE_MEAN[priority])
    steps = [(t, "claim")]
    if target == OPENED and rng.random() < 0.5:
        steps.append((t + spread(rng, HOUR), "note"))
        return steps
    if target == WAITING_SUPPLIER:
        steps.append((t + spread(rng, HOUR), "supplier"))
        return steps
    if rng.random() < 0.2:
        t += spread(rng, HOUR)
        steps.append((t, "note"))
    if target in (WAITING_REQUESTER, OPENED) or rng.random() < 0.45:
        t += spread(rng, 20 * 60)
        steps.append((t, "question"))
        if target == WAITING_REQUESTER:
            return steps
        t += spread(rng, 4 * HOUR)
        steps.append((t, "requester"))
        if target == OPENED:
            return steps
    t += spread(rng, RESOLVE_MEAN[priority])
    steps.append((t, "answer"))
    return steps
