"""The report's CSV and Excel exports keep text as text (issue 8, finding 16)."""

import csv
import io

import sqlalchemy as sa
from openpyxl import load_workbook

from helpdesk.org.models import Department

EVIL = '=HYPERLINK("http://evil.example","Klicka")'


def rename_department(session):
    department = session.scalar(sa.select(Department).where(Department.name == "Tekniska förvaltningen"))
    department.name = EVIL
    session.commit()


def test_csv_cells_are_not_formulas(october, client, auth, session):
    rename_department(session)
    auth.login("admin")
    data = client.get("/reports/monthly/2026-10/export.csv").data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert any(cell == "'" + EVIL for row in rows for cell in row)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_xlsx_cells_are_strings_not_formulas(october, client, auth, session):
    rename_department(session)
    auth.login("admin")
    book = load_workbook(io.BytesIO(client.get("/reports/monthly/2026-10/export.xlsx").data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == EVIL and c.data_type == "s" for c in cells)
