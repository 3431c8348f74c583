"""The monthly report as files: CSV (one figure per line), Excel (a sheet per table), PDF (for printing).

CSV is for machines: every value in one long table with plain numbers (times in
seconds, shares in percent with a decimal point). Excel and PDF are for people:
times in hours, Swedish labels, the definitions included.
"""

import io
import json

from ..spreadsheet import safe_cell as cell

from flask_babel import gettext as _

from ..spreadsheet import SafeDictWriter, csv_writer, safe_workbook
from .definitions import BREAKDOWNS, COUNT, DIMENSIONS, DURATION, FIGURES, SHARE, TERMS, TOTAL, TREND_FIGURES
from .formatting import month_name, weekday_name
from . import followup
from .report import SATISFACTION_FIGURES, Share
from .wording import scope_line

FORMATS = {
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
CSV_COLUMNS = ("section", "month", "dimension", "key", "label", "figure", "title", "value", "numerator",
               "denominator", "unit")
UNITS = {COUNT: "count", SHARE: "percent", DURATION: "seconds", TOTAL: "seconds", "average": "score"}


def render(report, fmt: str, *, scope_text: str = "", everything: bool = False) -> bytes:
    """The report as the bytes of one file format (see FORMATS).

    scope_text says which tickets the reader's report counts (report.scope_description);
    everything, whether that is every organisation's (wording.covers_everything).
    """
    if fmt == "xlsx":
        return to_xlsx(report, scope_text=scope_text, everything=everything)
    if fmt == "pdf":
        return to_pdf(report, scope_text=scope_text, everything=everything)
    writers = {"json": to_json, "csv": to_csv, EXCEL_CSV: to_excel_csv}
    return writers[fmt](report, scope_text=scope_text)


def _plain(value):
    if isinstance(value, Share):
        return {"percent": None if value.percent is None else round(value.percent, 1),
                "numerator": value.numerator, "denominator": value.denominator}
    return value


def to_json(report, *, scope_text="") -> bytes:
    """Everything in one document: shares as percent with numerator and denominator, times in seconds."""
    def rows(items):
        return [{"key": r.key, "label": r.label, "values": {k: _plain(v) for k, v in r.values.items()}}
                for r in items]

    document = {
        "month": report.month.key, "generated_at": report.generated_at.isoformat(), "complete": report.complete,
        "organisation": report.organisation.name if report.organisation else None, "scope": scope_text,
        "goal_percent": report.goal_percent, "missing_facts": report.missing_facts,
        "total": {k: _plain(v) for k, v in report.total.values.items()},
        "breakdowns": {d: rows(report.breakdowns[d]) for d in BREAKDOWNS},
        "trend": [{"month": r.month.key, **{k: _plain(v) for k, v in r.values.items()}} for r in report.trend],
        "channels": rows(report.channels), "arrivals": report.arrivals,
        "breach_reasons": [{"reason": r, "tickets": n} for r, n in report.reasons],
        "satisfaction": None if report.satisfaction is None else {
            "answers": report.satisfaction.answers, "average": report.satisfaction.average,
            "by_score": {str(k): v for k, v in report.satisfaction.by_score.items()}},
        **followup.json_sections(report.followup),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def _raw(figure, value):
    """(value, numerator, denominator) as plain numbers for CSV."""
    if value is None:
        return "", "", ""
    if figure.kind == SHARE:
        percent = value.percent
        return ("" if percent is None else round(percent, 1)), value.numerator, value.denominator
    if figure.kind == "average":
        return round(value, 2), "", ""
    return value, "", ""


def records(report):
    """Every value of the report as dicts with CSV_COLUMNS."""
    month = report.month.key

    def line(section, dimension, key, label, figure_key, value, of_month=month):
        figure = FIGURES[figure_key]
        raw, numerator, denominator = _raw(figure, value)
        return {"section": section, "month": of_month, "dimension": dimension, "key": "" if key is None else key,
                "label": label, "figure": figure_key, "title": str(figure.title), "value": raw,
                "numerator": numerator, "denominator": denominator, "unit": UNITS[figure.kind]}

    for key, value in report.total.values.items():
        yield line("total", "", "", "", key, value)
    for dimension in BREAKDOWNS:
        for row in report.breakdowns[dimension]:
            for key, value in row.values.items():
                yield line("breakdown", dimension, row.key, row.label, key, value)
    for row in report.trend:
        for key in TREND_FIGURES:
            yield line("trend", "", "", "", key, row.values[key], of_month=row.month.key)
    for row in report.channels:
        yield line("channel", "channel", row.key, row.label, "opened", row.values["opened"])
    for day, hours in enumerate(report.arrivals):
        for hour, n in enumerate(hours):
            yield line("arrivals", "weekday_hour", f"{day}-{hour}", f"{weekday_name(day)} {hour:02d}", "opened", n)
    for reason, n in report.reasons:
        yield line("reason", "reason", reason, reason or _("Ingen orsak angiven"), "breached", n)
    for section, dimension, key, label, figure, value, unit in followup.csv_records(report.followup, month):
        yield {"section": section, "month": month, "dimension": dimension, "key": key, "label": cell(label),
               "figure": figure, "title": "", "value": "" if value is None else value, "numerator": "",
               "denominator": "", "unit": unit}


def to_csv(report, *, scope_text="") -> bytes:
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records(report))
    return buffer.getvalue().encode("utf-8-sig")  # the mark lets Excel read åäö


def _human(figure, value):
    """A value for a spreadsheet cell: hours for times, percent for shares, None without data."""
    if value is None:
        return None
    if figure.kind == SHARE:
        return None if value.percent is None else round(value.percent, 1)
    if figure.kind in (DURATION, TOTAL):
        return round(value / 3600, 2)
    if figure.kind == "average":
        return round(value, 2)
    return value


def _unit(figure) -> str:
    return {SHARE: _("procent"), DURATION: _("timmar servicetid"), TOTAL: _("timmar servicetid"),
            "average": _("betyg 1–5")}.get(figure.kind, _("antal"))


def _heading(figure) -> str:
    return f"{figure.title} ({_unit(figure)})"


def to_xlsx(report, *, scope_text="", everything=False) -> bytes:
    book = safe_workbook()  # text cells stay text (issue 8, finding 16)
    sheet = book.create_sheet(_("Nyckeltal"))
    sheet.append([_("SLA-rapport för %(month)s", month=month_name(report.month))])
    sheet.append([scope_line(report.organisation, scope_text, everything=everything)])
    sheet.append([])
    sheet.append([_("Nyckeltal"), _("Värde"), _("Enhet"), _("Täljare"), _("Nämnare"), _("Definition")])
    for key, value in report.total.values.items():
        figure = FIGURES[key]
        parts = (value.numerator, value.denominator) if figure.kind == SHARE and value is not None else (None, None)
        sheet.append([str(figure.title), _human(figure, value), _unit(figure), *parts, str(figure.definition)])
    for dimension in BREAKDOWNS:
        figures = [f for f in FIGURES.values() if f.key not in SATISFACTION_FIGURES]
        sheet = book.create_sheet(str(DIMENSIONS[dimension].title)[:31])
        sheet.append([str(DIMENSIONS[dimension].title)] + [_heading(f) for f in figures])
        for row in report.breakdowns[dimension]:
            sheet.append([row.label] + [_human(f, row.values[f.key]) for f in figures])
    sheet = book.create_sheet(_("Tolv månader"))
    sheet.append([_("Månad")] + [_heading(FIGURES[k]) for k in TREND_FIGURES])
    for row in report.trend:
        sheet.append([row.month.key] + [_human(FIGURES[k], row.values[k]) for k in TREND_FIGURES])
    sheet = book.create_sheet(_("Kanaler"))
    sheet.append([_("Kanal"), _("Inkomna ärenden")])
    for row in report.channels:
        sheet.append([row.label, row.values["opened"]])
    sheet = book.create_sheet(_("Ankomster"))
    sheet.append([_("Timme")] + [weekday_name(d) for d in range(7)])
    for hour in range(24):
        sheet.append([hour] + [report.arrivals[d][hour] for d in range(7)])
    sheet = book.create_sheet(_("Orsaker"))
    sheet.append([_("Orsak"), _("Ärenden med överskriden tid")])
    for reason, n in report.reasons:
        sheet.append([reason or _("Ingen orsak angiven"), n])
    for title, rows in followup.sheets(report.followup):
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append([cell(v) for v in row])
    sheet = book.create_sheet(_("Definitioner"))
    for term, text in TERMS:
        sheet.append([str(term), str(text)])
    for figure in FIGURES.values():
        sheet.append([str(figure.title), str(figure.definition)])
    for term, text in followup.definition_items():
        sheet.append([str(term), str(text)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(report, *, scope_text="", everything=False) -> bytes:
    from .pdf import report_pdf

    return report_pdf(report, scope_text=scope_text, everything=everything)


# Swedish Excel: semicolon separated, decimal comma, UTF-8 with BOM, times in hours and minutes.
EXCEL_CSV = "excel.csv"
FORMATS[EXCEL_CSV] = "text/csv"


def _comma(number, digits=1) -> str:
    return f"{number:.{digits}f}".replace(".", ",")


def hours_minutes(seconds) -> str:
    """Service time as "3 h 25 min"."""
    minutes = int(round(seconds / 60))
    return _("%(h)s h %(m)s min", h=minutes // 60, m=minutes % 60)


def _swedish(figure, value) -> tuple[str, str]:
    """(the value as Swedish Excel reads it, the same time in decimal hours) for one cell."""
    if value is None:
        return "", ""
    if figure.kind == SHARE:
        return ("" if value.percent is None else _comma(value.percent)), ""
    if figure.kind in (DURATION, TOTAL):
        return hours_minutes(value), _comma(value / 3600, 2)
    if figure.kind == "average":
        return _comma(value, 2), ""
    return str(value), ""


def to_excel_csv(report, *, scope_text="") -> bytes:
    """The report for Swedish Excel: one value per line with Swedish headings."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, delimiter=";", lineterminator="\r\n")  # names may come from the directory
    writer.writerow([_("Avsnitt"), _("Månad"), _("Indelning"), _("Värde för"), _("Mått"), _("Värde"),
                     _("Timmar (decimal)"), _("Enhet")])
    sections = {"total": _("Totalt"), "breakdown": _("Fördelning"), "trend": _("Tolv månader"),
                "channel": _("Kanal"), "arrivals": _("Inkommande per timme"), "reason": _("Orsak till överskridande")}
    for row in records(report):
        figure = FIGURES.get(row["figure"])
        if figure is None:  # the follow-up sections (availability, suppliers, effort) carry their own unit
            value = row["value"]
            shown = _comma(value, 2) if isinstance(value, float) else str(value)
            writer.writerow([sections.get(row["section"], row["section"]), row["month"], row["dimension"],
                             row["label"], row["figure"], shown, "", row["unit"]])
            continue
        value = report_value(report, row)
        shown, hours = _swedish(figure, value)
        writer.writerow([sections.get(row["section"], row["section"]), row["month"],
                         str(DIMENSIONS[row["dimension"]].title) if row["dimension"] in DIMENSIONS else "",
                         row["label"], row["title"], shown, hours, _unit(figure)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the mark makes Excel read UTF-8 (åäö)


def report_value(report, row):
    """The value behind a CSV record: a share from its numerator and denominator, else the plain value."""
    if FIGURES[row["figure"]].kind == SHARE:
        return None if row["numerator"] == "" else Share(row["numerator"], row["denominator"])
    return None if row["value"] == "" else row["value"]
