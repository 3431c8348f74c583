"""Report charts as SVG drawn by matplotlib, rewritten to work under our Content-Security-Policy.

matplotlib writes its look as style attributes and a <style> element; a page or
image whose policy is "style-src 'self'" must not rely on either (Firefox applies
an SVG image's own policy to it). Every style declaration matplotlib writes has a
presentation attribute of the same name, so each one becomes that attribute.
Series differ by marker, line style and hatching as well as colour, and every
chart has a table of the same numbers beside it on the page.
"""

import io
import xml.etree.ElementTree as ET
from functools import cache

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

# Contrast at least 3:1 against white (WCAG 2.1 1.4.11) for every mark.
BLUE, BROWN, GREEN, RED, INK = "#0b5394", "#8a4b00", "#1e6b34", "#a4161a", "#1b1f24"
FONT = "DejaVu Sans"
FONT_STACK = "DejaVu Sans, Verdana, Arial, sans-serif"
RC = {"svg.fonttype": "none", "svg.hashsalt": "helpdesk-report", "font.family": FONT, "font.size": 10,
      "axes.spines.top": False, "axes.spines.right": False, "hatch.linewidth": 1.0}


@cache
def _matplotlib():
    """matplotlib, set up once for this process (our only user of it; read-only afterwards, so threads are safe)."""
    import matplotlib

    matplotlib.rcParams.update(RC)
    return matplotlib


def _figure(width=7.5, height=3.2):
    _matplotlib()
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def _render(figure, title: str) -> str:
    """SVG text for the page (the PDF draws its own charts: pdf_charts.py)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return strict_svg(buffer.getvalue(), title)


def strict_svg(text: str, title: str) -> str:
    """The SVG without <style>, style attributes or metadata, titled for assistive technology."""
    root = ET.fromstring(text)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG}}}metadata", f"{{{SVG}}}style"):
                parent.remove(child)
    # matplotlib's one rule, "*{stroke-linejoin: round; stroke-linecap: butt}", inherited from the root.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for element in root.iter():
        style = element.attrib.pop("style", None)
        for declaration in filter(None, (d.strip() for d in (style or "").split(";"))):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            element.set(name, FONT_STACK if name == "font-family" else value)
    root.set("role", "img")
    root.set("aria-label", title)
    heading = ET.Element(f"{{{SVG}}}title")
    heading.text = title
    root.insert(0, heading)
    return ET.tostring(root, encoding="unicode")


def _percent_axis(axis):
    from matplotlib.ticker import FuncFormatter

    axis.set_ylim(0, 105)
    axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f} %"))


def _integer_axis(axis):
    from matplotlib.ticker import MaxNLocator

    axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_ylim(bottom=0)


def volume_chart(labels, opened, closed, backlog, *, title, names):
    """Opened and closed per month as bars (closed hatched), open at month end as a dashed line."""
    figure, axis = _figure()
    x = range(len(labels))
    axis.bar([i - 0.2 for i in x], opened, width=0.4, color=BLUE, label=names[0])
    axis.bar([i + 0.2 for i in x], closed, width=0.4, color="white", edgecolor=BROWN, hatch="///",
             label=names[1])
    axis.plot(list(x), backlog, color=INK, linestyle="--", marker="s", label=names[2])
    axis.set_xticks(list(x), labels, rotation=45, ha="right")
    _integer_axis(axis)
    axis.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _render(figure, title)


def share_chart(labels, response, resolution, goal, *, title, names):
    """The shares within target per month as two lines with different markers, and the goal."""
    nan = float("nan")
    figure, axis = _figure()
    x = list(range(len(labels)))
    axis.plot(x, [nan if v is None else v for v in response], color=BLUE, marker="o", label=names[0])
    axis.plot(x, [nan if v is None else v for v in resolution], color=GREEN, marker="^", linestyle="-.",
              label=names[1])
    axis.axhline(goal, color=RED, linestyle=":", linewidth=1.5, label=names[2])
    axis.set_xticks(x, labels, rotation=45, ha="right")
    _percent_axis(axis)
    axis.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _render(figure, title)


def bar_chart(labels, values, *, title, horizontal=False):
    """One series of bars with its value written at each bar."""
    figure, axis = _figure(height=max(2.4, 0.35 * len(labels)) if horizontal else 3.0)
    positions = list(range(len(labels)))
    if horizontal:
        bars = axis.barh(positions, values, color=BLUE)
        axis.set_yticks(positions, labels)
        axis.invert_yaxis()
        axis.set_xlim(0, max(values or [0]) * 1.15 + 1)
    else:
        bars = axis.bar(positions, values, color=BLUE)
        axis.set_xticks(positions, labels)
        _integer_axis(axis)
        axis.set_ylim(0, max(values or [0]) * 1.15 + 1)
    axis.bar_label(bars, labels=[str(v) for v in values], padding=2, fontsize=8)
    return _render(figure, title)


def report_chart(name: str, *, trend=None, channels=None, arrivals=None, goal=80):
    """One of the report's charts (see CHARTS) from the report's own rows."""
    from flask_babel import gettext as _

    from .formatting import number, short_month, weekday_name

    if name in ("volume", "within_target"):
        labels = [short_month(r.month) for r in trend]
        if name == "volume":
            return volume_chart(
                labels, [r.values["opened"] for r in trend], [r.values["closed"] for r in trend],
                [r.values["backlog"] for r in trend], title=_("Inkomna, avslutade och öppna ärenden per månad"),
                names=[_("Inkomna"), _("Avslutade"), _("Öppna vid månadens slut")])
        return share_chart(
            labels, [r.values["response_share"].percent for r in trend],
            [r.values["resolution_share"].percent for r in trend], goal,
            title=_("Andel inom målet per månad"),
            names=[_("Första svar inom målet"), _("Lösta inom målet"), _("Mål %(goal)s %%", goal=number(goal))])
    if name == "channels":
        return bar_chart([r.label for r in channels], [r.values["opened"] for r in channels],
                         title=_("Inkomna ärenden per kanal"), horizontal=True)
    if name == "weekdays":
        return bar_chart([weekday_name(d)[:3] for d in range(7)], [sum(hours) for hours in arrivals],
                         title=_("Inkomna ärenden per veckodag"))
    return bar_chart([str(h) for h in range(24)], [sum(day[h] for day in arrivals) for h in range(24)],
                     title=_("Inkomna ärenden per timme"))


CHARTS = ("volume", "within_target", "channels", "weekdays", "hours")
