"""Threading by Message-ID only joins parties to a ticket (issue 8, finding 1)."""

import sqlalchemy as sa

from helpdesk.tickets.models import Ticket, TicketLink, TicketParticipant
from tests.intake.builders import mail, message_id_of
from tests.intake.test_pipeline import outbox, take


def _participants(session, ticket_id):
    return set(session.scalars(sa.select(TicketParticipant.user_id).where(TicketParticipant.ticket_id == ticket_id)))


def _linked(session, a, b):
    low, high = sorted((a, b))
    return session.scalar(sa.select(TicketLink.id).where(TicketLink.ticket_id == low, TicketLink.other_id == high))


def _confidential_incident(session, clock, cc="fatima@exempelby.se, extern@example.org"):
    raw = mail(subject="Misstänkt intrång i lönesystemet", cc=cc)
    created = take(session, raw, clock)
    ticket = session.get(Ticket, created["ticket"])
    ticket.is_confidential = True
    session.commit()
    return ticket, message_id_of(raw)


def test_stranger_replying_to_received_message_id_gets_a_new_linked_ticket(session, clock, users):
    ticket, original = _confidential_incident(session, clock)
    before = _participants(session, ticket.id)
    reply = take(session, mail(sender="extern@example.org", subject="SV: Misstänkt intrång i lönesystemet",
                               body="Vad har hänt?", headers={"In-Reply-To": f"<{original}>"}), clock)
    assert reply["outcome"] == "created" and reply["ticket"] != ticket.id
    assert _participants(session, ticket.id) == before
    assert _linked(session, ticket.id, reply["ticket"])


def test_colleague_cc_on_original_cannot_join_confidential_ticket_by_references(session, clock, users):
    ticket, original = _confidential_incident(session, clock, cc="extern@example.org")
    goran = users["goran"]  # an employee, not on the ticket
    reply = take(session, mail(sender="goran@exempelby.se", subject="SV: intrång",
                               headers={"References": f"<{original}>"}), clock)
    assert reply["ticket"] != ticket.id
    assert goran.id not in _participants(session, ticket.id)


def test_forwarded_signed_message_id_from_stranger_does_not_join(session, clock, users):
    ticket, _original = _confidential_incident(session, clock)
    ack = outbox(session, ticket.id, "acknowledgement")[0]
    reply = take(session, mail(sender="okand@example.org", subject="SV: vidarebefordrat",
                               headers={"In-Reply-To": f"<{ack.message_id}>"}), clock)
    assert reply["outcome"] == "created" and reply["ticket"] != ticket.id
    assert _linked(session, ticket.id, reply["ticket"])
    assert users["anna"].id not in _participants(session, reply["ticket"])


def test_requester_and_agent_still_thread_by_message_id_but_a_former_cc_does_not(session, clock, users):
    ticket, original = _confidential_incident(session, clock)
    assert users["fatima"].id in _participants(session, ticket.id)  # CC'd colleague added before it was confidential
    # ines: a security officer, who may see confidential tickets (a desk agent not assigned may not)
    for sender in ("anna@exempelby.se", "ines@exempelby.se"):
        reply = take(session, mail(sender=sender, subject="SV: intrång", headers={"In-Reply-To": f"<{original}>"}),
                     clock)
        assert reply["outcome"] == "followup" and reply["ticket"] == ticket.id, sender
    # A follower (cc) has no need to know once the ticket is confidential (auth.permissions.parties_of).
    reply = take(session, mail(sender="fatima@exempelby.se", subject="SV: intrång",
                               headers={"In-Reply-To": f"<{original}>"}), clock)
    assert reply["outcome"] == "created" and reply["ticket"] != ticket.id


def test_no_cc_participant_is_added_to_a_confidential_ticket_by_mail(session, clock, users):
    ticket, original = _confidential_incident(session, clock, cc="extern@example.org")
    before = _participants(session, ticket.id)
    reply = take(session, mail(sender="anna@exempelby.se", subject="SV: intrång", cc="goran@exempelby.se",
                               headers={"In-Reply-To": f"<{original}>"}), clock)
    assert reply["ticket"] == ticket.id
    assert _participants(session, ticket.id) == before


def test_agent_who_may_not_see_a_confidential_ticket_does_not_join_it(session, clock, users):
    ticket, original = _confidential_incident(session, clock)
    reply = take(session, mail(sender="erik@exempelby.se", subject="SV: intrång", headers={"In-Reply-To": f"<{original}>"}),
                 clock)
    assert reply["ticket"] != ticket.id and users["erik"].id not in _participants(session, ticket.id)
