"""The manager's report: a CSV Swedish Excel opens correctly, exact scope wording, scroll hints."""

import csv
import io

MONTH = "/reports/monthly/2026-10"


def test_excel_csv_is_semicolon_separated_with_decimal_comma_bom_and_hours_and_minutes(october, client, auth):
    auth.login("admin")
    response = client.get(f"{MONTH}/export.excel.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="sla-rapport-2026-10-excel.csv"' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["Avsnitt", "Månad", "Indelning", "Värde för", "Mått", "Värde"]
    share = [r for r in rows[1:] if r[0] == "Totalt" and r[7] == "procent" and r[5] == "66,7"]
    assert share  # 2 of 3, with a decimal comma
    assert not any("." in r[5] for r in rows[1:] if r[7] == "procent")
    median = next(r for r in rows[1:] if r[0] == "Totalt" and r[5] == "5 h 0 min")
    assert median[6] == "5,00" and median[7] == "timmar servicetid"


def test_a_limited_report_does_not_claim_all_organisations(october, client, auth):
    auth.login("sara")
    html = client.get(MONTH).get_data(as_text=True)
    lead = html[html.index('<p class="lead">'):html.index("</p>", html.index('<p class="lead">'))]
    assert "Alla organisationer" not in lead and "Ärenden hos grupperna" in lead
    assert "rulla i sidled" in html
    auth.logout()
    auth.login("admin")
    html = client.get(MONTH).get_data(as_text=True)
    lead = html[html.index('<p class="lead">'):html.index("</p>", html.index('<p class="lead">'))]
    assert "Alla organisationer" in lead
