"""The monthly report as a PDF for a manager: a few A4 pages, not every row.

Page 1 says whose tickets it counts and for which month, and gives each key
figure with its target and a verdict in words (the goal for the shares within
target comes from the report). Then the twelve-month charts with their numbers,
the breakdowns shortened to the largest rows (the web report and the Excel file
have them all), the breaches and their reasons, the follow-up sections, and the
definitions in short.
"""

from flask_babel import gettext as _

from .definitions import BREAKDOWNS, DIMENSIONS, FIGURES, SHARE, TERMS, TREND_FIGURES
from .followup import DEFINITIONS as FOLLOWUP_DEFINITIONS
from .followup import text as plain
from .formatting import month_name, number, percent, short_month, value_text
from .pdf_charts import share_chart, volume_chart
from .pdf_layout import BAD, GOOD, MUTED, WIDTH, Cell, document, heading, more_rows, paragraph, table
from .wording import scope_line

KEY_GROUPS = (
    ("volume", ("opened", "closed", "backlog")),
    ("response", ("responded", "response_share", "response_median", "response_p90", "response_breached")),
    ("resolution", ("resolved", "resolution_share", "resolution_median", "resolution_p90", "resolution_breached",
                    "paused", "paused_time", "reopened", "reopen_share")),
    ("satisfaction", ("rated", "rating_average", "satisfied_share")),
)
# The breakdown columns in the PDF: volume and backlog, the two shares against the goal, the typical time,
# breaches (the web report and Excel have every figure).
PDF_BREAKDOWN_FIGURES = ("opened", "backlog", "response_share", "resolution_share", "resolution_median",
                         "resolution_breached")
TOP_ROWS = 8


def _group_titles():
    return {"volume": _("Volym"), "response": _("Första svar"), "resolution": _("Lösning"),
            "satisfaction": _("Nöjdhet")}


def verdict(figure, value, goal) -> Cell:
    """Met, not met, no target or no data: in words (and a sign), never by colour alone."""
    if not figure.goal:
        return Cell(_("Inget mål"), MUTED)
    if value is None or value.percent is None:
        return Cell(_("Ingen data"), MUTED)
    if value.percent >= goal:
        return Cell("✓ " + _("Målet nått"), GOOD, "B")
    return Cell("✗ " + _("Under målet"), BAD, "B")


def target(figure, goal) -> str:
    return _("minst %(goal)s", goal=percent(goal)) if figure.goal else "–"


def _value(key, value) -> str:
    figure = FIGURES[key]
    text = value_text(figure, value)
    if figure.kind == SHARE and value is not None and value.denominator:
        text += " " + _("(%(n)s av %(d)s)", n=number(value.numerator), d=number(value.denominator))
    return text


def report_pdf(report, *, scope_text="", everything=False) -> bytes:
    """The report in a few pages (see the module docstring)."""
    month = month_name(report.month)
    title = _("SLA-rapport för %(month)s", month=month)
    pdf = document(title)
    pdf.add_page()
    _first_page(pdf, report, title, scope_line(report.organisation, scope_text, everything=everything))
    pdf.add_page()
    _trend_page(pdf, report)
    pdf.add_page()
    _breakdowns(pdf, report)
    _breaches(pdf, report)
    _followup(pdf, report.followup)
    pdf.add_page()
    _definitions(pdf)
    return bytes(pdf.output())


