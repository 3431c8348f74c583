"""`helpdesk report yearly`: the year and the year before, as JSON and PDF, on the demo data."""

import json
from datetime import UTC, datetime

from helpdesk.effort import services as effort
from helpdesk.reports.queries import everything_scope
from helpdesk.reports.yearly import yearly_report
from tests import factories
from tests.availability.test_availability import notice, system_with_hours


def test_yearly_json_builds_for_the_demo_data(runner):
    result = runner.invoke(args=["report", "yearly", "--year", "2026", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["year"] == 2026 and document["previous"]["year"] == 2025
    for key in ("service_levels", "availability", "incidents", "access_reviews", "suppliers", "effort"):
        assert key in document["current"] and key in document["previous"]
    assert document["current"]["service_levels"]  # the demo's tickets are measured


def test_yearly_pdf_builds_for_the_demo_data(runner, tmp_path):
    out = tmp_path / "year.pdf"
    result = runner.invoke(args=["report", "yearly", "--year", "2026", "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_future_year_and_unknown_organisation_are_refused(runner):
    assert runner.invoke(args=["report", "yearly", "--year", "2999"]).exit_code == 2
    assert runner.invoke(args=["report", "yearly", "--year", "2026", "--org", "Ingen"]).exit_code == 2


def test_year_counts_availability_and_cost_with_the_year_before(session, users):
    system = system_with_hours(session)
    system.service_tier = "guld"
    notice(session, system, datetime(2026, 2, 10, 9, 0, tzinfo=UTC), 2)
    at = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)
    ticket = factories.ticket(users["anna"], now=at, system_name="Lönesystem")
    effort.set_rate(ticket.support_group, 600, now=at)
    effort.log_time(ticket, minutes=60, actor=users["per"], now=at)
    document = yearly_report(everything_scope(), 2026, now=datetime(2027, 1, 10, tzinfo=UTC))
    (row,) = [r for r in document["current"]["availability"] if r["system"] == "Lönesystem"]
    assert row["unplanned_hours"] == 2 and row["outages"] == 1
    assert document["previous"]["effort"]["cost"] == 600.0
    assert document["current"]["effort"]["cost"] == 0


def test_security_incidents_are_counted_by_msb_category_in_their_awareness_year(session, users):
    from helpdesk.security import services as security

    for aware, category in ((datetime(2026, 3, 2, 9, 0, tzinfo=UTC), 3),
                            (datetime(2026, 5, 4, 9, 0, tzinfo=UTC), None),
                            (datetime(2025, 12, 31, 9, 0, tzinfo=UTC), 3)):
        incident = security.report_incident(reporter=users["anna"], subject="Läckage", description="Fel mottagare.",
                                            now=aware, aware_at=aware, personal_data=False)
        incident.category = category
    session.flush()
    document = yearly_report(everything_scope(), 2026, now=datetime(2027, 1, 10, tzinfo=UTC))
    assert document["current"]["incidents"]["security_by_msb_category"] == {"3": 1, "none": 1}
    assert document["current"]["incidents"]["security_incidents"] == 2
    assert document["previous"]["incidents"]["security_by_msb_category"] == {"3": 1}
