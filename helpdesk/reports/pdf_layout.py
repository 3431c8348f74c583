"""The report PDFs' page furniture (fpdf2, DejaVu from matplotlib): A4 pages, headings, text and tables.

Table columns are sized from their contents: no column is narrower than the
widest single word of its heading (or of any cell), so headings wrap between
words and never inside one; what width is left goes to the columns whose whole
heading would not fit on one line, then to the first (label) column.
"""

import os
from typing import NamedTuple

from flask_babel import gettext as _

FONT = "DejaVu"
WIDTH = 180.0  # A4 portrait less two 15 mm margins
PAD = 1.2  # mm on each side of a table cell
INK, MUTED, RULE, SHADE = (27, 31, 36), (90, 96, 104), (200, 204, 210), (238, 241, 245)
GOOD, BAD = (30, 107, 52), (164, 22, 26)


class Cell(NamedTuple):
    """A table cell with its own look: colour and emphasis ("" or "B")."""

    text: str
    color: tuple = INK
    emphasis: str = ""


def _fonts():
    import matplotlib

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    return {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}, folder


def document(title: str):
    """An A4 portrait document with the title and page numbers in every page's footer."""
    from fpdf import FPDF

    class Report(FPDF):
        def footer(self):
            self.set_y(-11)
            self.set_font(FONT, size=7.5)
            self.set_text_color(*MUTED)
            self.cell(0, 5, _("%(title)s – sida %(page)s av %(pages)s", title=title, page=self.page_no(),
                              pages="{nb}"), align="C")

    pdf = Report(orientation="portrait", format="A4")
    files, folder = _fonts()
    for style, name in files.items():
        pdf.add_font(FONT, style, os.path.join(folder, name))
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_font(FONT, size=9)
    pdf.set_title(title)
    pdf.set_lang("sv")
    pdf.set_creator("Helpdesk")
    return pdf


def heading(pdf, text: str, *, size: float = 12, keep: float = 30):
    """A section heading, on a new page when less than `keep` mm would follow it on this one."""
    if pdf.will_page_break(keep):
        pdf.add_page()
    elif pdf.get_y() > pdf.t_margin + 1:
        pdf.ln(3)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="LEFT")
    pdf.ln(1.5)
    pdf.set_font(FONT, "", 9)


def paragraph(pdf, text: str, *, size: float = 9, emphasis: str = "", color=INK, after: float = 1.5):
    pdf.set_font(FONT, emphasis, size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.47, text, new_x="LMARGIN", new_y="NEXT", align="LEFT")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "", 9)
    pdf.ln(after)


def _text(value) -> str:
    return value.text if isinstance(value, Cell) else str(value)


def _style(value) -> str:
    return value.emphasis if isinstance(value, Cell) else ""


def text_width(pdf, text: str) -> float:
    """pdf.get_string_width(text) in the current font, remembered for the document: a table measures
    the same words and values again and again (in column_widths, then for each row's height and again
    for drawing it), and fpdf2 adds up every character's width each time. Only the measuring is
    remembered; fonts are set as before, so the document's bytes stay the same."""
    widths = pdf.__dict__.setdefault("_helpdesk_widths", {})
    key = (pdf.font_family, pdf.font_style, pdf.font_size_pt, pdf.font_stretching, pdf.char_spacing, text)
    found = widths.get(key)
    if found is None:
        found = widths[key] = pdf.get_string_width(text)
    return found


def column_widths(pdf, headings, rows, *, width=WIDTH, size=8.0, heading_size=8.0) -> list[float]:
    """Widths (mm) so that no word of a heading or cell is broken; see the module docstring.

    Each column first gets its widest heading word (and its widest value, whole, or the widest word of a
    label); then the column whose heading needs the most lines is widened until it needs one line fewer,
    as long as there is room; what is left goes to the first column.
    """
    extra = 2 * PAD + 0.5

    def words(text, style, pt):
        pdf.set_font(FONT, style, pt)
        return [text_width(pdf, w) for w in text.split()], text_width(pdf, " ")

    def lines(measured, room):
        widths_, space = measured
        count, used = 1, 0.0
        for w in widths_:
            if used and used + space + w > room:
                count, used = count + 1, w
            else:
                used = used + space + w if used else w
        return count

    heads = [words(title, "B", heading_size) for title in headings]
    def whole(cell):
        pdf.set_font(FONT, _style(cell), size)
        return text_width(pdf, _text(cell))

    need = []
    for j in range(len(headings)):
        if j == 0:
            body = max((max(words(_text(r[j]), _style(r[j]), size)[0], default=0.0) for r in rows), default=0.0)
        else:
            body = max((whole(r[j]) for r in rows), default=0.0)
        need.append(max(max(heads[j][0], default=0.0), body) + extra)
    label = min(max((whole(r[0]) for r in rows), default=0.0) + extra, width * 0.34)
    pdf.set_font(FONT, "", 9)
    widths = list(need)
    spare = width - sum(widths)
    if spare < 0:
        raise ValueError("table too wide for the page")

    def balance(spare, floor):
        """Widen the column with the tallest heading, one line at a time, down to `floor` lines."""
        while spare > 0.01:
            tallest = max(range(len(widths)), key=lambda j: (lines(heads[j], widths[j] - extra), -j))
            target = lines(heads[tallest], widths[tallest] - extra) - 1
            if target < floor:
                break
            low, high = widths[tallest], widths[tallest] + spare
            if lines(heads[tallest], high - extra) > target:
                break
            for _step in range(20):
                middle = (low + high) / 2
                low, high = (middle, high) if lines(heads[tallest], middle - extra) > target else (low, middle)
            spare -= high - widths[tallest]
            widths[tallest] = high
        return spare

    spare = balance(spare, 3)  # no heading taller than three lines, if it can be had
    give = min(spare, max(0.0, label - widths[0]))  # then the labels on one line, within a third of the width
    widths[0] += give
    spare = balance(spare - give, 1)
    widths[0] += max(0.0, spare)
    return widths


