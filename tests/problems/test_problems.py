"""Problem records: grouping incidents, status, publishing the workaround as an article."""

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.knowledge import queries as kb
from helpdesk.problems import services
from helpdesk.problems.models import Problem
from tests import factories


def _problem(users, clock, **extra):
    values = dict(title="Utskrifter fastnar i kön", description="Skrivare på plan 3 tappar jobb.",
                  system=factories.system("Skrivare och utskrift"), status="open", root_cause="",
                  workaround="Skriv ut via **skrivaren** på plan 2.", change_reference="", owner=users["erik"],
                  actor=users["erik"], now=clock.now()) | extra
    return services.save_problem(**values)


def test_published_workaround_becomes_a_findable_article(users, clock):
    problem = _problem(users, clock)
    article = services.publish_workaround(problem, actor=users["erik"], now=clock.now())
    assert problem.status == "known_error" and problem.article_id == article.id
    assert article in kb.find(users["anna"], "skrivare")
    again = services.publish_workaround(problem, actor=users["erik"], now=clock.now())
    assert again.id == article.id  # republishing revises the same article


def test_resolving_stamps_the_time_and_links_incidents(users, clock):
    problem = _problem(users, clock)
    t = factories.ticket(users["anna"], now=clock.now(), system_name="Skrivare och utskrift")
    services.link_incident(problem, t, actor=users["erik"], now=clock.now())
    services.link_incident(problem, t, actor=users["erik"], now=clock.now())
    services.save_problem(problem, title=problem.title, description="", system=None, status="resolved",
                          root_cause="Drivrutin", workaround="", change_reference="CHG-123", owner=None,
                          actor=users["erik"], now=clock.now())
    assert problem.resolved_at == clock.now()


def test_problem_pages(client, auth, users, clock):
    problem = _problem(users, clock)
    auth.login("erik")
    assert client.get("/problems").status_code == 200
    assert client.get(f"/problems/{problem.id}").status_code == 200
    assert client.get("/problems/new").status_code == 200
    response = client.post("/problems/new", data={"title": "", "status": "open", "system_id": 0, "owner_id": 0})
    assert response.status_code == 400
    response = client.post("/problems/new", data={"title": "Nytt problem", "status": "open", "system_id": 0,
                                                  "owner_id": 0, "workaround": "Gör så här."})
    assert response.status_code == 302
    created = db.session.scalar(sa.select(Problem).where(Problem.title == "Nytt problem"))
    assert client.post(f"/problems/{created.id}/publish").status_code == 302
    assert client.post(f"/problems/{created.id}/link", data={"number": 99999999}).status_code == 400
    auth.logout()
    auth.login("anna")
    assert client.get("/problems").status_code == 403


def test_an_incident_raised_after_it_was_linked_is_not_named_on_the_problem_page(client, auth, session, users, clock):
    from helpdesk.security.services import raise_to_incident

    problem = _problem(users, clock)
    ticket = factories.ticket(users["anna"], now=clock.now(), subject="Konstig inloggning Zebrafink")
    services.link_incident(problem, ticket, actor=users["erik"], now=clock.now())
    raise_to_incident(ticket, actor=users["ines"], now=clock.now())
    db.session.commit()
    auth.login("erik")
    assert "Zebrafink" not in client.get(f"/problems/{problem.id}").get_data(as_text=True)
