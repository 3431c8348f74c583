"""Access requests: the ticket and mail, who may decide, reasons, and setting the role up."""

from datetime import date

import pytest
import sqlalchemy as sa

from helpdesk.access import services
from helpdesk.access.models import AccessGrant, AccessRequest, RequestStatus
from helpdesk.audit.models import AuditEntry
from helpdesk.errors import InvalidField, InvalidTransition, NotAllowed
from helpdesk.notifications.models import OutboundMessage
from helpdesk.tickets.models import Status, Ticket, TicketEvent, TicketParticipant, TicketType
from tests.access.conftest import BYGG, ask, grant, mails


def kinds(session, ticket):
    return [e.kind for e in session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                            .order_by(TicketEvent.id))]


def test_request_is_an_access_request_ticket_for_the_systems_group_and_mails_administrator_and_deputy(
        users, clock, session, soc):
    access_request = ask(users, clock, role="Läsbehörighet", valid_until=date(2027, 6, 30))
    ticket = access_request.ticket
    assert ticket.type == TicketType.ACCESS_REQUEST
    assert ticket.support_group_id == soc.support_group_id
    assert ticket.requester_id == users["anna"].id
    assert access_request.status == RequestStatus.PENDING
    (mail,) = mails(session, "access_request")
    assert sorted(mail.recipients) == ["olle@exempelby.se", "sara@exempelby.se"]
    assert "Läsbehörighet" in mail.subject and soc.name in mail.subject
    assert f"/access/requests/{access_request.id}" in mail.body_text
    assert "2027-06-30" in mail.body_text and "Ny tjänst som handläggare." in mail.body_text


def test_request_for_someone_else_lets_that_person_follow_the_ticket(users, clock, session):
    access_request = ask(users, clock, who="karin", person="anna")
    assert access_request.user_id == users["anna"].id and access_request.requested_by_id == users["karin"].id
    assert session.get(TicketParticipant, (access_request.ticket_id, users["anna"].id)) is not None


def test_request_needs_a_role_a_reason_an_active_person_and_a_date_not_passed(users, clock, soc):
    cases = [({"role": " "}, "role"), ({"reason": ""}, "reason"), ({"user": None}, "person"),
             ({"valid_until": date(2026, 11, 17)}, "valid_until"), ({"system": None}, "system_id")]
    for change, field in cases:
        values = dict(system=soc, user=users["anna"], role="Handläggare", reason="Behövs.", valid_until=None)
        with pytest.raises(InvalidField) as error:
            services.request_access(**(values | change), actor=users["anna"], now=clock.now())
        assert error.value.field == field


def test_a_role_already_held_is_not_requested_again(users, clock):
    grant(users, clock)
    with pytest.raises(InvalidField, match="redan"):
        ask(users, clock, role="handläggare")


@pytest.mark.parametrize("who, person, refused, message", [
    ("olle", "anna", "olle", "Sara Nilsson måste besluta"),  # the administrator asked: the deputy decides
    ("anna", "sara", "sara", "Olle Berg måste besluta"),  # it is for the deputy: the administrator decides
    ("anna", "anna", "anna", "Bara systemförvaltaren"),
])
def test_no_one_decides_on_a_request_they_made_or_that_is_for_them(users, clock, who, person, refused, message):
    access_request = ask(users, clock, who=who, person=person)
    with pytest.raises(NotAllowed, match=message):
        services.decide_request(access_request, approve=True, reason="Självklart.", actor=users[refused],
                                now=clock.now())
    assert access_request.status == RequestStatus.PENDING


def test_when_neither_administrator_nor_deputy_can_decide_it_says_so(users, clock):
    both = ask(users, clock, who="olle", person="sara")
    for who in ("olle", "sara"):
        with pytest.raises(NotAllowed, match="ingen annan systemförvaltare eller ersättare"):
            services.decide_request(both, approve=True, reason="Ok.", actor=users[who], now=clock.now())
    alone = ask(users, clock, who="ahmed", system=BYGG)  # Bygglovssystem has no deputy
    with pytest.raises(NotAllowed, match="ingen annan"):
        services.decide_request(alone, approve=True, reason="Ok.", actor=users["ahmed"], now=clock.now())


