"""The yearly report as a PDF for the kommunstyrelse, drawn like the monthly one (fpdf2 and DejaVu).

Each section has this year and the year before side by side, and a verdict in
words where there is a target: the goal for the shares within target, the agreed
availability of each critical system.
"""

from flask_babel import gettext as _

from ..security.labels import MSB_LABELS
from .followup import text
from .formatting import percent
from .pdf_layout import BAD, GOOD, MUTED, Cell, document, heading, paragraph, table
from .report import goal_percent
from .wording import scope_line


def _pair(current, previous, key):
    return text(current.get(key) if current else None), text(previous.get(key) if previous else None)


def _by(rows, key):
    return {r[key]: r for r in rows}


def service_verdict(row, goal) -> Cell:
    """Met when both shares within target reach the goal; no data when neither was measured."""
    shares = [row.get(k) for k in ("resolution_share", "response_share")] if row else []
    shares = [s for s in shares if s is not None]
    if not shares:
        return Cell(_("Ingen data"), MUTED)
    if all(s >= goal for s in shares):
        return Cell("✓ " + _("Målet nått"), GOOD, "B")
    return Cell("✗ " + _("Under målet"), BAD, "B")


def availability_verdict(row) -> Cell:
    if row["agreed_percent"] is None:
        return Cell(_("Inget mål"), MUTED)
    if row["measured_percent"] is None:
        return Cell(_("Ingen data"), MUTED)
    if row["below_agreed"]:
        return Cell("✗ " + _("Under avtalad nivå"), BAD, "B")
    return Cell("✓ " + _("Avtalad nivå nådd"), GOOD, "B")



def yearly_pdf(document_, *, scope_text=None) -> bytes:
    """Each section with this year and the year before side by side (the command line counts the whole desk)."""
    year, cur, prev = document_["year"], document_["current"], document_["previous"]
    title = _("Årsrapport %(year)s", year=year)
    goal = goal_percent()
    pdf = document(title)
    pdf.add_page()
    heading(pdf, title, size=18)
    scope = scope_text if scope_text is not None else _(
        "Alla ärenden utom sekretessmarkerade; säkerhetsincidenterna räknas alla, även sekretessmarkerade (bara antal).")
    paragraph(pdf, scope_line(document_["organisation"], scope, everything=True), size=10, emphasis="B")
    paragraph(pdf, _("Kalenderåret %(year)s i svensk tid, med %(last)s bredvid.", year=year, last=year - 1),
              color=MUTED)
    if not cur["complete"]:
        paragraph(pdf, _("Året pågår: siffrorna gäller fram till rapportens tidpunkt."), emphasis="B", color=BAD)
    this, last = str(year), str(year - 1)

    heading(pdf, _("Servicenivåer per förvaltning"))
    paragraph(pdf, _("Andel i procent. Målet är %(goal)s för både första svar och lösning.", goal=percent(goal)),
              size=8.5, color=MUTED)
    rows = []
    current, previous = _by(cur["service_levels"], "label"), _by(prev["service_levels"], "label")
    for label in sorted(set(current) | set(previous), key=str.lower):
        c, p = current.get(label), previous.get(label)
        rows.append([label, *_pair(c, p, "resolution_share"), *_pair(c, p, "response_share"),
                     service_verdict(c, goal)])
    table(pdf, [_("Förvaltning"), _("Lösta inom målet %(y)s", y=this), _("Lösta inom målet %(y)s", y=last),
                _("Första svar inom målet %(y)s", y=this), _("Första svar inom målet %(y)s", y=last),
                _("Bedömning %(y)s", y=this)], rows or [[_("Inga mätta ärenden"), "", "", "", "", ""]],
          align=["LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"])

    heading(pdf, _("Tillgänglighet för verksamhetskritiska system"), keep=40)
    rows = []
    previous = _by(prev["availability"], "system")
    for r in cur["availability"]:
        p = previous.get(r["system"])
        rows.append([r["system"], text(r["agreed_percent"]), text(r["measured_percent"]),
                     text(p["measured_percent"] if p else None), text(r["unplanned_hours"]), availability_verdict(r)])
    table(pdf, [_("System"), _("Avtalad (procent)"), _("Uppmätt %(y)s (procent)", y=this),
                _("Uppmätt %(y)s (procent)", y=last), _("Avbrott %(y)s (timmar)", y=this), _("Bedömning")],
          rows or [[_("Inga verksamhetskritiska system"), "", "", "", "", ""]],
          align=["LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"])

    heading(pdf, _("Incidenter och säkerhetsincidenter"), keep=40)
    ci, pi = cur["incidents"], prev["incidents"]
    rows = [[_("Incidenter"), text(ci["incidents"]), text(pi["incidents"])],
            [_("Säkerhetsincidenter"), text(ci["security_incidents"]), text(pi["security_incidents"])]]
    for key in sorted(set(ci["security_by_msb_category"]) | set(pi["security_by_msb_category"])):
        label = _("Ej klassad") if key == "none" else str(MSB_LABELS.get(int(key), key))
        rows.append(["  " + label, text(ci["security_by_msb_category"].get(key, 0)),
                     text(pi["security_by_msb_category"].get(key, 0))])
    table(pdf, [_("Antal"), this, last], rows)

    heading(pdf, _("Behörighetsgranskningar"), keep=40)
    ca, pa = cur["access_reviews"], prev["access_reviews"]
    rows = [[label, text(ca[k]), text(pa[k])] for k, label in (
        ("due", _("Att göra under året")), ("on_time", _("Gjorda i tid")), ("late", _("Gjorda sent")),
        ("not_done", _("Inte gjorda")), ("on_time_share", _("Andel i tid (procent)")))]
    table(pdf, [_("Granskningar"), this, last], rows)

    heading(pdf, _("Leverantörer"), keep=40)
    rows = [[f"{r['supplier']} – {r['contract']}", text(r["escalated"]), text(r["response_share"]),
             text(r["resolution_share"]), text(r["response_breached"] + r["resolution_breached"])]
            for r in cur["suppliers"]]
    table(pdf, [_("Leverantör och avtal"), _("Eskaleringar"), _("Svar inom avtal (procent)"),
                _("Lösta inom avtal (procent)"), _("Överskridna tider")],
          rows or [[_("Inga eskaleringar"), "", "", "", ""]])

    heading(pdf, _("Insats och kostnad"), keep=40)
    ce, pe = cur["effort"], prev["effort"]
    rows = []
    previous = _by(pe["by_department"], "label")
    for r in ce["by_department"]:
        p = previous.get(r["label"])
        rows.append([r["label"], text(round(r["minutes"] / 60, 1)), text(r["cost"]), text(p["cost"] if p else None)])
    rows.append([_("Totalt"), text(round(ce["minutes"] / 60, 1)), text(ce["cost"]), text(pe["cost"])])
    table(pdf, [_("Förvaltning"), _("Timmar %(y)s", y=this), _("Kostnad %(y)s (kr)", y=this),
                _("Kostnad %(y)s (kr)", y=last)], rows, total_row=True)
    return bytes(pdf.output())
