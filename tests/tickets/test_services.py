"""Ticket business rules: routing on creation, workflow, replies, assignment, merge."""

import json

import pytest

from helpdesk.errors import DomainError, InvalidTransition
from helpdesk.tickets import services
from helpdesk.tickets.models import Channel, MessageKind, Status, TicketType
from tests import factories as f


def events(ticket, kind):
    return [e for e in ticket.events if e.kind == kind]


def test_ticket_on_department_system_goes_to_its_support_group(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="Verksamhetssystem socialtjänst")
    assert t.support_group.name == "Verksamhetssystem Socialförvaltningen"
    routed = events(t, "group")[0]
    assert json.loads(routed.reason) == {"by": "system", "id": t.system_id, "name": "Verksamhetssystem socialtjänst"}


def test_ticket_on_common_system_goes_to_service_desk(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    assert t.support_group.name == "Servicedesk"


def test_keyword_rule_routes_ticket_without_system(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), subject="Fel på lönespecen", body="OB saknas")
    assert t.support_group.name == "Ekonomi- och lönesystem"
    assert json.loads(events(t, "group")[0].reason)["by"] == "rule"


def test_keyword_rule_matches_word_starts_only(users, clock):
    # "lön" must not match inside "fölön"-like words; "Salong" has no keyword at all.
    t = f.ticket(users["anna"], now=clock.now(), subject="Salongen har ingen ström", body="Inget fungerar")
    assert t.support_group.name == "Servicedesk"
    assert json.loads(events(t, "group")[0].reason)["by"] == "service_desk"


def test_requester_department_rule(users, clock, session):
    from helpdesk.auth.services import create_user
    from helpdesk.org.models import Department
    import sqlalchemy as sa

    dept = session.scalar(sa.select(Department).where(Department.name == "Exempelby Bostäder AB"))
    tenant_staff = create_user(username="bostad1", full_name="Kim Bo", department=dept, actor=None, now=clock.now())
    t = f.ticket(tenant_staff, now=clock.now(), subject="Datorn är trög")
    assert t.support_group.name == "Bostäder IT"


def test_new_ticket_gets_priority_from_impact_and_urgency(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), impact=1, urgency=1)
    assert t.priority == 1
    assert f.ticket(users["anna"], now=clock.now(), impact=3, urgency=3).priority == 4


def test_new_ticket_is_new_open_and_searchable(users, clock, session):
    from helpdesk.tickets.search import matching_ticket_ids

    t = f.ticket(users["anna"], now=clock.now(), subject="Skärmen flimrar", body="Bildskärmen blinkar hela tiden")
    assert t.status == Status.NEW and t.is_open
    found = session.scalars(matching_ticket_ids("bildskärm")).all()
    assert t.id in found


def test_security_incident_is_confidential(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), type=TicketType.SECURITY_INCIDENT)
    assert t.is_confidential


