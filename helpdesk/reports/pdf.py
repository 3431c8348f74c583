"""The monthly report as a PDF for printing (fpdf2, with the DejaVu fonts that matplotlib ships)."""

import io
import os

from flask_babel import gettext as _

from . import followup
from .charts import report_chart
from .definitions import BREAKDOWN_FIGURES, BREAKDOWNS, DIMENSIONS, FIGURES, TERMS, TREND_FIGURES
from .formatting import month_name, number, value_text, weekday_name

KEY_FIGURES = ("opened", "closed", "backlog", "responded", "response_share", "response_median", "response_p90",
               "response_breached", "resolved", "resolution_share", "resolution_median", "resolution_p90",
               "resolution_breached", "paused", "paused_time", "reopened", "reopen_share", "breached", "rated",
               "rating_average", "satisfied_share")


def _fonts():
    import matplotlib

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    return os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")


def _document(title):
    from fpdf import FPDF

    class Report(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font(size=8)
            self.cell(0, 8, _("%(title)s – sida %(page)s av %(pages)s", title=title, page=self.page_no(),
                              pages="{nb}"), align="C")

    pdf = Report(orientation="landscape", format="A4")
    regular, bold = _fonts()
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    pdf.set_font("DejaVu", size=9)
    pdf.set_title(title)
    pdf.set_lang("sv")
    pdf.set_creator("Helpdesk")
    pdf.set_auto_page_break(True, margin=15)
    return pdf


def _heading(pdf, text, size=13):
    pdf.set_font(style="B", size=size)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=9)
    pdf.ln(1)


def _table(pdf, rows, widths):
    with pdf.table(col_widths=widths, text_align=["LEFT"] + ["RIGHT"] * (len(widths) - 1),
                   line_height=5, first_row_as_headings=True) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(str(value))
    pdf.ln(3)


def report_pdf(report, *, scope_text="") -> bytes:
    """Title and scope, key figures, trend with charts, breakdowns, reasons, channels, definitions."""
    month = month_name(report.month)
    title = _("SLA-rapport för %(month)s", month=month)
    pdf = _document(title)
    pdf.add_page()
    _heading(pdf, title, size=16)
    organisation = report.organisation.name if report.organisation else _("Alla organisationer")
    pdf.multi_cell(0, 5, f"{organisation}. {scope_text}", new_x="LMARGIN", new_y="NEXT")
    if not report.complete:
        pdf.multi_cell(0, 5, _("Månaden pågår: siffrorna gäller fram till rapportens tidpunkt."),
                       new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _heading(pdf, _("Nyckeltal"))
    rows = [(_("Nyckeltal"), _("Värde"))]
    rows += [(str(FIGURES[k].title), _value(k, report.total.values.get(k))) for k in KEY_FIGURES]
    _table(pdf, rows, (90, 45))

    pdf.add_page()
    _heading(pdf, _("Tolv månader"))
    for name in ("volume", "within_target"):
        png = report_chart(name, trend=report.trend, goal=report.goal_percent, fmt="png")
        pdf.image(io.BytesIO(png), w=200)
    rows = [(_("Månad"), *(str(FIGURES[k].title) for k in TREND_FIGURES))]
    rows += [(month_name(r.month), *(_value(k, r.values[k]) for k in TREND_FIGURES)) for r in report.trend]
    _table(pdf, rows, (40, 30, 30, 40, 45, 45))

    for dimension in BREAKDOWNS:
        pdf.add_page()
        _heading(pdf, str(DIMENSIONS[dimension].title))
        rows = [(str(DIMENSIONS[dimension].title), *(str(FIGURES[k].title) for k in BREAKDOWN_FIGURES))]
        rows += [(r.label, *(_value(k, r.values[k]) for k in BREAKDOWN_FIGURES))
                 for r in report.breakdowns[dimension]]
        _table(pdf, rows, (52,) + (22.5,) * len(BREAKDOWN_FIGURES))

    pdf.add_page()
    _heading(pdf, _("Överskridna tider och orsaker"))
    rows = [(_("Orsak"), _("Ärenden"))] + [(r or _("Ingen orsak angiven"), number(n)) for r, n in report.reasons]
    _table(pdf, rows, (150, 30))
    _heading(pdf, _("Kanaler och veckodagar"))
    rows = [(_("Kanal"), _("Inkomna"))] + [(r.label, number(r.values["opened"])) for r in report.channels]
    _table(pdf, rows, (60, 30))
    rows = [(_("Veckodag"), _("Inkomna"))]
    rows += [(weekday_name(d), number(n)) for d, n in enumerate(report.weekday_totals)]
    _table(pdf, rows, (60, 30))

    for title, rows in followup.sheets(report.followup):
        pdf.add_page()
        _heading(pdf, title)
        width = len(rows[0])
        _table(pdf, [[followup.text(v) for v in row] for row in rows], (60,) + (200 / (width - 1),) * (width - 1))

    pdf.add_page()
    _heading(pdf, _("Så räknas nyckeltalen"))
    for term, text in [*TERMS, *((f.title, f.definition) for f in FIGURES.values()), *followup.definition_items()]:
        pdf.set_font(style="B")
        pdf.multi_cell(0, 5, str(term), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(style="")
        pdf.multi_cell(0, 5, str(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())


def _value(key, value) -> str:
    figure = FIGURES[key]
    text = value_text(figure, value)
    if figure.kind == "share" and value is not None and value.denominator:
        text += f" ({number(value.numerator)}/{number(value.denominator)})"
    return text