def _first_page(pdf, report, title, scope):
    heading(pdf, title, size=18)
    paragraph(pdf, scope, size=10, emphasis="B")
    paragraph(pdf, _("Perioden är hela %(month)s i svensk tid. Tider är servicetid: de öppettider som gäller "
                     "för ärendets system.", month=month_name(report.month)), color=MUTED)
    if not report.complete:
        paragraph(pdf, _("Månaden pågår: siffrorna gäller fram till rapportens tidpunkt."), emphasis="B", color=BAD)
    if report.missing_facts:
        paragraph(pdf, _("%(n)s av månadens ärenden saknar beräknade SLA-uppgifter och räknas inte i tider och "
                         "avslut.", n=number(report.missing_facts)), emphasis="B", color=BAD)
    values, goal = report.total.values, report.goal_percent
    heading(pdf, _("Sammanfattning"), size=12)
    for key in ("response_share", "resolution_share"):
        figure, value = FIGURES[key], values.get(key)
        if value is None or value.percent is None:
            line = _("%(figure)s: ingen data denna månad.", figure=figure.title)
        else:
            line = _("%(figure)s: %(value)s – %(verdict)s (målet är %(goal)s).", figure=figure.title,
                     value=percent(value.percent), verdict=verdict(figure, value, goal).text, goal=percent(goal))
        paragraph(pdf, line, size=10, after=0.8)
    paragraph(pdf, _("%(opened)s ärenden kom in och %(closed)s avslutades; %(backlog)s var öppna vid månadens slut. "
                     "%(breached)s ärenden fick en överskriden svars- eller lösningstid.",
                     opened=number(values["opened"]), closed=number(values["closed"]),
                     backlog=number(values["backlog"]), breached=number(values["breached"])), size=10)
    heading(pdf, _("Nyckeltal"), size=12)
    rows, titles = [], _group_titles()
    for group, keys in KEY_GROUPS:
        rows.append([Cell(titles[group], emphasis="B"), "", "", ""])
        for key in keys:
            figure = FIGURES[key]
            rows.append([str(figure.title), _value(key, values.get(key)), target(figure, goal),
                         verdict(figure, values.get(key), goal)])
    table(pdf, [_("Nyckeltal"), _("Värde"), _("Mål"), _("Bedömning")], rows, size=8.5, heading_size=8.5,
          align=["LEFT", "RIGHT", "RIGHT", "LEFT"])
    paragraph(pdf, _("Målet gäller andelen första svar och lösningar inom servicenivåns tid. Övriga nyckeltal har "
                     "inget mål och följs som trend. Definitionerna finns sist i rapporten."), size=8, color=MUTED)


def _trend_page(pdf, report):
    heading(pdf, _("Tolv månader"), size=14)
    trend, goal = report.trend, report.goal_percent
    labels = [short_month(r.month) for r in trend]
    paragraph(pdf, _("Inkomna, avslutade och öppna ärenden per månad"), emphasis="B", after=0)
    y = pdf.get_y()
    volume_chart(pdf, pdf.l_margin, y, WIDTH, 62, labels, [r.values["opened"] for r in trend],
                 [r.values["closed"] for r in trend], [r.values["backlog"] for r in trend],
                 [_("Inkomna"), _("Avslutade"), _("Öppna vid månadens slut")])
    pdf.set_xy(pdf.l_margin, y + 64)
    paragraph(pdf, _("Andel inom målet per månad"), emphasis="B", after=0)
    y = pdf.get_y()
    share_chart(pdf, pdf.l_margin, y, WIDTH, 62, labels, [r.values["response_share"].percent for r in trend],
                [r.values["resolution_share"].percent for r in trend], goal,
                [_("Första svar inom målet"), _("Lösta inom målet"), _("Mål %(goal)s", goal=percent(goal))])
    pdf.set_xy(pdf.l_margin, y + 64)
    rows = []
    for r in trend:
        cells = [month_name(r.month)]
        for key in TREND_FIGURES:
            value = r.values[key]
            if FIGURES[key].goal and value.percent is not None and value.percent < goal:
                cells.append(Cell("✗ " + percent(value.percent), BAD))
            else:
                cells.append(value_text(FIGURES[key], value))
        rows.append(cells)
    table(pdf, [_("Månad"), *(str(FIGURES[k].title) for k in TREND_FIGURES)], rows)
    paragraph(pdf, _("✗ betyder under målet %(goal)s.", goal=percent(goal)), size=8, color=MUTED)