@pytest.mark.parametrize("who", ["erik", "karin", "ines", "admin", "ahmed"])
def test_only_the_systems_administrator_or_deputy_decides(users, clock, who):
    access_request = ask(users, clock)
    with pytest.raises(NotAllowed, match="Bara systemförvaltaren eller ersättaren"):
        services.decide_request(access_request, approve=True, reason="Ok.", actor=users[who], now=clock.now())


def test_a_decision_needs_a_reason(users, clock):
    access_request = ask(users, clock)
    with pytest.raises(InvalidField) as error:
        services.decide_request(access_request, approve=False, reason="  ", actor=users["olle"], now=clock.now())
    assert error.value.field == "reason"


def test_rejection_is_recorded_on_request_ticket_and_audit_log_and_solves_the_ticket(users, clock, session):
    access_request = ask(users, clock)
    services.decide_request(access_request, approve=False, reason="Tjänsten kräver det inte.",
                            actor=users["sara"], now=clock.now())
    assert access_request.status == RequestStatus.REJECTED
    assert access_request.decided_by_id == users["sara"].id
    assert access_request.decision_reason == "Tjänsten kräver det inte."
    assert "access:rejected" in kinds(session, access_request.ticket)
    assert access_request.ticket.status == Status.SOLVED
    assert "Tjänsten kräver det inte." in access_request.ticket.messages[-1].body
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "access_request_rejected"))
    assert entry.details["reason"] == "Tjänsten kräver det inte." and entry.actor_id == users["sara"].id
    with pytest.raises(InvalidTransition):
        services.decide_request(access_request, approve=True, reason="Ändrat mig.", actor=users["olle"],
                                now=clock.now())
    with pytest.raises(InvalidTransition):
        services.provision_grant(access_request, actor=users["sara"], now=clock.now())


def test_setting_up_needs_approval_and_then_records_the_grant_and_solves_the_ticket(users, clock, session):
    access_request = ask(users, clock, valid_until=date(2027, 1, 31))
    with pytest.raises(InvalidTransition, match="godkänd"):
        services.provision_grant(access_request, actor=users["sara"], now=clock.now())
    services.decide_request(access_request, approve=True, reason="Ny tjänst.", actor=users["olle"], now=clock.now())
    assert access_request.ticket.status == Status.OPEN  # the approval is told to the requester
    approved_at = clock.now()
    clock.advance(hours=2)
    result = services.provision_grant(access_request, actor=users["sara"], now=clock.now())
    assert (result.system_id, result.user_id) == (access_request.system_id, users["anna"].id)
    assert result.role == "Handläggare"
    assert (result.approved_by_id, result.approved_at) == (users["olle"].id, approved_at)
    assert (result.provisioned_by_id, result.provisioned_at) == (users["sara"].id, clock.now())
    assert result.valid_until == date(2027, 1, 31) and result.request is access_request
    assert access_request.status == RequestStatus.PROVISIONED
    assert access_request.ticket.status == Status.SOLVED
    assert {"access:approved", "access:provisioned"} <= set(kinds(session, access_request.ticket))
    actions = set(session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("access%"))))
    assert {"access_requested", "access_request_approved", "access_granted"} <= actions


def test_destroying_the_ticket_keeps_the_documented_decision_and_the_grant(client, auth, users, clock, session):
    g = grant(users, clock)
    request_id, ticket_id = g.request_id, g.request.ticket_id
    session.commit()
    # As retention (gallring) would: the ticket's mail goes with it.
    session.execute(sa.delete(OutboundMessage).where(OutboundMessage.ticket_id == ticket_id))
    session.execute(sa.delete(Ticket).where(Ticket.id == ticket_id))
    session.commit()
    session.expire_all()
    kept = session.get(AccessRequest, request_id)
    assert kept.ticket_id is None and kept.decision_reason == "Behövs i tjänsten."
    assert session.get(AccessGrant, g.id).request_id == request_id
    auth.login("karin")
    page = client.get(f"/access/requests/{request_id}")
    assert page.status_code == 200 and "Behövs i tjänsten." in page.get_data(as_text=True)
