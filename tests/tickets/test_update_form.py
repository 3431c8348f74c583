"""The one "Uppdatera" form of the agent's ticket page, its version check, merging and the merged ticket."""

import sqlalchemy as sa

from helpdesk.notifications.models import OutboundMessage
from helpdesk.tickets.models import Message, Status, TicketEvent
from helpdesk.tickets.update import version_of
from tests import factories as f


def form_data(ticket, **changes):
    """What the page's form posts unchanged, with changes."""
    data = {"version": version_of(ticket), "kind": "public", "canned": "", "body": "",
            "status": ticket.status, "impact": str(ticket.impact), "urgency": str(ticket.urgency),
            "system_id": str(ticket.system_id or 0), "group_id": str(ticket.support_group_id),
            "group_reason": "", "assignee_id": str(ticket.assignee_id or 0)}
    data.update({k: str(v) for k, v in changes.items()})
    return data


def events(session, ticket):
    return session.scalars(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).all()


def test_one_submit_saves_every_change_each_as_its_own_event_and_one_history_entry(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    session.commit()
    before = len(events(session, ticket))
    auth.login("erik")
    clock.advance(minutes=5)
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert 'id="u-submit"' in page and "Uppdatera" in page
    response = client.post(f"/tickets/{ticket.id}/update", data=form_data(
        ticket, assignee_id=users["erik"].id, impact=1, urgency=1, body="Vi tittar på det.",
        status="waiting_requester"))
    assert response.status_code == 302
    session.expire_all()
    assert ticket.assignee_id == users["erik"].id
    assert (ticket.impact, ticket.urgency, ticket.priority) == (1, 1, 1)
    assert ticket.status == Status.WAITING_REQUESTER
    new = [e.kind for e in events(session, ticket)[before:]]
    assert {"assignee", "priority", "reply", "status"} <= set(new)
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    history = page[page.index('id="history-heading"'):]
    # Two entries with changes inside: the registration, and Erik's one submit.
    assert history.count('class="history-changes"') == 2
    assert history.count('<span class="actor">Erik') == 1
    mails = session.scalars(sa.select(OutboundMessage.kind).where(OutboundMessage.ticket_id == ticket.id)).all()
    assert mails.count("request_info") == 1  # one mail to the requester for the whole submit


def test_a_stale_form_is_refused_and_the_second_agent_is_told(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    session.commit()
    auth.login("erik")
    stale = form_data(ticket, impact=2, urgency=2, body="Min text som inte får försvinna")
    # Lena changes the priority while Erik's form is open.
    lena_form = form_data(ticket, impact=1, urgency=1)
    auth.logout()
    auth.login("lena")
    assert client.post(f"/tickets/{ticket.id}/update", data=lena_form).status_code == 302
    session.expire_all()
    lena_priority = ticket.priority
    assert lena_priority == 1
    auth.logout()
    auth.login("erik")
    response = client.post(f"/tickets/{ticket.id}/update", data=stale)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Någon annan ändrade ärendet" in html and "Lena" in html
    assert "Min text som inte får försvinna" in html
    session.expire_all()
    assert ticket.priority == lena_priority  # the stale form did not win
    assert not session.scalar(sa.select(Message.id).where(Message.ticket_id == ticket.id,
                                                          Message.body == "Min text som inte får försvinna"))


def test_a_refused_change_saves_nothing_and_keeps_the_text(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    session.commit()
    auth.login("erik")
    # Sara is not in the service desk group: the assignment is refused, so the reply is not sent either.
    response = client.post(f"/tickets/{ticket.id}/update", data=form_data(
        ticket, assignee_id=users["sara"].id, body="Svar som väntar"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Ingenting sparades" in html and "Svar som väntar" in html
    session.expire_all()
    assert ticket.assignee_id is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Message).where(Message.ticket_id == ticket.id)) == 1


def test_merge_asks_first_showing_both_subjects(client, auth, users, clock, session):
    a = f.ticket(users["anna"], now=clock.now(), subject="Skrivaren på plan 2", system_name="E-post och kalender")
    b = f.ticket(users["anna"], now=clock.now(), subject="Skrivare trasig", system_name="E-post och kalender")
    session.commit()
    auth.login("erik")
    response = client.post(f"/tickets/{b.id}/merge", data={"merge-number": str(a.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Skrivaren på plan 2" in html and "Skrivare trasig" in html
    assert "Ja, sammanfoga" in html
    session.expire_all()
    assert b.merged_into_id is None  # nothing merged yet
    assert client.post(f"/tickets/{b.id}/merge", data={"merge-number": str(a.id), "confirmed": "1"}).status_code == 302
    session.expire_all()
    assert b.merged_into_id == a.id
    page = client.get(f"/tickets/{b.id}").get_data(as_text=True)
    assert "Sammanfogat med" in page and f'href="/tickets/{a.id}"' in page and "Skrivaren på plan 2" in page
    assert 'id="u-body"' not in page and 'name="body"' not in page  # no reply box
    auth.logout()
    auth.login("anna")
    page = client.get(f"/tickets/{b.id}").get_data(as_text=True)
    assert "Sammanfogat med" in page and 'name="body"' not in page


def test_the_page_has_a_swedish_file_button_and_a_favicon(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now())
    session.commit()
    auth.login("erik")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert 'class="file-button"' in page and "Välj filer" in page and "Ingen fil vald" in page
    assert 'rel="icon"' in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()


def test_next_deadline_says_overdue_relative_time_and_outside_service_hours(client, auth, users, clock, session):
    from datetime import UTC, datetime, timedelta

    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", impact=1, urgency=1)
    session.commit()
    auth.login("erik")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    facts = page[page.index("Nästa tidsgräns"):page.index("Nästa tidsgräns") + 400]
    assert "(om " in facts and "överskriden" not in facts
    clock.set(ticket.due_at + timedelta(hours=2, minutes=5))
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    facts = page[page.index("Nästa tidsgräns"):page.index("Nästa tidsgräns") + 400]
    assert "överskriden" in facts and "2 h sedan" in facts
    saturday_night = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 03:00 in Stockholm, the desk is closed
    ticket.due_at = ticket.resolution_due_at = saturday_night
    session.commit()
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "utanför servicedeskens öppettider" in page