def _shortened(rows, key=lambda r: r.values["opened"]):
    """The largest rows first, at most TOP_ROWS of them, and how many there were."""
    ordered = sorted(rows, key=lambda r: (-key(r), r.label.lower()))
    return ordered[:TOP_ROWS], len(ordered)


def _breakdowns(pdf, report):
    heading(pdf, _("Fördelning"), size=14)
    paragraph(pdf, _("De största raderna efter antal inkomna ärenden. Alla rader och fler nyckeltal finns i "
                     "webbrapporten och i Excel-filen."), size=8.5, color=MUTED)
    goal = report.goal_percent
    for dimension in BREAKDOWNS:
        shown, total = _shortened(report.breakdowns[dimension])
        if dimension == "priority":
            shown, total = report.breakdowns[dimension], len(report.breakdowns[dimension])
        heading(pdf, str(DIMENSIONS[dimension].title), size=10.5, keep=22 + 5.5 * len(shown))  # the table whole
        if not shown:
            paragraph(pdf, _("Inga ärenden."), color=MUTED)
            continue
        rows = []
        for r in shown:
            cells = [r.label]
            for key in PDF_BREAKDOWN_FIGURES:
                value = r.values[key]
                if FIGURES[key].goal and value is not None and value.percent is not None and value.percent < goal:
                    cells.append(Cell("✗ " + percent(value.percent), BAD))
                else:
                    cells.append(value_text(FIGURES[key], value) if value is not None else "–")
            rows.append(cells)
        table(pdf, [str(DIMENSIONS[dimension].title), *(str(FIGURES[k].title) for k in PDF_BREAKDOWN_FIGURES)],
              rows)
        if total > len(shown):
            paragraph(pdf, more_rows(len(shown), total, _("webbrapporten och Excel-filen")), size=8, color=MUTED)
    paragraph(pdf, _("✗ betyder under målet %(goal)s.", goal=percent(goal)), size=8, color=MUTED)


def _breaches(pdf, report):
    heading(pdf, _("Överskridna tider och orsaker"), size=14, keep=50)
    values = report.total.values
    paragraph(pdf, _("%(response)s överskridna svarstider och %(resolution)s överskridna lösningstider, i "
                     "%(breached)s ärenden.", response=number(values["response_breached"]),
                     resolution=number(values["resolution_breached"]), breached=number(values["breached"])))
    reasons = sorted(report.reasons, key=lambda item: (-item[1], (item[0] or "").lower()))
    if reasons:
        table(pdf, [_("Orsak"), _("Ärenden")], [[r or _("Ingen orsak angiven"), number(n)]
                                                for r, n in reasons[:TOP_ROWS]])
        if len(reasons) > TOP_ROWS:
            paragraph(pdf, more_rows(TOP_ROWS, len(reasons), _("webbrapporten och Excel-filen")), size=8,
                      color=MUTED)
    channels = ", ".join(f"{r.label} {number(r.values['opened'])}" for r in report.channels)
    if channels:
        paragraph(pdf, _("Inkomna per kanal: %(channels)s.", channels=channels), size=8.5)


