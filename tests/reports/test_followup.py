"""The monthly report's follow-up sections: availability, suppliers, effort in JSON, CSV, Excel, PDF and web."""

import io
import json
from datetime import UTC, datetime


from helpdesk.effort import services as effort
from helpdesk.reports.exports import render
from helpdesk.reports.queries import everything_scope
from helpdesk.reports.report import monthly_report
from tests import factories
from tests.availability.test_availability import FEBRUARY, notice, system_with_hours


def test_json_has_availability_suppliers_and_effort(session, clock, users):
    system = system_with_hours(session)
    notice(session, system, datetime(2026, 2, 10, 9, 0, tzinfo=UTC), 2)
    at = datetime(2026, 2, 11, 9, 0, tzinfo=UTC)
    ticket = factories.ticket(users["anna"], now=at, system_name="Lönesystem")
    effort.set_rate(ticket.support_group, 600, now=at)
    effort.log_time(ticket, minutes=90, actor=users["per"], now=at)
    report = monthly_report(everything_scope(), FEBRUARY, now=datetime(2026, 3, 5, tzinfo=UTC))
    document = json.loads(render(report, "json"))
    (row,) = [r for r in document["availability"] if r["system"] == "Lönesystem"]
    assert row["measured_percent"] == 98.82 and row["agreed_percent"] == 99.5 and row["below_agreed"] is True
    assert row["service_hours"] == 170 and row["unplanned_hours"] == 2 and len(row["trend"]) == 12
    assert document["suppliers"] == []
    assert document["effort"]["total"] == {"minutes": 90, "cost": 900.0, "tickets": 1, "average_minutes": 90.0}
    departments = document["effort"]["department"]
    assert sum(d["cost"] for d in departments) == 900.0
    csv = render(report, "csv").decode("utf-8-sig")
    assert "availability,2026-02,system" in csv and "effort,2026-02,department" in csv
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert {"Tillgänglighet", "Leverantörer", "Insats och kostnad"} <= set(book.sheetnames)
    assert render(report, "pdf").startswith(b"%PDF")


def test_cli_monthly_json_has_the_sections(runner):
    result = runner.invoke(args=["report", "monthly", "--month", "2026-10", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {"availability", "suppliers", "effort"} <= set(document)


def test_web_report_and_definitions_show_the_sections(session, client, auth):
    auth.login("maria")
    page = client.get("/reports/monthly/2026-10")
    assert page.status_code == 200
    for heading in ("Tillgänglighet per system", "Leverantörer", "Insats och kostnad"):
        assert heading in page.text
    definitions = client.get("/reports/definitions")
    assert 'id="availability"' in definitions.text and "Uppmätt tillgänglighet" in definitions.text
    assert 'id="suppliers"' in definitions.text and 'id="effort"' in definitions.text