def _wrap(pdf, text: str, room: float) -> list[str]:
    """The text in lines no wider than room, broken only between words (column_widths makes every word fit)."""
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and text_width(pdf, trial) > room:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else [""]


def table(pdf, headings, rows, *, size=8.0, heading_size=8.0, width=WIDTH, align=None, total_row=False):
    """A table with bold headings wrapped between words, numbers right-aligned, a shaded heading row.

    Drawn line by line with fpdf2's cell(): fpdf2's own table lays every cell out twice with its general
    line breaker, which took most of the PDF's time; here the widths are known to fit every word.
    """
    if total_row and rows:
        rows = [*rows[:-1], [Cell(_text(v), INK, "B") for v in rows[-1]]]
    margin, pdf.c_margin = pdf.c_margin, 0.0
    while True:  # a smaller heading font before any word would have to break
        try:
            widths = column_widths(pdf, headings, rows, width=width, size=size, heading_size=heading_size)
            break
        except ValueError:
            if heading_size <= 6.5:
                raise
            heading_size, size = heading_size - 0.5, min(size, heading_size - 0.5)
    align = [{"LEFT": "L", "RIGHT": "R"}[a] for a in (align or ["LEFT"] + ["RIGHT"] * (len(headings) - 1))]
    header = [Cell(title, INK, "B") for title in headings]
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    _row(pdf, header, widths, align, heading_size, (222, 228, 236), bottom=True)
    for i, values in enumerate(rows):
        cells = [v if isinstance(v, Cell) else Cell(str(v)) for v in values]
        height = _height(pdf, cells, widths, size)
        if pdf.will_page_break(height):
            pdf.add_page()
            _row(pdf, header, widths, align, heading_size, (222, 228, 236), bottom=True)
        _row(pdf, cells, widths, align, size, SHADE if i % 2 else None)
    pdf.c_margin = margin
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "", 9)
    pdf.ln(2)


def _lines(pdf, cells, widths, size):
    out = []
    for cell, w in zip(cells, widths, strict=True):
        pdf.set_font(FONT, cell.emphasis, size)
        out.append(_wrap(pdf, cell.text, w - 2 * PAD))
    return out


def _height(pdf, cells, widths, size) -> float:
    return max(len(lines) for lines in _lines(pdf, cells, widths, size)) * size * 0.45 + 1.8


def _row(pdf, cells, widths, align, size, fill, *, bottom=False):
    """One row: its background, each cell's lines (headings sit on the bottom line, values in the middle), a rule."""
    line = size * 0.45
    wrapped = _lines(pdf, cells, widths, size)
    height = max(len(lines) for lines in wrapped) * line + 1.8
    x, y = pdf.l_margin, pdf.get_y()
    if fill:
        pdf.set_fill_color(*fill)
        pdf.rect(x, y, sum(widths), height, style="F")
    for cell, lines, w, a in zip(cells, wrapped, widths, align, strict=True):
        pdf.set_font(FONT, cell.emphasis, size)
        pdf.set_text_color(*cell.color)
        top = y + 0.9 + (height - 1.8 - len(lines) * line) * (1 if bottom else 0.5)
        for k, text in enumerate(lines):
            pdf.set_xy(x + PAD, top + k * line)
            pdf.cell(w - 2 * PAD, line, text, align=a)
        x += w
    pdf.line(pdf.l_margin, y + height, pdf.l_margin + sum(widths), y + height)
    pdf.set_xy(pdf.l_margin, y + height)


def more_rows(shown: int, total: int, where: str) -> str:
    """The note under a shortened table: how many rows are left out and where to find them."""
    return _("och %(n)s till. Hela tabellen finns i %(where)s.", n=total - shown, where=where)
