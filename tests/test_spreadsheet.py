"""Exports never write a cell a spreadsheet would run as a formula (issue 8, finding 16)."""

import csv
import io

import pytest

from helpdesk.audit.services import record
from helpdesk.spreadsheet import csv_writer, safe_cell

ATTACKS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
           "\t=1", "\r=1", " =1", "＝1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_like_text_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Skrivaren", "2026-11-18", "", None, 5, -5, 2.5, "a=b", "e-post"])
def test_other_values_are_left_alone(value):
    assert safe_cell(value) == value


def test_csv_writer_neutralises_every_cell():
    out = io.StringIO()
    csv_writer(out, delimiter=";").writerow(ATTACKS[:3] + [-1])
    assert next(csv.reader(io.StringIO(out.getvalue()), delimiter=";")) == ["'" + a for a in ATTACKS[:3]] + ["-1"]


def test_audit_log_export(client, auth, users, clock, session):
    record("login_failed", actor=None, now=clock.now(), address="=1+1", username="=cmd")
    session.commit()
    auth.login("ines")
    response = client.get("/audit/export.csv?action=login_failed")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[-1][7] == "'=1+1"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
