"""Canned replies (svarsmallar): kept per group or personally, filled in, used from the "Uppdatera" form."""

import pytest
import sqlalchemy as sa

from helpdesk.errors import NotAllowed
from helpdesk.replies import services as replies
from helpdesk.replies.models import CannedReply
from helpdesk.tickets.models import Message, Status
from tests import factories as f
from tests.tickets.test_update_form import form_data


@pytest.fixture
def ticket(users, clock, session):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    session.commit()
    return t


def make(users, clock, *, owner=None, group=None, body="Hej {anmälare}! Ärende {ärendenummer} om {system}. /{handläggare}",
         status=None, title="Startat om"):
    reply = CannedReply(title=title, body=body, owner_id=owner.id if owner else None,
                        support_group_id=group.id if group else None, set_status=status, is_active=True,
                        created_at=clock.now(), updated_at=clock.now())
    from helpdesk.extensions import db

    db.session.add(reply)
    db.session.flush()
    return reply


def test_placeholders_are_filled_for_the_ticket_and_the_agent(users, clock, ticket):
    reply = make(users, clock, group=f.group("Servicedesk"))
    text = replies.fill(reply.body, ticket=ticket, agent=users["erik"])
    assert text == f"Hej {users['anna'].full_name}! Ärende #{ticket.id} om E-post och kalender. /Erik Johansson"


def test_agents_see_their_own_and_their_groups_replies_only(users, clock, ticket):
    desk = make(users, clock, group=f.group("Servicedesk"), title="Gruppens")
    own = make(users, clock, owner=users["erik"], title="Eriks egen")
    other = make(users, clock, owner=users["lena"], title="Lenas egen")
    soc = make(users, clock, group=f.group("Verksamhetssystem Socialförvaltningen"), title="Soc")
    usable = replies.usable(users["erik"], ticket)
    assert own in usable and desk in usable
    assert other not in usable and soc not in usable


def test_only_leads_and_administrators_keep_a_groups_replies(users, clock):
    desk = f.group("Servicedesk")
    with pytest.raises(NotAllowed):
        replies.save(None, {"title": "X", "body": "Y", "support_group_id": desk.id}, actor=users["erik"], now=clock.now())
    saved = replies.save(None, {"title": "X", "body": "Y", "support_group_id": desk.id}, actor=users["lena"], now=clock.now())
    assert saved.support_group_id == desk.id
    mine = replies.save(None, {"title": "Min", "body": "Text"}, actor=users["erik"], now=clock.now())
    assert mine.owner_id == users["erik"].id
    with pytest.raises(NotAllowed):
        replies.save(mine, {"title": "Kapad", "body": "Text"}, actor=users["lena"], now=clock.now())


def test_management_pages(client, auth, users, clock, session):
    auth.login("erik")
    assert client.get("/replies/").status_code == 200
    response = client.post("/replies/new", data={"title": "Omstart", "body": "Hej {anmälare}!", "support_group_id": "0",
                                                 "set_status": "solved", "is_active": "y"})
    assert response.status_code == 302
    reply = session.scalar(sa.select(CannedReply).where(CannedReply.title == "Omstart"))
    assert reply.owner_id == users["erik"].id and reply.set_status == "solved"
    bad = client.post("/replies/new", data={"title": "", "body": "", "support_group_id": "0"})
    assert bad.status_code == 400 and "Ge mallen ett namn." in bad.get_data(as_text=True)
    auth.logout()
    auth.login("lena")
    assert client.get(f"/replies/{reply.id}").status_code == 404  # someone else's personal reply
    auth.logout()
    auth.login("anna")
    assert client.get("/replies/").status_code == 403


def test_a_chosen_reply_is_sent_and_sets_its_status_in_the_one_submit(client, auth, users, clock, session, ticket):
    reply = make(users, clock, group=f.group("Servicedesk"), status="solved")
    session.commit()
    auth.login("erik")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Startat om" in page and 'id="canned-data"' in page
    response = client.post(f"/tickets/{ticket.id}/update", data=form_data(
        ticket, canned=reply.id, assignee_id=users["erik"].id))
    assert response.status_code == 302
    session.expire_all()
    assert ticket.status == Status.SOLVED and ticket.assignee_id == users["erik"].id
    body = session.scalar(sa.select(Message.body).where(Message.ticket_id == ticket.id).order_by(Message.id.desc()))
    assert body.startswith(f"Hej {users['anna'].full_name}! Ärende #{ticket.id}")


def test_without_javascript_use_template_fills_the_text_and_saves_nothing(client, auth, users, clock, session, ticket):
    reply = make(users, clock, owner=users["erik"], status="waiting_requester")
    session.commit()
    auth.login("erik")
    response = client.post(f"/tickets/{ticket.id}/update", data=form_data(ticket, canned=reply.id, use_canned="Använd mall"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Hej {users['anna'].full_name}! Ärende #{ticket.id}" in html
    assert '<option selected value="waiting_requester">' in html
    assert session.scalar(sa.select(sa.func.count()).select_from(Message).where(Message.ticket_id == ticket.id)) == 1
