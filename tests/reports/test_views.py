"""Report pages: who may see them, what they link to, charts under the CSP, bad months."""

import xml.etree.ElementTree as ET

import pytest

from helpdesk.reports.definitions import DIMENSIONS, FIGURES, POPULATIONS
from helpdesk.web import CSP

MONTH = "/reports/monthly/2026-10"
PAGES = ["/reports/", MONTH, f"{MONTH}/tickets?figure=opened", f"{MONTH}/charts/volume.svg",
         f"{MONTH}/export.csv", f"{MONTH}/export.xlsx", f"{MONTH}/export.pdf", "/reports/definitions"]


@pytest.mark.parametrize("path", PAGES)
def test_requesters_get_403(client, auth, path):
    auth.login("anna")
    assert client.get(path).status_code == 403


def test_signed_out_users_are_sent_to_login(client):
    response = client.get(MONTH)
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("username", ["karin", "maria", "olle", "sara", "ines", "admin", "erik"])
def test_staff_with_a_reporting_duty_see_the_report(client, auth, username):
    auth.login(username)
    assert client.get(MONTH).status_code == 200


def test_the_menu_shows_reports_to_staff_not_to_requesters(client, auth):
    auth.login("anna")
    assert "/reports/" not in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("karin")
    assert 'href="/reports/"' in client.get("/").get_data(as_text=True)


def test_index_goes_to_last_month(client, auth):
    auth.login("admin")
    response = client.get("/reports/")
    assert response.status_code == 302 and response.location.endswith("/reports/monthly/2026-10")


@pytest.mark.parametrize("month", ["2026-13", "abc", "2026-12", "1999-12", "2026-1"])
def test_bad_months_are_refused_with_a_reason(client, auth, month):
    auth.login("admin")
    response = client.get(f"/reports/monthly/{month}")
    assert response.status_code == 400
    assert "Ogiltig månad" in response.get_data(as_text=True)


def test_the_month_form_redirects(client, auth):
    auth.login("admin")
    response = client.get("/reports/monthly?month=2026-09&org=")
    assert response.status_code == 302 and response.location.endswith("/reports/monthly/2026-09")
    assert client.get("/reports/monthly?month=2026-99").status_code == 400


def test_every_figure_links_to_its_tickets_and_definition(october, client, auth):
    auth.login("admin")
    html = client.get(MONTH).get_data(as_text=True)
    for key in ("opened", "closed", "backlog", "responded", "resolved", "resolved_in_time", "paused",
                "reopened", "response_breached", "resolution_breached", "breached"):
        assert f"/reports/monthly/2026-10/tickets?figure={key}" in html, key
    for key in ("opened", "response_share", "resolution_median", "reopen_share"):
        assert f'href="/reports/definitions#figure-{key}"' in html
    assert "figure=opened&amp;dimension=department&amp;value=" in html
    assert "figure=breached&amp;dimension=reason&amp;value=Leverant" in html
    assert "figure=opened&amp;dimension=weekday_hour&amp;value=0-12" in html
    assert "T6 misstänkt intrång" not in html


def test_charts_have_a_table_beside_them(october, client, auth):
    auth.login("admin")
    html = client.get(MONTH).get_data(as_text=True)
    for name in ("volume", "within_target", "channels", "weekdays", "hours"):
        assert f'src="/reports/monthly/2026-10/charts/{name}.svg"' in html
    assert html.count("<img ") == 5 and html.count(' alt="Diagram: ') == 5
    assert "<caption>Huvudtalen per månad</caption>" in html
    assert "<caption>Inkomna ärenden per kanal</caption>" in html
    assert "<caption>Inkomna ärenden per timme och veckodag</caption>" in html


@pytest.mark.parametrize("name", ["volume", "within_target", "channels", "weekdays", "hours"])
def test_charts_are_svg_without_script_or_inline_style(october, client, auth, name):
    auth.login("admin")
    response = client.get(f"{MONTH}/charts/{name}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == CSP
    svg = response.get_data(as_text=True)
    root = ET.fromstring(svg)
    tags = {element.tag.split("}")[1] for element in root.iter()}
    assert "script" not in tags and "style" not in tags and "foreignObject" not in tags
    assert not any("style" in element.attrib or any(a.startswith("on") for a in element.attrib)
                   for element in root.iter())
    assert "javascript:" not in svg and "http://" not in svg.replace("http://www.w3.org/", "")
    assert root.find("{http://www.w3.org/2000/svg}title").text
    assert root.get("role") == "img"


def test_unknown_chart_figure_or_dimension_is_404(client, auth):
    auth.login("admin")
    assert client.get(f"{MONTH}/charts/pie.svg").status_code == 404
    assert client.get(f"{MONTH}/tickets?figure=nothing").status_code == 404
    assert client.get(f"{MONTH}/tickets?figure=opened&dimension=colour&value=1").status_code == 404
    assert client.get(f"{MONTH}/tickets?figure=opened&dimension=system&value=x").status_code == 404
    assert client.get(f"{MONTH}/tickets?figure=opened&dimension=weekday_hour&value=7-1").status_code == 404
    assert client.get(f"{MONTH}/export.doc").status_code == 404
    assert client.get(f"{MONTH}?org=999999").status_code == 404


def test_drilldown_hides_confidential_tickets_from_those_who_may_not_see_them(october, client, auth):
    auth.login("admin")
    html = client.get(f"{MONTH}/tickets?figure=opened").get_data(as_text=True)
    assert ">5 ärenden<" in html and "T1 larm saknas" in html and "T6 misstänkt intrång" not in html
    auth.logout()
    auth.login("ines")
    html = client.get(f"{MONTH}/tickets?figure=opened").get_data(as_text=True)
    assert ">6 ärenden<" in html and "T6 misstänkt intrång" in html


def test_drilldown_by_dimension(october, client, auth):
    auth.login("admin")
    html = client.get(f"{MONTH}/tickets?figure=opened&dimension=channel&value=email").get_data(as_text=True)
    assert ">1 ärende<" in html and "T2 pump stannar" in html
    html = client.get(f"{MONTH}/tickets?figure=breached&dimension=reason&value=").get_data(as_text=True)
    assert ">1 ärende<" in html and "T4 nattlarm" in html


def test_a_managers_drilldown_stays_in_their_area(october, client, auth):
    auth.login("karin")
    html = client.get(f"{MONTH}/tickets?figure=closed").get_data(as_text=True)
    assert ">1 ärende<" in html and "T5 trygghetslarm" in html and "T1 larm saknas" not in html


def test_definitions_page_defines_every_figure_and_dimension(client, auth):
    auth.login("karin")
    html = client.get("/reports/definitions").get_data(as_text=True)
    for key, figure in FIGURES.items():
        assert f'id="figure-{key}"' in html
        assert str(figure.definition).split(",")[0] in html
    for key in DIMENSIONS:
        assert f'id="dimension-{key}"' in html
    for population in POPULATIONS.values():
        assert str(population.title) in html
    assert "80 %" in html


def test_the_report_reads_in_english_too(october, client, auth):
    auth.login("admin")
    client.post("/language", data={"lang": "en", "next": "/"})
    html = client.get(MONTH).get_data(as_text=True)
    assert "SLA report" in html and "Nyckeltal" not in html
