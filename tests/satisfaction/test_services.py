"""The satisfaction question: when it is asked, the signed link, one answer per ticket, the report query."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from helpdesk.errors import DomainError
from helpdesk.notifications.models import OutboundMessage
from helpdesk.satisfaction.models import SatisfactionRating
from helpdesk.satisfaction.queries import ratings, summary, unrated_tickets
from helpdesk.satisfaction.services import (
    AlreadyAnswered, link_token, question_open, rate_ticket, ticket_for_token,
)
from helpdesk.tickets import services
from helpdesk.tickets.models import Status, Ticket
from tests import factories as f


def solved(users, clock, **kwargs):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", **kwargs)
    services.add_reply(t, body="Nu fungerar det.", actor=users["erik"], now=clock.now(), staff=True)
    services.change_status(t, Status.SOLVED, actor=users["erik"], now=clock.now())
    return t


def test_the_question_opens_when_solved_and_stays_open_thirty_days(users, clock):
    t = f.ticket(users["anna"], now=clock.now())
    assert not question_open(t, clock.now())
    services.change_status(t, Status.SOLVED, actor=users["erik"], now=clock.now())
    assert question_open(t, clock.now())
    services.change_status(t, Status.CLOSED, actor=users["anna"], now=clock.now() + timedelta(days=5))
    assert question_open(t, clock.now() + timedelta(days=35))  # counted from the closing
    assert not question_open(t, clock.now() + timedelta(days=36))


def test_one_answer_per_ticket(users, clock, session):
    t = solved(users, clock)
    rating = rate_ticket(t, score=4, comment=" Snabbt! ", actor=None, now=clock.now(), channel="link")
    assert (rating.score, rating.comment, rating.answered_by_id) == (4, "Snabbt!", None)
    assert not question_open(t, clock.now())
    with pytest.raises(AlreadyAnswered):
        rate_ticket(t, score=1, comment="", actor=users["anna"], now=clock.now(), channel="portal")
    event = t.events[-1]
    assert (event.kind, event.new_value, event.actor_id) == ("satisfaction", "4", users["anna"].id)


def test_the_database_refuses_a_second_answer(users, clock, session):
    t = solved(users, clock)
    for _ in range(2):
        session.add(SatisfactionRating(ticket_id=t.id, score=5, comment="", channel="link", answered_at=clock.now()))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


@pytest.mark.parametrize("score", [0, 6, None])
def test_score_outside_one_to_five_is_refused(users, clock, score):
    with pytest.raises(DomainError):
        rate_ticket(solved(users, clock), score=score, comment="", actor=None, now=clock.now(), channel="link")


def test_open_and_merged_tickets_are_not_asked(users, clock):
    open_ticket = f.ticket(users["anna"], now=clock.now())
    with pytest.raises(DomainError):
        rate_ticket(open_ticket, score=3, comment="", actor=None, now=clock.now(), channel="link")
    target = f.ticket(users["anna"], now=clock.now())
    services.merge_ticket(open_ticket, target, actor=users["erik"], now=clock.now())
    assert open_ticket.status == Status.CLOSED and not question_open(open_ticket, clock.now())


def test_link_token_names_its_ticket_and_cannot_be_forged(app, users, clock):
    t = solved(users, clock)
    token = link_token(t)
    assert ticket_for_token(token) is t
    assert ticket_for_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    assert ticket_for_token("nonsense") is None
    other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="password-reset")
    assert ticket_for_token(other_salt.dumps({"t": t.id, "r": t.requester_id})) is None


def test_solved_mail_carries_the_answer_link_until_answered(users, clock, session):
    t = solved(users, clock)
    session.commit()
    mail = session.scalar(sa.select(OutboundMessage).where(OutboundMessage.ticket_id == t.id,
                                                           OutboundMessage.kind == "solved"))
    token = re.search(r"/satisfaction/([\w.-]+)", mail.body_text).group(1)
    assert ticket_for_token(token) is t and f"/satisfaction/{token}" in mail.body_html
    rate_ticket(t, score=5, comment="", actor=None, now=clock.now(), channel="link")
    services.reject_solution(t, body="Det krånglar igen", actor=users["anna"], now=clock.now())
    services.add_reply(t, body="Nu är det löst på riktigt.", actor=users["erik"], now=clock.now(), staff=True)
    services.change_status(t, Status.SOLVED, actor=users["erik"], now=clock.now())
    session.commit()
    again = session.scalars(sa.select(OutboundMessage).where(
        OutboundMessage.ticket_id == t.id, OutboundMessage.kind == "solved").order_by(OutboundMessage.id)).all()
    assert len(again) == 2 and "/satisfaction/" not in again[-1].body_text


def test_portal_lists_finished_unrated_tickets_of_the_requester(users, clock):
    t = solved(users, clock)
    assert t in unrated_tickets(users["anna"], now=clock.now(), limit=50)
    assert t not in unrated_tickets(users["fatima"], now=clock.now(), limit=50)
    assert t not in unrated_tickets(users["anna"], now=clock.now() + timedelta(days=31), limit=50)
    rate_ticket(t, score=2, comment="", actor=users["anna"], now=clock.now(), channel="portal")
    assert t not in unrated_tickets(users["anna"], now=clock.now(), limit=50)


def test_report_query_by_tickets_and_period(users, clock, session):
    a, b, c = (solved(users, clock) for _ in range(3))
    rate_ticket(a, score=5, comment="Bra", actor=None, now=clock.now(), channel="link")
    rate_ticket(b, score=2, comment="", actor=None, now=clock.now() + timedelta(days=1), channel="portal")
    rate_ticket(c, score=4, comment="", actor=None, now=clock.now() + timedelta(days=25), channel="link")
    mine = sa.select(Ticket.id).where(Ticket.id.in_([a.id, b.id, c.id]))
    period = {"start": clock.now(), "end": clock.now() + timedelta(days=20)}
    rows = session.execute(ratings(mine, **period)).all()
    assert [(r.ticket_id, r.score, r.comment, r.channel) for r in rows] == [
        (a.id, 5, "Bra", "link"), (b.id, 2, "", "portal")]
    figures = summary(mine, **period)
    assert (figures.answers, figures.average, figures.satisfied_share) == (2, 3.5, 0.5)
    assert figures.by_score == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert summary(mine).answers == 3 and summary(sa.select(Ticket.id).where(sa.false())).average is None
