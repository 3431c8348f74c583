"""The two twelve-month charts drawn straight into the PDF with fpdf2 (vector, no image to render).

The same charts as charts.py draws for the web page, told apart the same way
without colour: opened as solid bars, closed as hatched bars, the open backlog
as a dashed line with squares; first responses as a solid line with diamonds,
resolutions as a long-dashed line with triangles, the goal as a dotted line. The
numbers are in the table under the charts.
"""

import math

from .charts import BLUE, BROWN, GREEN, RED
from .pdf_layout import FONT, INK, MUTED, RULE


def _rgb(colour: str) -> tuple:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _nice_top(value: float) -> tuple[float, float]:
    """A round top for the axis and its step (1, 2 or 5 times a power of ten), about four steps."""
    if value <= 0:
        return 4.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    return step * math.ceil(value / step), step


class _Frame:
    """The plot area of one chart and its value → position mapping."""

    def __init__(self, pdf, x, y, w, h, top, step, labels, unit=""):
        self.pdf, self.x, self.y, self.w, self.h, self.top = pdf, x + 13, y + 7, w - 13, h - 13, top
        self.slot = self.w / max(1, len(labels))
        pdf.set_font(FONT, "", 6.5)
        pdf.set_line_width(0.15)
        value = 0.0
        while value <= top + 1e-9:
            level = self.at(value)
            pdf.set_draw_color(*RULE)
            pdf.line(self.x, level, self.x + self.w, level)
            pdf.set_text_color(*MUTED)
            pdf.set_xy(x, level - 2)
            pdf.cell(12, 4, f"{value:,.0f}".replace(",", "\u00a0") + unit, align="R")
            value += step
        for i, label in enumerate(labels):
            pdf.set_xy(self.centre(i) - self.slot / 2, self.y + self.h + 0.8)
            pdf.cell(self.slot, 4, label, align="C")
        pdf.set_text_color(*INK)

    def at(self, value: float) -> float:
        return self.y + self.h - self.h * min(value, self.top) / self.top

    def centre(self, i: int) -> float:
        return self.x + self.slot * (i + 0.5)


def _marker(pdf, kind, x, y, colour):
    pdf.set_fill_color(*colour)
    pdf.set_dash_pattern()
    r = 0.9
    points = {"square": [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)],
              "diamond": [(x, y - 1.2), (x + 1.2, y), (x, y + 1.2), (x - 1.2, y)],
              "triangle": [(x, y - 1.2), (x + 1.1, y + 0.9), (x - 1.1, y + 0.9)]}[kind]
    pdf.polygon(points, style="F")


def _line(pdf, frame, values, colour, dash, marker):
    """A line through the values (a gap where a month has no data), a marker at each value."""
    pdf.set_draw_color(*colour)
    pdf.set_line_width(0.45)
    segment = []
    for i, value in enumerate([*values, None]):
        if value is None:
            if len(segment) > 1:
                pdf.set_dash_pattern(**dash)
                pdf.polyline(segment)
            segment = []
            continue
        segment.append((frame.centre(i), frame.at(value)))
    for i, value in enumerate(values):
        if value is not None:
            _marker(pdf, marker, frame.centre(i), frame.at(value), colour)
    pdf.set_dash_pattern()


def _hatched_bar(pdf, x, y, w, h, colour):
    pdf.set_draw_color(*colour)
    pdf.set_line_width(0.2)
    with pdf.rect_clip(x, y, w, h):
        offset = -h
        while offset < w:
            pdf.line(x + offset, y + h, x + offset + h, y)
            offset += 1.2
    pdf.set_line_width(0.3)
    pdf.rect(x, y, w, h, style="D")


def _legend(pdf, x, y, items):
    """(swatch drawer, text) pairs in one row above the plot."""
    pdf.set_font(FONT, "", 7)
    for draw, text in items:
        draw(x, y + 1.9)
        pdf.set_xy(x + 6, y)
        pdf.cell(pdf.get_string_width(text) + 1, 3.8, text)
        x += 6 + pdf.get_string_width(text) + 5


def volume_chart(pdf, x, y, w, h, labels, opened, closed, backlog, names):
    """Opened (solid) and closed (hatched) bars per month, open at the month's end as a dashed line."""
    top, step = _nice_top(max([*opened, *closed, *backlog, 1]))
    frame = _Frame(pdf, x, y, w, h, top, step, labels)
    bar = frame.slot * 0.34
    pdf.set_fill_color(*_rgb(BLUE))
    for i, (a, b) in enumerate(zip(opened, closed, strict=True)):
        if a:
            pdf.rect(frame.centre(i) - bar, frame.at(a), bar, frame.at(0) - frame.at(a), style="F")
        if b:
            _hatched_bar(pdf, frame.centre(i), frame.at(b), bar, frame.at(0) - frame.at(b), _rgb(BROWN))
    _line(pdf, frame, backlog, INK, {"dash": 1.2, "gap": 0.8}, "square")

    def solid(sx, sy):
        pdf.set_fill_color(*_rgb(BLUE))
        pdf.rect(sx, sy - 1.5, 4, 3, style="F")

    def hatched(sx, sy):
        _hatched_bar(pdf, sx, sy - 1.5, 4, 3, _rgb(BROWN))

    _legend(pdf, frame.x, y, [(solid, names[0]), (hatched, names[1]),
                              (_line_swatch(pdf, INK, {"dash": 1.2, "gap": 0.8}, "square"), names[2])])


def _line_swatch(pdf, colour, dash, marker):
    def draw(sx, sy):
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.45)
        pdf.set_dash_pattern(**dash)
        pdf.line(sx, sy, sx + 5, sy)
        pdf.set_dash_pattern()
        if marker:
            _marker(pdf, marker, sx + 2.5, sy, colour)
    return draw


def share_chart(pdf, x, y, w, h, labels, response, resolution, goal, names):
    """The shares within target per month as two lines, and the goal as a dotted line."""
    frame = _Frame(pdf, x, y, w, h, 100.0, 20.0, labels, unit=" %")
    pdf.set_draw_color(*_rgb(RED))
    pdf.set_line_width(0.5)
    pdf.set_dash_pattern(dash=0.4, gap=0.8)
    pdf.line(frame.x, frame.at(goal), frame.x + frame.w, frame.at(goal))
    pdf.set_dash_pattern()
    response_dash, resolution_dash = {}, {"dash": 2.0, "gap": 0.8}
    _line(pdf, frame, response, _rgb(BLUE), response_dash, "diamond")
    _line(pdf, frame, resolution, _rgb(GREEN), resolution_dash, "triangle")
    _legend(pdf, frame.x, y, [(_line_swatch(pdf, _rgb(BLUE), response_dash, "diamond"), names[0]),
                              (_line_swatch(pdf, _rgb(GREEN), resolution_dash, "triangle"), names[1]),
                              (_line_swatch(pdf, _rgb(RED), {"dash": 0.4, "gap": 0.8}, None), names[2])])
