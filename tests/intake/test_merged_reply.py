"""A mailed reply to a merged ticket lands on the ticket it was merged into (issue 11)."""

from helpdesk.tickets import services
from helpdesk.tickets.models import Message, Ticket
from tests import factories as f
from tests.intake.builders import mail
from tests.intake.test_pipeline import take


def test_reply_by_subject_tag_to_a_merged_ticket_lands_on_the_target(session, clock, users):
    target = f.ticket(users["anna"], now=clock.now(), subject="Skrivaren på plan 2")
    source = f.ticket(users["anna"], now=clock.now(), subject="Skrivaren matar tomma papper")
    services.merge_ticket(source, target, actor=users["erik"], now=clock.now())
    session.commit()
    result = take(session, mail(sender="anna@exempelby.se", subject=f"Re: [#{source.id}] Skrivaren",
                                body="Den fungerar fortfarande inte."), clock)
    assert result["outcome"] == "followup" and result["ticket"] == target.id
    bodies = [m.body for m in session.get(Ticket, target.id).messages]
    assert any("fungerar fortfarande inte" in b for b in bodies)
    assert not session.query(Message).filter(Message.ticket_id == source.id).count()
