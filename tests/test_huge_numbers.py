"""Numbers from the query string or a form that overflow the database answer normally, never 500
(helpdesk.limits): the spots found by a sweep of every GET route with odd values."""

import pytest

HUGE = "9" * 20


@pytest.mark.parametrize("url", [
    f"/kb?system={HUGE}",
    f"/kb/reply-text?article={HUGE}",
    f"/kb/reply-text?article=1&ticket={HUGE}",
    f"/report-hints?system_id={HUGE}",
])
def test_huge_numbers_in_the_query_string_are_not_a_server_error(client, auth, url):
    auth.login("erik")
    assert client.get(url).status_code < 500


def test_a_huge_form_version_on_the_ticket_update_is_not_a_server_error(client, auth, session, users, clock):
    from tests import factories as f

    ticket = f.ticket(users["anna"], now=clock.now())
    session.commit()
    auth.login("erik")
    response = client.post(f"/tickets/{ticket.id}/update", data={"version": HUGE, "status": "open"})
    assert response.status_code < 500


def test_a_huge_system_on_the_helped_button_is_not_a_server_error(client, auth, session, users, clock):
    from helpdesk.knowledge import services

    article = services.save_article(texts={"sv": ("Skrivaren", "Starta om den.")}, systems=[], audience="employees",
                                    owner=users["erik"], review_on=None, actor=users["erik"], now=clock.now())
    session.commit()
    auth.login("anna")
    assert client.post(f"/kb/{article.id}/helped", data={"system_id": HUGE}).status_code < 500
