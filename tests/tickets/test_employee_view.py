"""The employee's view: system picker by keyword and description, who handles the ticket, who wrote what."""

from tests import factories as f


def test_system_search_matches_keywords_and_descriptions_without_javascript(client, auth):
    auth.login("anna")
    html = client.get("/tickets/new?q=Treserva").get_data(as_text=True)
    assert "Verksamhetssystem socialtjänst" in html
    assert "Dokumentation och beslut inom socialtjänsten." in html  # the description is shown
    assert 'data-search="verksamhetssystem socialtjänst' in html  # what the script filters on
    html = client.get("/tickets/new?q=beslut+inom").get_data(as_text=True)
    assert "Verksamhetssystem socialtjänst" in html
    html = client.get("/tickets/new?q=zzzfinnsinte").get_data(as_text=True)
    assert "Inget system matchar sökningen." in html


def test_requester_sees_who_handles_it_and_when_it_should_be_solved(client, auth, users, clock, session):
    from helpdesk.tickets import services

    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    services.assign(ticket, users["erik"], actor=users["erik"], now=clock.now())
    services.add_reply(ticket, body="Vi tittar på det.", actor=users["erik"], now=clock.now(), staff=True)
    session.commit()
    auth.login("anna")
    html = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Erik Johansson, Servicedesk" in html
    assert "Beräknas vara löst" in html
    conversation = html[html.index('id="conversation"'):]
    assert conversation.index("Anmälan") < conversation.index("(anmälare)") < conversation.index("(servicedesken)")
