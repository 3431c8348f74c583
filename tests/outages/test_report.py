"""The monthly report's outage section."""

from helpdesk.knowledge import services as kb
from helpdesk.outages import services
from helpdesk.outages.report import month_section
from helpdesk.reports.months import Month
from helpdesk.reports.queries import everything_scope
from tests.outages.conftest import SOCIAL


def test_section_counts_notices_people_avoided_reports_and_problems(notice, users, clock):
    services.me_too(notice, user=users["anna"], now=clock.now())
    services.me_too(notice, user=users["fatima"], now=clock.now())
    article = kb.save_article(texts={"sv": ("Starta om", "Gör så.")}, systems=[], audience="employees",
                              owner=users["erik"], review_on=None, actor=users["erik"], now=clock.now())
    kb.mark_helped(article, user=users["goran"], now=clock.now())
    clock.advance(hours=3)
    services.close_notice(notice, resolution="Löst.", actor=users["sara"], now=clock.now())
    section = month_section(everything_scope(), Month.of(clock.now()), now=clock.now())
    row = next(r for r in section.systems if r.name == SOCIAL)
    assert (row.unplanned, row.unplanned_hours) == (1, 3.0)
    assert [(m.number, m.people, m.departments) for m in section.majors] == [
        (notice.major_incident_ticket_id, 2, 2)]
    assert (section.me_too, section.article_helped, section.avoided) == (2, 1, 3)


def test_report_page_shows_the_section(client, auth, notice, clock):
    auth.login("admin")
    month = Month.of(clock.now()).key
    page = client.get(f"/reports/monthly/{month}")
    assert page.status_code == 200
    assert "Driftstörningar och självservice" in page.get_data(as_text=True)
