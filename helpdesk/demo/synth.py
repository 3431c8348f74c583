"""Drawing one synthetic ticket and playing its life through to now."""

import json

from ..tickets.models import Channel, MessageKind
from . import phrases, texts
from .lifecycle import (
    AUTO_CLOSE, CHANNELS, CLOSED, CONFIDENTIAL_SHARE, IMPACTS, NEW, OPEN, OPEN_MIX, OPENED, PUBLIC, SOLVED, TYPES,
    URGENCIES, WAITING_REQUESTER, WAITING_SUPPLIER, WEB, Case, open_probability, plan, route_reasons, spread,
)
from ..sla.facts import CACHE_COLUMNS
from .timeline import HOUR, db_value, utc

PHONE, EMAIL = Channel.PHONE.value, Channel.EMAIL.value
INTERNAL = MessageKind.INTERNAL.value


class Draw:
    """What was drawn for one ticket before its life is played."""

    __slots__ = ("requester", "first_name", "full_name", "department", "system_id", "group_id", "group",
                 "subject", "issue", "answers", "agent", "agent_name", "type", "confidential", "channel",
                 "creator", "impact", "urgency", "priority")


class TicketMaker:
    """Adds tickets to a Batch; priorities and due times follow the app's configuration."""

    def __init__(self, world, rng, *, now, priorities, due_seconds, stamp, resolver=None):
        self.world, self.rng, self.now, self.stamp = world, rng, now, stamp
        self.resolver = resolver  # sla.facts.Resolver: the row gets its SLA cache (CACHE_COLUMNS) too
        self.priorities = priorities  # (impact, urgency) -> priority
        self.due_seconds = due_seconds  # priority -> seconds
        self.reasons = route_reasons(world)
        self.desk_members = world.members.get(world.desk_id) or []

    def add(self, batch, t0: int) -> None:
        """One ticket created at t0 (epoch seconds) with everything that happened to it since."""
        d = self._draw()
        case = Case(batch, self.stamp, batch.ticket_id)
        batch.ticket_id += 1
        self._create(case, d, t0)
        if d.agent is not None:  # a group without members keeps its tickets new
            self._live(case, d, t0)
        row = self._row(case, d, t0)
        if self.resolver is not None:
            row = row[:-1] + self._sla(case, d, t0, row[1])
        batch.tickets.append(row)
        batch.documents.append((case.id, d.subject, "\n".join(case.bodies)))
        colleagues = self.world.colleagues.get(d.department, ())
        if len(colleagues) > 1 and self.rng.random() < 0.02:
            cc = self.rng.choice(colleagues)
            if cc != d.requester:
                batch.participants.append((case.id, cc, "cc"))

    def _draw(self) -> Draw:
        rng, world, d = self.rng, self.world, Draw()
        d.requester = world.all_requesters.pick(rng)
        d.first_name, d.full_name, d.department = world.people[d.requester]
        system = world.system_choice[d.department].pick(rng)
        if system is None:
            (d.subject, d.issue), d.answers = rng.choice(phrases.NO_SYSTEM), phrases.NO_SYSTEM_ANSWERS
            d.group_id, d.system_id = world.desk_id, None
        else:
            (d.subject, d.issue), d.answers = rng.choice(system.issues), system.answers
            d.group_id, d.system_id = system.group_id, system.id
        d.group = world.group_names[d.group_id]
        members = world.members.get(d.group_id) or []
        d.agent = rng.choice(members) if members else None
        d.agent_name = world.people.get(d.agent, ("",))[0]
        d.type = TYPES.pick(rng)
        d.confidential = int(rng.random() < CONFIDENTIAL_SHARE)
        d.channel, d.creator = CHANNELS.pick(rng), d.requester
        if d.channel == PHONE:  # logged by someone at the service desk
            logger = rng.choice(self.desk_members) if self.desk_members else None
            d.channel, d.creator = (PHONE, logger) if logger else (WEB, d.requester)
        d.impact, d.urgency = IMPACTS.pick(rng), URGENCIES.pick(rng)
        d.priority = self.priorities[d.impact, d.urgency]
        return d

    def _create(self, case, d, t0) -> None:
        """As create_ticket: created, routed, prioritised, and the first message."""
        rng = self.rng
        case.event(t0, d.creator, "created", new=d.channel)
        case.event(t0, d.creator, "group", new=str(d.group_id), reason=self.reasons[d.system_id])
        case.event(t0, d.creator, "priority", new=str(d.priority),
                   reason=json.dumps({"impact": d.impact, "urgency": d.urgency}))
        if d.channel == PHONE:
            case.message(t0, d.creator, PHONE, PHONE, texts.phone_note(rng, d.issue, caller=d.full_name))
            case.first_response = t0  # a call answered by staff is the first response
        else:
            body = texts.description(rng, d.issue, first_name=d.first_name, impact=d.impact, urgency=d.urgency)
            email_id = f"<{rng.getrandbits(64):016x}@exempelby.se>" if d.channel == EMAIL else None
            case.message(t0, d.requester, PUBLIC, d.channel, body, email_id)

    def _row(self, case, d, t0) -> tuple:
        """The ticket row, in TICKET_COLUMNS order."""
        stamp, world = self.stamp, self.world
        return (
            case.id, world.departments[d.department][0], d.type, d.channel, d.subject, d.requester,
            d.department, d.creator, d.system_id, d.group_id, None if case.status == NEW else d.agent,
            d.impact, d.urgency, d.priority, case.status, int(case.status in OPEN), d.confidential,
            world.mailbox_id if d.channel == EMAIL else None, stamp(t0), stamp(case.updated),
            stamp(case.first_response), stamp(case.solved), stamp(case.closed),
            stamp(t0 + self.due_seconds[d.priority]),
        )

    def _sla(self, case, d, t0, organisation_id) -> tuple:
        """The SLA cache, derived from the history just played as recompute derives it from the rows."""
        fields = self.resolver.fields(
            system_id=d.system_id, organisation_id=organisation_id, priority=d.priority,
            created_at=utc(t0), changes=[(utc(at), status) for at, status in case.changes],
            first_response_at=utc(case.first_response) if case.first_response is not None else None, type=d.type)
        return tuple(db_value(fields[c]) for c in CACHE_COLUMNS)

    def _live(self, case, d, t0):
        """Play the ticket's handling from creation until it is closed or now."""
        rng = self.rng
        age = self.now - t0
        if rng.random() < open_probability(age):
            target = NEW if age < 2 * HOUR and rng.random() < 0.7 else OPEN_MIX.pick(rng)
        else:
            target = CLOSED
        if target == NEW:
            return
        steps = plan(rng, target, d.priority)
        # Squeeze the plan into the time there has been; the last step lands before now.
        last = steps[-1][0]
        room = max(age - 60, 0)
        scale = min(1.0, room / last) if last else 1.0
        for offset, action in steps:
            self._do(case, d, t0 + int(offset * scale), action)
        if case.status == SOLVED:
            self._close(case, d)

    def _do(self, case, who, at, action):
        """One step of the handling, written as the services would."""
        rng = self.rng
        if action == "claim":
            case.event(at, who.agent, "assignee", None, str(who.agent))
            case.set_status(at, who.agent, OPENED)
        elif action == "question":
            case.staff_reply(at, who.agent, texts.agent_reply(rng, to=who.first_name, agent=who.agent_name,
                                                              group=who.group))
            case.set_status(at, who.agent, WAITING_REQUESTER)
        elif action == "answer":
            answer = rng.choice(who.answers)
            case.staff_reply(at, who.agent, texts.agent_reply(rng, to=who.first_name, agent=who.agent_name,
                                                              group=who.group, answer=answer))
            case.set_status(at, who.agent, SOLVED)
        elif action == "requester":
            channel = EMAIL if who.channel == EMAIL else WEB
            case.requester_reply(at, who.requester, texts.requester_reply(rng, first_name=who.first_name), channel)
        elif action == "note":
            message_id = case.message(at, who.agent, INTERNAL, WEB, texts.internal_note(rng))
            case.event(at, who.agent, "note", ref=message_id)
        elif action == "supplier":
            message_id = case.message(at, who.agent, INTERNAL, WEB,
                                      texts.internal_note(rng, escalated=True))
            case.event(at, who.agent, "note", ref=message_id)
            case.staff_reply(at, who.agent, texts.supplier_reply(rng, to=who.first_name, agent=who.agent_name,
                                                                 group=who.group))
            case.set_status(at, who.agent, WAITING_SUPPLIER)

    def _close(self, case, who):
        """Solved tickets close when the requester confirms, or automatically after five days."""
        if self.rng.random() < 0.3:
            at, actor, reason = case.solved + spread(self.rng, 6 * HOUR), who.requester, "requester_confirmed"
        else:
            at, actor, reason = case.solved + AUTO_CLOSE, None, "auto_closed"
        if at <= self.now:
            case.set_status(at, actor, CLOSED, reason)
