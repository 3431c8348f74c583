"""The yearly report as a PDF, drawn with the monthly report's tooling (fpdf2 and DejaVu)."""

from flask_babel import gettext as _

from ..security.labels import MSB_LABELS
from .followup import text
from .pdf import _document, _heading, _table


def _pair(current, previous, key):
    return text(current.get(key) if current else None), text(previous.get(key) if previous else None)


def _by(rows, key):
    return {r[key]: r for r in rows}


def yearly_pdf(document) -> bytes:
    """Each section with this year and the year before side by side."""
    year, cur, prev = document["year"], document["current"], document["previous"]
    title = _("Årsrapport %(year)s", year=year)
    pdf = _document(title)
    pdf.add_page()
    _heading(pdf, title, size=16)
    pdf.multi_cell(0, 5, document["organisation"] or _("Alla organisationer"), new_x="LMARGIN", new_y="NEXT")
    if not cur["complete"]:
        pdf.multi_cell(0, 5, _("Året pågår: siffrorna gäller fram till rapportens tidpunkt."),
                       new_x="LMARGIN", new_y="NEXT")
    this, last = str(year), str(year - 1)

    _heading(pdf, _("Servicenivåer per förvaltning"))
    rows = [[_("Förvaltning"), _("Lösta inom målet %(y)s", y=this), _("Lösta inom målet %(y)s", y=last),
             _("Första svar inom målet %(y)s", y=this), _("Första svar inom målet %(y)s", y=last)]]
    current, previous = _by(cur["service_levels"], "label"), _by(prev["service_levels"], "label")
    for label in sorted(set(current) | set(previous), key=str.lower):
        c, p = current.get(label), previous.get(label)
        rows.append([label, *_pair(c, p, "resolution_share"), *_pair(c, p, "response_share")])
    _table(pdf, rows, (80, 45, 45, 45, 45))

    _heading(pdf, _("Tillgänglighet för verksamhetskritiska system (procent)"))
    rows = [[_("System"), _("Avtalad"), this, last, _("Avbrott %(y)s (timmar)", y=this)]]
    previous = _by(prev["availability"], "system")
    for r in cur["availability"]:
        p = previous.get(r["system"])
        rows.append([r["system"] + (" (" + _("under avtalad nivå") + ")" if r["below_agreed"] else ""), text(r["agreed_percent"]),
                     text(r["measured_percent"]), text(p["measured_percent"] if p else None), text(r["unplanned_hours"])])
    _table(pdf, rows, (100, 35, 35, 35, 55))

    pdf.add_page()
    _heading(pdf, _("Incidenter och säkerhetsincidenter"))
    ci, pi = cur["incidents"], prev["incidents"]
    rows = [["", this, last], [_("Incidenter"), text(ci["incidents"]), text(pi["incidents"])],
            [_("Säkerhetsincidenter"), text(ci["security_incidents"]), text(pi["security_incidents"])]]
    for key in sorted(set(ci["security_by_msb_category"]) | set(pi["security_by_msb_category"])):
        label = _("Ej klassad") if key == "none" else str(MSB_LABELS.get(int(key), key))
        rows.append([label, text(ci["security_by_msb_category"].get(key, 0)),
                     text(pi["security_by_msb_category"].get(key, 0))])
    _table(pdf, rows, (140, 40, 40))

    _heading(pdf, _("Behörighetsgranskningar"))
    ca, pa = cur["access_reviews"], prev["access_reviews"]
    rows = [["", this, last]] + [[label, text(ca[k]), text(pa[k])] for k, label in (
        ("due", _("Att göra under året")), ("on_time", _("Gjorda i tid")), ("late", _("Gjorda sent")),
        ("not_done", _("Inte gjorda")), ("on_time_share", _("Andel i tid (procent)")))]
    _table(pdf, rows, (140, 40, 40))

    pdf.add_page()
    _heading(pdf, _("Leverantörer"))
    rows = [[_("Leverantör och avtal"), _("Eskaleringar"), _("Svar inom avtal (procent)"),
             _("Lösta inom avtal (procent)"), _("Överskridna tider")]]
    for r in cur["suppliers"]:
        rows.append([f"{r['supplier']} – {r['contract']}", text(r["escalated"]), text(r["response_share"]),
                     text(r["resolution_share"]), text(r["response_breached"] + r["resolution_breached"])])
    if len(rows) == 1:
        rows.append([_("Inga eskaleringar"), "", "", "", ""])
    _table(pdf, rows, (100, 35, 45, 45, 40))

    _heading(pdf, _("Insats och kostnad"))
    ce, pe = cur["effort"], prev["effort"]
    rows = [[_("Förvaltning"), _("Timmar %(y)s", y=this), _("Kostnad %(y)s (kr)", y=this),
             _("Kostnad %(y)s (kr)", y=last)]]
    previous = _by(pe["by_department"], "label")
    for r in ce["by_department"]:
        p = previous.get(r["label"])
        rows.append([r["label"], text(round(r["minutes"] / 60, 1)), text(r["cost"]), text(p["cost"] if p else None)])
    rows.append([_("Totalt"), text(round(ce["minutes"] / 60, 1)), text(ce["cost"]), text(pe["cost"])])
    _table(pdf, rows, (100, 45, 50, 50))
    return bytes(pdf.output())
