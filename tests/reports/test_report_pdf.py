"""The report PDFs read back as text: the exact scope, verdicts in words, headings never broken inside a word,
and a few pages whatever the number of systems."""

import io
import re
from dataclasses import replace
from datetime import UTC, datetime

from openpyxl import load_workbook
from pypdf import PdfReader

from helpdesk.reports.definitions import DIMENSIONS, FIGURES
from helpdesk.reports.exports import render
from helpdesk.reports.pdf import report_pdf
from helpdesk.reports.pdf_layout import document, table, text_width
from helpdesk.reports.queries import everything_scope
from helpdesk.reports.report import Row, monthly_report
from helpdesk.reports.yearly import yearly_report
from helpdesk.reports.yearly_pdf import yearly_pdf

from .conftest import OCTOBER

MONTH = "/reports/monthly/2026-10"
NOVEMBER_5 = datetime(2026, 11, 5, 8, 0, tzinfo=UTC)
# The words of every column heading the PDFs draw.
HEADINGS = [str(f.title) for f in FIGURES.values()] + [str(d.title) for d in DIMENSIONS.values()] + [
    "Nyckeltal", "Värde", "Mål", "Bedömning", "Månad", "Orsak", "Ärenden", "Uppmätt (procent)", "Avtalad (procent)",
    "Oplanerade avbrott (timmar)", "Leverantör och avtal", "Eskaleringar", "Svar inom avtal (procent)",
    "Lösta inom avtal (procent)", "Överskridna tider", "Förvaltning", "Timmar", "Kostnad (kr)",
    "Lösta inom målet 2026", "Första svar inom målet 2025", "Avbrott 2026 (timmar)", "Bedömning 2026",
    "Uppmätt 2026 (procent)", "Granskningar", "Antal", "Kostnad 2025 (kr)", "Timmar 2026"]
WORDS = {w for h in HEADINGS for w in h.split()}


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def broken_words(text: str) -> set[str]:
    """Heading words split over two lines: one line ends with the start of the word, the next begins with the rest.

    (The text of a table heading comes out one line of a cell after the other.)
    """
    lines = [line.split() for line in text.splitlines() if line.split()]
    return {a[-1] + b[0] for a, b in zip(lines, lines[1:], strict=False) if a[-1] + b[0] in WORDS}


def test_pdf_of_a_limited_report_names_the_groups_not_all_organisations(october, client, auth):
    auth.login("sara")
    first = pages(client.get(f"{MONTH}/export.pdf").data)[0]
    assert "Alla organisationer" not in first and "Ärenden hos grupperna" in first
    auth.logout()
    auth.login("admin")
    first = pages(client.get(f"{MONTH}/export.pdf").data)[0]
    assert "Alla organisationer. Alla ärenden utom sekretessmarkerade." in first


