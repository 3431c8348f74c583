"""Answering by the e-mail link (no sign-in, nothing but number and subject) and on the requester's pages."""

import sqlalchemy as sa

from helpdesk.satisfaction.models import SatisfactionRating
from helpdesk.satisfaction.services import link_token
from helpdesk.tickets import services
from helpdesk.tickets.models import Status
from tests import factories as f


def solved(users, clock, session):
    t = f.ticket(users["anna"], now=clock.now(), system_name="Verksamhetssystem socialtjänst",
                 subject="Kan inte öppna journalen", body="Personnummer 19121212-1212 syns i felet.")
    services.add_reply(t, body="Behörigheten är rättad.", actor=users["sara"], now=clock.now(), staff=True)
    services.change_status(t, Status.SOLVED, actor=users["sara"], now=clock.now())
    session.commit()
    return t


def answers(session, t):
    return session.scalars(sa.select(SatisfactionRating).where(SatisfactionRating.ticket_id == t.id)).all()


def test_link_shows_only_number_and_subject_and_takes_one_answer(client, users, clock, session):
    t = solved(users, clock, session)
    url = f"/satisfaction/{link_token(t)}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert f"#{t.id}" in html and "Kan inte öppna journalen" in html
    for secret in ("Anna Lindqvist", "19121212-1212", "Behörigheten är rättad", "Verksamhetssystem socialtjänst"):
        assert secret not in html
    assert "<fieldset" in html and "<legend>" in html and f'name="rating-{t.id}-score"' in html
    done = client.post(url, data={f"rating-{t.id}-score": "4", f"rating-{t.id}-comment": "Snabb hjälp"})
    assert done.status_code == 200 and "Tack för ditt svar!" in done.get_data(as_text=True)
    (rating,) = answers(session, t)
    assert (rating.score, rating.comment, rating.channel) == (4, "Snabb hjälp", "link")
    again = client.post(url, data={f"rating-{t.id}-score": "1"})
    assert "redan besvarad" in again.get_data(as_text=True) and len(answers(session, t)) == 1


def test_forged_link_is_not_found(client, users, clock, session):
    t = solved(users, clock, session)
    assert client.get(f"/satisfaction/{link_token(t)}x").status_code == 404


def test_missing_score_is_shown_in_the_fieldset(client, users, clock, session):
    t = solved(users, clock, session)
    response = client.post(f"/satisfaction/{link_token(t)}", data={f"rating-{t.id}-comment": "Hm"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Välj ett betyg från 1 till 5." in html
    assert f'aria-describedby="rating-{t.id}-score-error"' in html and answers(session, t) == []


def test_requester_answers_on_the_ticket_page(client, auth, users, clock, session):
    t = solved(users, clock, session)
    auth.login("anna")
    page = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert f"Hur nöjd är du med hur ärende #{t.id} hanterades?" in page
    response = client.post(f"/tickets/{t.id}/rating", data={
        f"rating-{t.id}-score": "5", "next": f"/tickets/{t.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/tickets/{t.id}"
    (rating,) = answers(session, t)
    assert (rating.score, rating.channel, rating.answered_by_id) == (5, "portal", users["anna"].id)
    page = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert "Tack för ditt svar!" in page and "Hur nöjd är du med hur ärende" not in page


def test_portal_start_page_asks_until_answered(client, auth, users, clock, session):
    t = solved(users, clock, session)
    auth.login("anna")
    assert f'id="rating-{t.id}-score"' in client.get("/").get_data(as_text=True)
    client.post(f"/tickets/{t.id}/rating", data={f"rating-{t.id}-score": "3", "next": "/"})
    assert f'id="rating-{t.id}-score"' not in client.get("/").get_data(as_text=True)


def test_only_the_requester_rates_and_only_finished_tickets(client, auth, users, clock, session):
    t = solved(users, clock, session)
    auth.login("sara")
    assert client.post(f"/tickets/{t.id}/rating", data={f"rating-{t.id}-score": "5"}).status_code == 403
    auth.logout()
    open_ticket = f.ticket(users["anna"], now=clock.now())
    session.commit()
    auth.login("anna")
    response = client.post(f"/tickets/{open_ticket.id}/rating", data={f"rating-{open_ticket.id}-score": "5"})
    assert response.status_code == 400 and answers(session, open_ticket) == []
