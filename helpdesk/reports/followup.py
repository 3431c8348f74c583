"""The follow-up sections of the monthly report: availability, suppliers, effort (issue 14).

Built from the domains' own queries (helpdesk.availability, .suppliers, .effort)
for the report's scope, and given to every output the same way: JSON sections,
CSV lines, Excel sheets, PDF pages and the web report's block. The definitions
of the figures are here too, for the definitions page and the exports.
"""

from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..availability.queries import month_availability
from ..effort import queries as effort
from ..suppliers.queries import follow_up as supplier_follow_up

EFFORT_DIMENSIONS = ("department", "system", "organisation", "group", "type")

DEFINITIONS = {
    "availability": [
        (_l("Uppmätt tillgänglighet"), _l(
            "Andelen av systemets servicetid under månaden då systemet inte hade ett oplanerat avbrott: "
            "(servicetid − avbrottstid) / servicetid. Servicetiden är systemets kalender (öppettider, helgdagar "
            "och undantag); ett avbrott utanför servicetiden räknas inte. Avbrotten kommer från "
            "driftinformationen (även den som hör till ett större driftavbrott), från start till slut; ett "
            "pågående avbrott räknas fram till rapportens tidpunkt. Avbrott som överlappar räknas en gång.")),
        (_l("Avtalad tillgänglighet"), _l(
            "Den nivå som avtalats för systemet, annars för dess servicenivå (guld, silver, brons). Ett system "
            "under sin avtalade nivå flaggas för systemägaren.")),
        (_l("Planerat underhåll"), _l(
            "Servicetid med planerat underhåll som aviserats i driftinformationen. Det räknas inte som avbrott, "
            "utom den del som drar ut över den aviserade sluttiden: den är ett oplanerat avbrott.")),
        (_l("Delvis avbrott"), _l(
            "Servicetid då en del av systemet inte fungerade. Det redovisas för sig och räknas inte in i den "
            "uppmätta tillgängligheten, eftersom hur stor del av tjänsten som föll bort inte är känt.")),
    ],
    "suppliers": [
        (_l("Eskaleringar"), _l("Ärenden som under månaden eskalerades till leverantören enligt avtalet.")),
        (_l("Svar inom avtal"), _l(
            "Leverantörens första svar under månaden som kom inom den avtalade svarstiden. Tiden räknas i "
            "leverantörens servicetid enligt avtalet, från eskaleringen till leverantörens första e-postsvar.")),
        (_l("Lösta inom avtal"), _l(
            "Leverantörsärenden som blev klara under månaden inom den avtalade lösningstiden: från eskaleringen "
            "tills handläggaren markerade leverantörens del som klar, eller ärendet löstes eller stängdes.")),
        (_l("Överskridna tider"), _l(
            "Eskaleringar vars avtalade svars- eller lösningstid passerades under månaden, även om leverantören "
            "ännu inte svarat. Medan ärendet väntar på leverantören står den interna lösningstiden still.")),
    ],
    "effort": [
        (_l("Arbetad tid"), _l("Minuter som handläggare loggat på ärenden under månaden, oavsett när ärendet kom in.")),
        (_l("Kostnad"), _l(
            "Arbetad tid gånger supportgruppens timkostnad när tiden loggades. Kostnaden per förvaltning är "
            "summan av ärendena i den förvaltningen.")),
        (_l("Förvaltning (insats)"), _l(
            "Förvaltningen som äger ärendets system; ett ärende utan system räknas till anmälarens förvaltning.")),
        (_l("Tid per ärende"), _l("Arbetad tid delad med antalet ärenden som någon loggat tid på under månaden.")),
    ],
}


@dataclass
class FollowUp:
    availability: list  # [SystemAvailability]
    suppliers: list  # [ContractRow]
    effort: dict  # dimension -> [EffortRow]
    effort_total: object  # EffortRow


def build(scope, month, now) -> FollowUp:
    """The three sections for the tickets (and systems) in scope."""
    rows = effort.tables(scope, month.start, month.end, EFFORT_DIMENSIONS)
    return FollowUp(availability=month_availability(scope, month, now),
                    suppliers=supplier_follow_up(scope, month, now), effort=rows,
                    effort_total=effort.total_of(rows["department"]))


def _percent(value):
    return None if value is None else round(value, 2)


