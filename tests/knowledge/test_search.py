"""Knowledge search with Swedish stemming, on SQLite (Snowball in Python) and PostgreSQL ('swedish')."""

import pytest

from helpdesk.knowledge import queries, services
from helpdesk.knowledge.render import markdown_to_html
from tests import factories


@pytest.fixture
def printer_article(users, clock):
    return services.save_article(
        texts={"sv": ("Skrivaren skriver inte ut", "Starta om **skrivaren** och välj rätt kö."),
               "en": ("The printer does not print", "Restart the printer.")},
        systems=[factories.system("Skrivare och utskrift")], audience="employees", owner=users["erik"],
        review_on=None, actor=users["erik"], now=clock.now())


def test_inflected_form_finds_the_article(printer_article, users):
    assert printer_article in queries.find(users["anna"], "skrivare")
    assert printer_article in queries.find(users["anna"], "skrivarna")
    assert printer_article in queries.find(users["anna"], "skriv")  # a half-typed word
    assert queries.find(users["anna"], "lönespecifikation") == []


def test_search_through_the_page(client, auth, printer_article):
    auth.login("anna")
    page = client.get("/kb?q=skrivare").get_data(as_text=True)
    assert "Skrivaren skriver inte ut" in page


def test_agents_only_article_is_hidden_from_employees(users, clock):
    article = services.save_article(
        texts={"sv": ("Återställa skrivarkön på servern", "Logga in på utskriftsservern.")}, systems=[],
        audience="agents", owner=users["erik"], review_on=None, actor=users["erik"], now=clock.now())
    assert article not in queries.find(users["anna"], "skrivarkön")
    assert article in queries.find(users["erik"], "skrivarkön")


def test_suggestions_for_the_report_form(printer_article, users):
    system = factories.system("Skrivare och utskrift")
    assert queries.suggestions(users["anna"], system_id=system.id, text="") == [printer_article]
    assert queries.suggestions(users["anna"], text="Min skrivare fungerar inte") == [printer_article]


def test_markdown_is_rendered_and_sanitised_once():
    html = markdown_to_html("# Rubrik\n\n<script>alert(1)</script>\n\n[klick](javascript:alert(1)) [ok](https://x.se)")
    assert "<h2>Rubrik</h2>" in html and "<script" not in html and 'href="javascript' not in html
    assert 'href="https://x.se"' in html and "noopener" in html


def test_helped_ends_the_report_without_a_ticket(client, auth, printer_article):
    auth.login("anna")
    response = client.post(f"/kb/{printer_article.id}/helped", data={"system_id": ""})
    assert response.status_code == 302
    assert printer_article.helped_count == 1


def test_review_due_is_listed_to_the_owner(client, auth, users, clock):
    services.save_article(texts={"sv": ("Gammal artikel", "Text.")}, systems=[], audience="employees",
                          owner=users["erik"], review_on=factories.later(clock.now(), days=-1).date(),
                          actor=users["erik"], now=clock.now())
    auth.login("erik")
    assert "Gammal artikel" in client.get("/kb/review").get_data(as_text=True)
    auth.logout()
    auth.login("lena")
    assert "Gammal artikel" not in client.get("/kb/review").get_data(as_text=True)


def test_editor_pages(client, auth, printer_article):
    auth.login("erik")
    assert client.get("/kb/new").status_code == 200
    assert client.get(f"/kb/{printer_article.id}/edit").status_code == 200
    response = client.post("/kb/new", data={"title_sv": "", "body_sv": "", "audience": "employees",
                                            "status": "published", "owner_id": printer_article.owner_id})
    assert response.status_code == 400 and "Ange en svensk rubrik" in response.get_data(as_text=True)
    response = client.post("/kb/new", data={"title_sv": "Byta lösenord", "body_sv": "Gå till **portalen**.",
                                            "audience": "employees", "status": "published",
                                            "owner_id": printer_article.owner_id})
    assert response.status_code == 302
    assert client.get(f"/kb/reply-text?article={printer_article.id}&ticket=1").status_code == 200
    assert client.get(f"/kb/{printer_article.id}/plain").get_json()["title"] == "Skrivaren skriver inte ut"
    auth.logout()
    auth.login("anna")
    assert client.get("/kb/new").status_code == 403
