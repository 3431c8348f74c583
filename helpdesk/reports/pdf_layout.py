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
    """A table cell with its own look: colour and emphasis ("", "B", "I")."""

    text: str
    color: tuple = INK
    emphasis: str = ""


def _fonts():
    import matplotlib

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    return {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}, folder


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


def column_widths(pdf, headings, rows, *, width=WIDTH, size=8.0, heading_size=8.0) -> list[float]:
    """Widths (mm) so that no word of a heading or cell is broken; see the module docstring.

    Each column first gets its widest heading word (and its widest value, whole, or the widest word of a
    label); then the column whose heading needs the most lines is widened until it needs one line fewer,
    as long as there is room; what is left goes to the first column.
    """
    extra = 2 * (PAD + pdf.c_margin) + 0.5  # fpdf2 keeps its cell margin inside the padding

    def words(text, style, pt):
        pdf.set_font(FONT, style, pt)
        return [pdf.get_string_width(w) for w in text.split()], pdf.get_string_width(" ")

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
        return pdf.get_string_width(_text(cell))

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


def table(pdf, headings, rows, *, size=8.0, heading_size=8.0, width=WIDTH, align=None, total_row=False):
    """A table with bold headings wrapped between words, numbers right-aligned, a shaded heading row."""
    from fpdf.enums import TableBordersLayout, TableCellFillMode, WrapMode
    from fpdf.fonts import FontFace

    if total_row and rows:
        rows = [*rows[:-1], [Cell(_text(v), INK, "B") for v in rows[-1]]]
    margin, pdf.c_margin = pdf.c_margin, 0.4
    while True:  # a smaller heading font before any word would have to break
        try:
            widths = column_widths(pdf, headings, rows, width=width, size=size, heading_size=heading_size)
            break
        except ValueError:
            if heading_size <= 6.5:
                raise
            heading_size, size = heading_size - 0.5, min(size, heading_size - 0.5)
    align = align or ["LEFT"] + ["RIGHT"] * (len(headings) - 1)
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", text_align=align, wrapmode=WrapMode.WORD,
                   line_height=size * 0.45, padding=(0.9, PAD), v_align="MIDDLE",
                   borders_layout=TableBordersLayout.HORIZONTAL_LINES, cell_fill_color=SHADE,
                   cell_fill_mode=TableCellFillMode.EVEN_ROWS,
                   headings_style=FontFace(emphasis="B", size_pt=heading_size, fill_color=(222, 228, 236))) as t:
        header = t.row(v_align="BOTTOM")
        for title in headings:
            header.cell(title)
        for values in rows:
            row = t.row()
            for value in values:
                if isinstance(value, Cell):
                    row.cell(value.text, style=FontFace(emphasis=value.emphasis or None, color=value.color))
                else:
                    row.cell(str(value))
    pdf.c_margin = margin
    pdf.set_font(FONT, "", 9)
    pdf.ln(2)


def more_rows(shown: int, total: int, where: str) -> str:
    """The note under a shortened table: how many rows are left out and where to find them."""
    return _("och %(n)s till. Hela tabellen finns i %(where)s.", n=total - shown, where=where)