def _followup(pdf, f):
    if f is None:
        return
    heading(pdf, _("Tillgänglighet per system"), size=14, keep=50)
    if f.availability:
        ordered = sorted(f.availability, key=lambda r: (not r.flagged, r.percent if r.percent is not None else 101,
                                                        r.system.name.lower()))
        rows = [[r.system.name, plain(None if r.percent is None else round(r.percent, 2)),
                 plain(r.target_percent), _availability_verdict(r),
                 plain(round(r.measured.down.total_seconds() / 3600, 2))] for r in ordered[:TOP_ROWS]]
        table(pdf, [_("System"), _("Uppmätt (procent)"), _("Avtalad (procent)"), _("Bedömning"),
                    _("Oplanerade avbrott (timmar)")], rows, align=["LEFT", "RIGHT", "RIGHT", "LEFT", "RIGHT"])
        if len(ordered) > TOP_ROWS:
            paragraph(pdf, more_rows(TOP_ROWS, len(ordered), _("webbrapporten och Excel-filen")), size=8,
                      color=MUTED)
    else:
        paragraph(pdf, _("Inga system att mäta."), color=MUTED)

    heading(pdf, _("Leverantörer"), size=14, keep=40)
    if f.suppliers:
        ordered = sorted(f.suppliers, key=lambda r: (-r.counts.get("escalated", 0), r.supplier.lower()))
        rows = [[f"{r.supplier} – {r.contract}", plain(r.counts.get("escalated")),
                 plain(r.share("responded_in_time", "responded")), plain(r.share("resolved_in_time", "resolved")),
                 plain(r.counts.get("response_breached", 0) + r.counts.get("resolution_breached", 0))]
                for r in ordered[:TOP_ROWS]]
        table(pdf, [_("Leverantör och avtal"), _("Eskaleringar"), _("Svar inom avtal (procent)"),
                    _("Lösta inom avtal (procent)"), _("Överskridna tider")], rows)
        if len(ordered) > TOP_ROWS:
            paragraph(pdf, more_rows(TOP_ROWS, len(ordered), _("webbrapporten och Excel-filen")), size=8,
                      color=MUTED)
    else:
        paragraph(pdf, _("Inga eskaleringar till leverantörer under månaden."), color=MUTED)

    heading(pdf, _("Insats och kostnad per förvaltning"), size=14, keep=40)
    departments = sorted(f.effort.get("department", []), key=lambda r: (-r.minutes, str(r.label).lower()))
    if departments:
        rows = [[str(r.label), plain(r.hours), plain(r.cost), plain(r.tickets)] for r in departments[:TOP_ROWS]]
        t = f.effort_total
        rows.append([_("Totalt"), plain(t.hours), plain(t.cost), plain(t.tickets)])
        table(pdf, [_("Förvaltning"), _("Timmar"), _("Kostnad (kr)"), _("Ärenden")], rows, total_row=True)
        if len(departments) > TOP_ROWS:
            paragraph(pdf, more_rows(TOP_ROWS, len(departments), _("webbrapporten och Excel-filen")), size=8,
                      color=MUTED)
    else:
        paragraph(pdf, _("Ingen tid loggad under månaden."), color=MUTED)


def _availability_verdict(r) -> Cell:
    if r.target_percent is None:
        return Cell(_("Inget mål"), MUTED)
    if r.percent is None:
        return Cell(_("Ingen data"), MUTED)
    if r.flagged:
        return Cell("✗ " + _("Under avtalad nivå"), BAD, "B")
    return Cell("✓ " + _("Avtalad nivå nådd"), GOOD, "B")


def first_sentence(text) -> str:
    text = str(text)
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


def _definitions(pdf):
    heading(pdf, _("Så räknas nyckeltalen (i korthet)"), size=14)
    paragraph(pdf, _("Hela definitionerna finns på webbrapportens sida Så räknas nyckeltalen och i Excel-filen."),
                     size=8, color=MUTED)
    items = [*TERMS[:3], *((f.title, f.definition) for f in FIGURES.values()),
             *(item for items in FOLLOWUP_DEFINITIONS.values() for item in items[:2])]
    with pdf.text_columns(ncols=2, gutter=6, text_align="LEFT", line_height=1.1) as columns:
        for term, text in items:
            paragraph_ = columns.paragraph(bottom_margin=1.2)
            pdf.set_font(style="B", size=7.5)
            paragraph_.write(f"{term}. ")
            pdf.set_font(style="", size=7.5)
            paragraph_.write(first_sentence(text))
            columns.end_paragraph()
    pdf.set_font(size=9)
