"""Cells that a spreadsheet program shows as text, never runs as a formula (CSV/formula injection).

Every CSV and XLSX export writes through this module: reports, the breach register, the audit
log, retention protocols, and any new export. Text that begins with ``=``, ``+``, ``-``, ``@``,
tab or carriage return (what Excel and LibreOffice take for a formula, also after a leading
space) gets a leading apostrophe in CSV, as OWASP recommends; in XLSX it is stored as a
string cell, never a formula. Numbers, dates and empty cells are left as they are.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS)


def safe_cell(value):
    """value, with a leading apostrophe when it is text a spreadsheet would run."""
    return "'" + value if is_formula_like(value) else value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **options):
    """csv.writer whose text cells cannot become formulas."""
    return _SafeWriter(csv.writer(out, **options))


class SafeDictWriter(csv.DictWriter):
    """csv.DictWriter whose text cells cannot become formulas (the header is ours)."""

    def _dict_to_list(self, rowdict):
        return safe_row(super()._dict_to_list(rowdict))


def xlsx_row(sheet, values) -> list:
    """Cells for ``sheet.append`` (openpyxl): text is a string cell, so ``=…`` is not a formula."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # openpyxl would make text starting with "=" a formula
            cells.append(cell)
        else:
            cells.append(value)
    return cells


class _SafeSheet:
    """A write-only worksheet whose append() goes through xlsx_row."""

    def __init__(self, sheet):
        self._sheet = sheet

    def append(self, values):
        self._sheet.append(xlsx_row(self._sheet, values))

    def __getattr__(self, name):
        return getattr(self._sheet, name)


def safe_workbook():
    """An openpyxl write-only Workbook whose sheets write text as text (see xlsx_row)."""
    from openpyxl import Workbook

    class SafeWorkbook(Workbook):
        def create_sheet(self, *args, **kwargs):
            return _SafeSheet(super().create_sheet(*args, **kwargs))

    return SafeWorkbook(write_only=True)
