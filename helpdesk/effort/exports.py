"""The month's effort and cost as CSV or Excel, safe to open in a spreadsheet."""

import io

from flask_babel import gettext as _

from ..spreadsheet import csv_writer, safe_cell, xlsx_row

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
def dimension_titles() -> dict:
    return {"department": _("Förvaltning"), "system": _("System"), "organisation": _("Organisation"),
            "group": _("Supportgrupp"), "type": _("Ärendetyp")}


def lines(month, tables):
    """(dimension, key, label, minutes, hours, cost, tickets, average minutes per ticket) per row."""
    titles = dimension_titles()
    for dimension, rows in tables.items():
        for row in rows:
            yield [month.key, titles[dimension], "" if row.key is None else str(row.key), safe_cell(str(row.label)),
                   row.minutes, row.hours, row.cost, row.tickets, row.average_minutes]


def header():
    return [_("Månad"), _("Uppdelning"), _("Nyckel"), _("Namn"), _("Minuter"), _("Timmar"), _("Kostnad (kr)"),
            _("Ärenden"), _("Minuter per ärende")]


def render(month, tables, fmt) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer, lineterminator="\r\n")
        writer.writerow(header())
        writer.writerows(lines(month, tables))
        return buffer.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Insats och kostnad"))
    sheet.append(header())
    for line in lines(month, tables):
        sheet.append(xlsx_row(sheet, line))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