def test_first_staff_reply_sets_first_response_and_opens(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    services.add_reply(t, body="Vi tittar på det", actor=users["erik"], now=f.later(clock.now(), minutes=5), staff=True)
    assert t.first_response_at == f.later(clock.now(), minutes=5)
    assert t.status == Status.OPEN
    services.add_reply(t, body="Mer", actor=users["erik"], now=f.later(clock.now(), minutes=9), staff=True)
    assert t.first_response_at == f.later(clock.now(), minutes=5)


def test_internal_note_is_not_a_first_response(users, clock):
    t = f.ticket(users["anna"], now=clock.now())
    services.add_reply(t, body="Intern", actor=users["erik"], now=clock.now(), kind=MessageKind.INTERNAL, staff=True)
    assert t.first_response_at is None


def test_requester_cannot_write_internal_note(users, clock):
    t = f.ticket(users["anna"], now=clock.now())
    with pytest.raises(DomainError):
        services.add_reply(t, body="x", actor=users["anna"], now=clock.now(), kind=MessageKind.INTERNAL, staff=False)


def test_requester_reply_resumes_ticket_waiting_for_requester(users, clock):
    t = f.ticket(users["anna"], now=clock.now())
    services.change_status(t, Status.WAITING_REQUESTER, actor=users["erik"], now=clock.now())
    services.add_reply(t, body="Här är svaret", actor=users["anna"], now=clock.now(), staff=False)
    assert t.status == Status.OPEN
    assert events(t, "status")[-1].reason == "requester_reply"


def test_empty_reply_is_refused(users, clock):
    t = f.ticket(users["anna"], now=clock.now())
    with pytest.raises(DomainError):
        services.add_reply(t, body="   ", actor=users["erik"], now=clock.now(), staff=True)


def test_workflow_refuses_transition_not_in_table(users, clock):
    t = f.ticket(users["anna"], now=clock.now())
    services.change_status(t, Status.SOLVED, actor=users["erik"], now=clock.now())
    with pytest.raises(InvalidTransition):
        services.change_status(t, Status.WAITING_SUPPLIER, actor=users["erik"], now=clock.now())


def test_solved_then_closed_sets_timestamps_and_is_open(users, clock):
    t = f.ticket(users["anna"], now=clock.now())
    services.change_status(t, Status.SOLVED, actor=users["erik"], now=f.later(clock.now(), hours=1))
    assert t.solved_at == f.later(clock.now(), hours=1) and not t.is_open
    services.confirm_solution(t, actor=users["anna"], now=f.later(clock.now(), hours=2))
    assert t.status == Status.CLOSED and t.closed_at == f.later(clock.now(), hours=2)


def test_requester_rejects_solution_with_explanation(users, clock):
    t = f.ticket(users["anna"], now=clock.now())
    services.change_status(t, Status.SOLVED, actor=users["erik"], now=clock.now())
    with pytest.raises(DomainError):
        services.reject_solution(t, body="", actor=users["anna"], now=clock.now())
    services.reject_solution(t, body="Det krånglar fortfarande", actor=users["anna"], now=clock.now())
    assert t.status == Status.OPEN and t.solved_at is None


def test_confirm_needs_a_solved_ticket(users, clock):
    t = f.ticket(users["anna"], now=clock.now())
    with pytest.raises(InvalidTransition):
        services.confirm_solution(t, actor=users["anna"], now=clock.now())


def test_assign_only_to_member_of_the_group(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="Verksamhetssystem socialtjänst")
    with pytest.raises(DomainError):
        services.assign(t, users["erik"], actor=users["sara"], now=clock.now())
    services.assign(t, users["sara"], actor=users["sara"], now=clock.now())
    assert t.assignee_id == users["sara"].id and t.status == Status.OPEN


def test_moving_group_records_reason_and_drops_foreign_assignee(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    services.assign(t, users["erik"], actor=users["erik"], now=clock.now())
    services.move_to_group(t, f.group("Verksamhetssystem Socialförvaltningen"), actor=users["erik"],
                           now=clock.now(), reason="Gäller journalen")
    assert t.assignee_id is None
    move = events(t, "group")[-1]
    assert json.loads(move.reason) == {"by": "manual", "text": "Gäller journalen"}
    assert move.old_value == str(f.group("Servicedesk").id)


def test_priority_change_recomputes_due_from_creation(users, clock):
    # No system: the organisation's tier (silver) and office hours; 09:00 local Wednesday.
    t = f.ticket(users["anna"], now=clock.now(), impact=3, urgency=3)
    services.change_priority(t, impact=1, urgency=1, actor=users["erik"], now=f.later(clock.now(), minutes=30))
    assert t.priority == 1
    assert t.first_response_due_at == f.later(clock.now(), hours=1)  # silver P1: first response in 1 h
    assert t.resolution_due_at == f.later(clock.now(), hours=6)  # and a fix in 6 business hours
    assert t.due_at == t.first_response_due_at


def test_merge_moves_messages_and_closes_source(users, clock, session):
    a = f.ticket(users["anna"], now=clock.now(), subject="Skrivaren krånglar")
    b = f.ticket(users["fatima"], now=clock.now(), subject="Skrivaren på plan 2")
    services.merge_ticket(b, a, actor=users["erik"], now=clock.now())
    session.expire_all()
    assert b.status == Status.CLOSED and b.merged_into_id == a.id
    assert len(a.messages) == 2 and not b.messages
    assert users["fatima"].id in {p.user_id for p in a.participants}
    with pytest.raises(InvalidTransition):
        services.change_status(b, Status.OPEN, actor=users["erik"], now=clock.now())


def test_merge_into_itself_is_refused(users, clock):
    a = f.ticket(users["anna"], now=clock.now())
    with pytest.raises(DomainError):
        services.merge_ticket(a, a, actor=users["erik"], now=clock.now())


def test_link_is_recorded_once_on_both_tickets(users, clock):
    a = f.ticket(users["anna"], now=clock.now())
    b = f.ticket(users["anna"], now=clock.now())
    services.link_tickets(a, b, actor=users["erik"], now=clock.now())
    services.link_tickets(b, a, actor=users["erik"], now=clock.now())
    assert len(events(a, "link")) == 1 and len(events(b, "link")) == 1


def test_phone_ticket_by_agent_counts_as_first_response(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), actor=users["erik"], channel=Channel.PHONE)
    assert t.first_response_at == clock.now()
    assert t.messages[0].kind == MessageKind.PHONE
    assert t.created_by_id == users["erik"].id
