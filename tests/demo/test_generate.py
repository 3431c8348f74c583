"""`helpdesk generate`: many consistent synthetic tickets, written in bulk."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from helpdesk.auth.models import User
from helpdesk.catalogue.models import System
from helpdesk.demo.generate import generate
from helpdesk.extensions import db
from helpdesk.org.models import GroupMember, SupportGroup
from helpdesk.tickets.models import OPEN_STATUSES, Message, Status, Ticket, TicketEvent
from helpdesk.tickets.search import matching_ticket_ids
from helpdesk.sla.services import NO_DEADLINE
from helpdesk.tickets.services import priority_for

COUNT = 300


@pytest.fixture
def generated(clock):
    """Generate COUNT tickets in small batches; the tickets' ids and the run's summary."""
    first = db.session.scalar(sa.select(sa.func.max(Ticket.id))) + 1
    stats = generate(COUNT, batch_size=120)
    tickets = db.session.scalars(sa.select(Ticket).where(Ticket.id >= first).order_by(Ticket.id)).all()
    return tickets, stats


def test_writes_the_counts_it_reports(generated):
    tickets, stats = generated
    ids = [t.id for t in tickets]
    assert len(tickets) == stats["tickets"] == COUNT
    count = sa.select(sa.func.count())
    messages = db.session.scalar(count.select_from(Message).where(Message.ticket_id.in_(ids)))
    events = db.session.scalar(count.select_from(TicketEvent).where(TicketEvent.ticket_id.in_(ids)))
    assert messages == stats["messages"]
    assert events == stats["events"]
    assert 2 * COUNT < messages < 5 * COUNT
    assert stats["users"] >= 500
    assert stats["seconds"] > 0


def test_status_fields_agree(generated):
    tickets, _ = generated
    for t in tickets:
        assert t.is_open == (t.status in OPEN_STATUSES)
        assert (t.solved_at is not None) == (t.status in (Status.SOLVED, Status.CLOSED))
        assert (t.closed_at is not None) == (t.status == Status.CLOSED)
        assert t.created_at <= t.updated_at
        if t.first_response_at:
            assert t.first_response_at >= t.created_at
        if t.closed_at:
            assert t.created_at <= t.solved_at <= t.closed_at == t.updated_at
        assert t.type in {"incident", "request", "access_request"}  # security incidents need their record
    closed = sum(t.status == Status.CLOSED for t in tickets)
    assert closed > COUNT * 0.8
    assert 0 < sum(t.is_open for t in tickets) < COUNT * 0.15


def test_times_follow_the_clock_and_priority_rules(generated, clock):
    tickets, _ = generated
    now = clock.now()
    for t in tickets:
        assert now - timedelta(days=3 * 366) <= t.created_at <= t.updated_at <= now
        assert t.priority == priority_for(t.impact, t.urgency)
        # Closed tickets have no running clock; open ones are due after they were reported.
        assert t.due_at == NO_DEADLINE if not t.is_open else t.due_at > t.created_at
    assert tickets == sorted(tickets, key=lambda t: t.created_at)


def test_routing_and_assignment_follow_the_catalogue(generated):
    tickets, _ = generated
    desk = db.session.scalar(sa.select(SupportGroup).where(SupportGroup.is_service_desk))
    system_groups = dict(db.session.execute(sa.select(System.id, System.support_group_id)).all())
    members = set(db.session.execute(sa.select(GroupMember.group_id, GroupMember.user_id)).all())
    without_system = 0
    for t in tickets:
        assert t.support_group_id == (system_groups[t.system_id] if t.system_id else desk.id)
        without_system += t.system_id is None
        if t.status == Status.NEW:
            assert t.assignee_id is None
        else:
            assert (t.support_group_id, t.assignee_id) in members
    assert COUNT * 0.08 < without_system < COUNT * 0.35


def test_each_ticket_has_messages_and_a_consistent_history(generated):
    tickets, _ = generated
    for t in tickets:
        assert t.messages, t.id
        assert t.messages[0].created_at == t.created_at
        kinds = [e.kind for e in t.events]
        assert kinds[:3] == ["created", "group", "priority"]
        reason = json.loads(t.events[1].reason)
        assert reason["by"] == ("system" if t.system_id else "service_desk")
        assert t.events[1].new_value == str(t.support_group_id)
        statuses = [e for e in t.events if e.kind == "status"]
        assert (statuses[-1].new_value if statuses else Status.NEW) == t.status
        for before, after in zip(statuses, statuses[1:]):
            assert before.new_value == after.old_value
        replies = {e.new_value for e in t.events if e.kind in ("reply", "note", "requester_reply")}
        assert replies == {str(m.id) for m in t.messages[1:]}
        assert [e.at for e in t.events] == sorted(e.at for e in t.events)


def test_employees_are_added_without_passwords(generated):
    _, stats = generated
    newest = db.session.scalars(sa.select(User).order_by(User.id.desc()).limit(stats["users"])).all()
    assert all(u.password_hash is None and not u.is_contact and u.department_id for u in newest)
    assert len({u.username for u in newest}) == len(newest)


def test_search_finds_generated_words(generated):
    tickets, _ = generated
    ticket = next(t for t in reversed(tickets) if len(t.messages) > 1)
    word = max(ticket.messages[0].body.split(), key=len).strip(".,!?:'")
    found = set(db.session.scalars(matching_ticket_ids(word)))
    assert ticket.id in found
    assert set(db.session.scalars(matching_ticket_ids(ticket.subject))) >= {ticket.id}


def test_generated_ticket_shows_on_the_command_line(generated, runner):
    tickets, _ = generated
    ticket = tickets[len(tickets) // 2]
    result = runner.invoke(args=["tickets", "show", str(ticket.id), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["number"] == ticket.id
    assert data["messages"] and data["events"][0]["kind"] == "created"


def test_refuses_without_a_service_desk(clock):
    db.session.execute(sa.update(SupportGroup).values(is_active=False))
    with pytest.raises(LookupError, match="seed-demo"):
        generate(10)


def test_generated_tickets_have_a_consistent_sla_cache(session, clock):
    from helpdesk.demo.generate import generate
    from helpdesk.sla.recompute import recompute

    generate(120)
    assert recompute(now=clock.now(), check=True)["differences"] == 0