def _hours(delta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def json_sections(f: FollowUp) -> dict:
    """The sections `availability`, `suppliers` and `effort` of the report's JSON."""
    return {
        "availability": [{
            "system_id": r.system.id, "system": r.system.name, "service_hours": _hours(r.measured.service),
            "measured_percent": _percent(r.percent), "agreed_percent": r.target_percent, "below_agreed": r.flagged,
            "owner": r.system.owner.full_name if r.system.owner else None,
            "unplanned_hours": _hours(r.measured.down), "planned_hours": _hours(r.measured.planned),
            "partial_hours": _hours(r.measured.degraded),
            "outages": [{"notice_id": i.notice_id, "title": i.title, "counted_as": i.kind,
                         "start": i.start.isoformat(), "end": i.end.isoformat()} for i in r.measured.intervals],
            "trend": [{"month": m.key, "measured_percent": _percent(p)} for m, p in r.trend],
        } for r in f.availability],
        "suppliers": [{
            "supplier": r.supplier, "contract": r.contract, "contract_id": r.contract_id,
            "response_minutes": r.response_minutes, "resolution_minutes": r.resolution_minutes, **r.counts,
            "response_share": r.share("responded_in_time", "responded"),
            "resolution_share": r.share("resolved_in_time", "resolved"),
            "response_median_seconds": r.median_response_seconds,
            "resolution_median_seconds": r.median_resolution_seconds,
            "trend": [{"month": m.key, **c} for m, c in r.trend],
        } for r in f.suppliers],
        "effort": {
            "total": _effort_row(f.effort_total),
            **{d: [_effort_row(r) | {"key": r.key, "label": str(r.label)} for r in rows] for d, rows in f.effort.items()},
        },
    }


def _effort_row(r) -> dict:
    return {"minutes": r.minutes, "cost": r.cost, "tickets": r.tickets, "average_minutes": r.average_minutes}


def csv_records(f: FollowUp, month):
    """(section, dimension, key, label, figure, value, unit) lines for the report's CSV."""
    for r in f.availability:
        yield "availability", "system", r.system.id, r.system.name, "measured", _percent(r.percent), "percent"
        yield "availability", "system", r.system.id, r.system.name, "agreed", r.target_percent, "percent"
        yield "availability", "system", r.system.id, r.system.name, "unplanned", _hours(r.measured.down), "hours"
        yield "availability", "system", r.system.id, r.system.name, "planned", _hours(r.measured.planned), "hours"
        yield "availability", "system", r.system.id, r.system.name, "partial", _hours(r.measured.degraded), "hours"
    for r in f.suppliers:
        for key, value in r.counts.items():
            yield "suppliers", "contract", r.contract_id, f"{r.supplier} – {r.contract}", key, value, "count"
    for dimension, rows in f.effort.items():
        for r in rows:
            key = "" if r.key is None else r.key
            yield "effort", dimension, key, str(r.label), "minutes", r.minutes, "minutes"
            yield "effort", dimension, key, str(r.label), "cost", r.cost, "kronor"


def sheets(f: FollowUp):
    """(title, rows) of the Excel sheets and PDF tables, first row the headings."""
    yield _("Tillgänglighet"), [
        [_("System"), _("Uppmätt (procent)"), _("Avtalad (procent)"), _("Under avtalad nivå"),
         _("Oplanerade avbrott (timmar)"), _("Planerat underhåll (timmar)"), _("Delvisa avbrott (timmar)")],
        *[[r.system.name, _percent(r.percent), r.target_percent, _("ja") if r.flagged else _("nej"),
           _hours(r.measured.down), _hours(r.measured.planned), _hours(r.measured.degraded)] for r in f.availability]]
    yield _("Leverantörer"), [
        [_("Leverantör"), _("Avtal"), _("Eskaleringar"), _("Svar"), _("Svar inom avtal"), _("Lösta"),
         _("Lösta inom avtal"), _("Överskridna svarstider"), _("Överskridna lösningstider")],
        *[[r.supplier, r.contract, *(r.counts[k] for k in (
            "escalated", "responded", "responded_in_time", "resolved", "resolved_in_time", "response_breached",
            "resolution_breached"))] for r in f.suppliers]]
    titles = {"department": _("Förvaltning"), "system": _("System"), "organisation": _("Organisation"),
              "group": _("Supportgrupp"), "type": _("Ärendetyp")}
    rows = [[_("Uppdelning"), _("Namn"), _("Timmar"), _("Kostnad (kr)"), _("Ärenden"), _("Minuter per ärende")]]
    for dimension, items in f.effort.items():
        rows += [[titles[dimension], str(r.label), r.hours, r.cost, r.tickets, r.average_minutes] for r in items]
    yield _("Insats och kostnad"), rows


def text(value) -> str:
    """A value in a PDF table: numbers the Swedish way with up to two decimals."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, int | float):
        return format_decimal(value, "#,##0.##")
    return str(value)


def definition_items():
    """(term, text) of every follow-up figure, for the definitions sheet and page."""
    return [item for items in DEFINITIONS.values() for item in items]