def test_excel_of_a_limited_report_says_the_same_scope_as_the_page(october, client, auth):
    auth.login("sara")
    html = client.get(MONTH).get_data(as_text=True)
    lead = html[html.index('<p class="lead">') + len('<p class="lead">'):html.index("</p>", html.index('class="lead"'))]
    book = load_workbook(io.BytesIO(client.get(f"{MONTH}/export.xlsx").data), read_only=True)
    scope = next(book["Nyckeltal"].iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert scope == lead.strip() and "Alla organisationer" not in scope
    book.close()


def test_key_figures_have_target_and_verdict_in_words(october, session):
    report = monthly_report(everything_scope(), OCTOBER, now=NOVEMBER_5)
    first = pages(report_pdf(report, scope_text="Alla ärenden utom sekretessmarkerade.", everything=True))[0]
    assert "Alla organisationer. Alla ärenden utom sekretessmarkerade." in first
    assert "oktober 2026" in first and "Bedömning" in first
    # 2 of 3 first responses in time (66,7 %) is under the 80 % goal; counts have no target.
    assert re.search(r"Första svar inom målet, andel 66,7 % \(2 av 3\) minst 80,0 % ✗ Under målet", first)
    assert re.search(r"Inkomna ärenden 5 – Inget mål", first)


def test_headings_wrap_between_words_and_the_report_stays_a_few_pages(october, session):
    report = monthly_report(everything_scope(), OCTOBER, now=NOVEMBER_5)
    text = pages(report_pdf(report))
    assert 4 <= len(text) <= 6
    assert broken_words("\n".join(text)) == set()
    assert "Överskridna\nlösningstider" in text[2] or "Överskridna lösningstider" in text[2]


def test_a_report_with_two_hundred_systems_shows_the_largest_and_says_how_many_more(october, session):
    report = monthly_report(everything_scope(), OCTOBER, now=NOVEMBER_5)
    model = report.breakdowns["system"][0]
    systems = [Row(i, f"Verksamhetssystem {i}", dict(model.values, opened=i)) for i in range(200)]
    text = pages(report_pdf(replace(report, breakdowns={**report.breakdowns, "system": systems})))
    assert len(text) <= 6
    whole = "\n".join(text)
    assert "Verksamhetssystem 199" in whole  # the largest first
    assert "Verksamhetssystem 150" not in whole
    assert "och 192 till. Hela tabellen finns i webbrapporten och Excel-filen." in whole
    assert broken_words(whole) == set()


def test_a_crowded_table_shrinks_its_headings_rather_than_break_a_word(app):
    long = ["Återöppnade ärenden, andel", "Överskridna lösningstider", "Lösningstid, 90:e percentil",
            "Första svar inom målet, andel", "Pausad tid, summa", "Nöjdhet, medelbetyg", "Mätta första svar",
            "Svarstid, median"]
    headings, rows = ["Supportgrupp", *long], [["Systemförvaltning Miljö och bygg", *["100,0 %"] * len(long)]]
    with app.test_request_context():
        pdf = document("Test")
        pdf.add_page()
        table(pdf, headings, rows)
        ours = bytes(pdf.output())
        naive = document("Test")  # the same table with equal columns, as fpdf2 lays it out by itself
        naive.add_page()
        with naive.table(first_row_as_headings=True) as t:
            for values in [headings, *rows]:
                row = t.row()
                for value in values:
                    row.cell(value)
        theirs = bytes(naive.output())
    assert broken_words(pages(theirs)[0])  # the check sees a word broken inside
    assert broken_words(pages(ours)[0]) == set()
    assert {"Återöppnade", "lösningstider", "percentil", "medelbetyg"} <= set(pages(ours)[0].split())


def test_remembered_widths_are_fpdf2s_for_the_current_font(app):
    """text_width remembers a width per font, style and size: the same number fpdf2 gives, and a
    new one when the font changes (bold, another size)."""
    with app.test_request_context():
        pdf = document("Test")
        pdf.add_page()
        seen = []
        for style, size in [("", 8), ("B", 8), ("", 9), ("", 8), ("B", 8)]:
            pdf.set_font(style=style, size=size)
            seen.append(text_width(pdf, "Överskridna lösningstider"))
            assert seen[-1] == pdf.get_string_width("Överskridna lösningstider")
        pdf.output()  # (closes the font files)
        assert seen[0] < seen[1] and seen[0] < seen[2] and seen[3] == seen[0] and seen[4] == seen[1]


def test_yearly_pdf_has_scope_verdicts_and_whole_words(session, app):
    document_ = yearly_report(everything_scope(), 2026, now=datetime(2026, 11, 18, 8, 0, tzinfo=UTC))
    text = pages(yearly_pdf(document_))
    assert len(text) <= 4
    whole = "\n".join(text)
    assert "Alla organisationer. Alla ärenden utom sekretessmarkerade" in whole
    assert "Bedömning 2026" in whole or "Bedömning\n2026" in whole
    assert re.search(r"Målet nått|Under målet|Ingen data", whole)
    assert broken_words(whole) == set()


def test_every_export_format_still_renders_for_an_organisation(october, session):
    from helpdesk.org.models import Organisation

    organisation = session.query(Organisation).filter_by(name="Exempelby kommun").one()
    report = monthly_report(everything_scope(), OCTOBER, now=NOVEMBER_5, organisation=organisation)
    first = pages(render(report, "pdf", scope_text="Alla ärenden utom sekretessmarkerade.", everything=True))[0]
    assert "Exempelby kommun. Alla ärenden utom sekretessmarkerade." in first
    assert "Alla organisationer" not in first
