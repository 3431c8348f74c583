"""Exports read back: CSV rows, the Excel workbook, a PDF with pages; the command line and its refusals."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

MONTH = "/reports/monthly/2026-10"


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def total(rows, figure):
    return next(r for r in rows if r["section"] == "total" and r["figure"] == figure)


def test_csv_export_parses_back(october, client, auth):
    auth.login("admin")
    response = client.get(f"{MONTH}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="sla-rapport-2026-10.csv"' in response.headers["Content-Disposition"]
    rows = csv_rows(response.data)
    assert total(rows, "opened")["value"] == "5"
    share = total(rows, "response_share")
    assert (share["value"], share["numerator"], share["denominator"], share["unit"]) == ("66.7", "2", "3", "percent")
    assert total(rows, "resolution_median")["value"] == str(5 * 3600)
    assert total(rows, "rating_average")["value"] == ""
    trend = [r for r in rows if r["section"] == "trend" and r["figure"] == "backlog"]
    assert [r["month"] for r in trend][-2:] == ["2026-09", "2026-10"] and trend[-1]["value"] == "1"
    departments = {r["label"]: r["value"] for r in rows
                   if r["section"] == "breakdown" and r["dimension"] == "department" and r["figure"] == "opened"}
    assert departments["Tekniska förvaltningen"] == "5"
    assert sum(int(r["value"]) for r in rows if r["section"] == "arrivals") == 5
    assert {r["key"]: r["value"] for r in rows if r["section"] == "channel"} == {"email": "1", "phone": "1", "web": "3"}


def test_xlsx_export_opens_in_openpyxl(october, client, auth):
    auth.login("admin")
    response = client.get(f"{MONTH}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames[:2] == ["Nyckeltal", "Förvaltning (handläggande)"]
    assert {"Tolv månader", "Kanaler", "Ankomster", "Orsaker", "Definitioner"} <= set(book.sheetnames)
    figures = {row[0]: row[1:3] for row in book["Nyckeltal"].iter_rows(min_row=5, values_only=True)}
    assert figures["Inkomna ärenden"] == (5, "antal")
    assert figures["Lösningstid, median"] == (5.0, "timmar servicetid")
    assert figures["Första svar inom målet, andel"] == (66.7, "procent")
    departments = list(book["Förvaltning (handläggande)"].iter_rows(values_only=True))
    assert departments[0][1] == "Inkomna ärenden (antal)"
    assert ("Tekniska förvaltningen", 5) in [(r[0], r[1]) for r in departments[1:]]
    book.close()


def test_pdf_export_is_a_printable_document(october, client, auth):
    auth.login("admin")
    response = client.get(f"{MONTH}/export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.data
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    # key figures; trend; breakdowns; breaches, follow-up; definitions: a few pages, not a data dump
    assert 4 <= len(re.findall(rb"/Type\s*/Page\b", data)) <= 6


def run(runner, *args):
    return runner.invoke(args=["report", "monthly", *args])


def test_command_line_json_for_the_whole_desk(october, runner):
    result = run(runner, "--month", "2026-10")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["month"] == "2026-10" and document["complete"]
    assert document["total"]["opened"] == 5
    assert document["total"]["response_share"] == {"percent": 66.7, "numerator": 2, "denominator": 3}
    assert run_json(runner, "--include-confidential")["total"]["opened"] == 6
    assert run_json(runner, "--user", "karin")["total"]["closed"] == 1
    assert run_json(runner, "--org", "exempelby kommun")["organisation"] == "Exempelby kommun"


def run_json(runner, *args):
    result = run(runner, "--month", "2026-10", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("fmt, check", [
    ("csv", lambda data: total(csv_rows(data), "closed")["value"] == "5"),
    ("xlsx", lambda data: load_workbook(io.BytesIO(data), read_only=True).sheetnames[0] == "Nyckeltal"),
    ("pdf", lambda data: data.startswith(b"%PDF-")),
    ("json", lambda data: json.loads(data)["total"]["backlog"] == 1),
])
def test_command_line_writes_each_format_to_a_file(october, runner, tmp_path, fmt, check):
    out = tmp_path / f"report.{fmt}"
    result = run(runner, "--month", "2026-10", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert check(out.read_bytes())


@pytest.mark.parametrize("month, message", [
    ("2026-13", "ÅÅÅÅ-MM"), ("abc", "ÅÅÅÅ-MM"), ("2026-12", "har inte börjat"), ("2027-01", "har inte börjat"),
])
def test_command_line_refuses_bad_months_and_writes_nothing(runner, tmp_path, month, message):
    out = tmp_path / "report.pdf"
    result = run(runner, "--month", month, "--format", "pdf", "--out", str(out))
    assert result.exit_code == 2
    assert message in result.output and "--month" in result.output
    assert not out.exists()


def test_command_line_refuses_an_unknown_organisation(runner, tmp_path):
    out = tmp_path / "report.csv"
    result = run(runner, "--month", "2026-10", "--org", "Ingenstans kommun", "--out", str(out))
    assert result.exit_code == 2 and "Ingenstans kommun" in result.output
    assert not out.exists()
