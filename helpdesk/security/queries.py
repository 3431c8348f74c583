"""Read side of the incident register; always within visible_tickets."""

import statistics
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..tickets.models import Ticket
from ..tickets.queries import visible_tickets
from .models import SecurityIncident

REGISTER_COLUMNS = [
    "ärende", "kännedom", "kategori", "personuppgiftsansvarig", "incidentens art", "kategorier av registrerade",
    "antal registrerade", "kategorier av uppgifter", "antal poster", "konsekvenser", "åtgärder", "riskbedömning",
    "motivering", "anmäld till IMY", "IMY:s referens", "skäl till försening", "information till registrerade",
    "motivering art. 34", "avslutad",
]


def incidents(user):
    """Incidents the user may see, newest first."""
    return db.session.scalars(
        sa.select(SecurityIncident).join(Ticket, Ticket.id == SecurityIncident.ticket_id)
        .where(visible_tickets(user)).order_by(SecurityIncident.awareness_at.desc())).all()


def breach_register(user):
    """Rows of the art. 33(5) register: personal-data incidents, notified or not."""
    for i in incidents(user):
        if not i.personal_data:
            continue
        controller = i.controller_department.name if i.controller_department else i.controller_organisation.name
        yield [i.ticket_id, i.awareness_at.isoformat(), i.category or "", controller, i.nature, i.people_categories,
               i.people_count if i.people_count is not None else "", i.record_categories,
               i.record_count if i.record_count is not None else "", i.consequences, i.measures, i.risk or "",
               i.risk_justification, i.imy_notified_at.isoformat() if i.imy_notified_at else "", i.imy_reference,
               i.late_reason, i.art34_decision or "", i.art34_justification,
               i.handled_at.isoformat() if i.handled_at else ""]


@dataclass
class IncidentSummary:
    """The month's security incidents for the monthly report (security officers only)."""

    total: int = 0
    by_category: dict = field(default_factory=dict)  # MSB category (None: not classified) -> count
    by_organisation: dict = field(default_factory=dict)  # controlling organisation name -> count
    personal_data: int = 0
    hours_to_report: list = field(default_factory=list)  # awareness -> first report to an authority
    deadlines: dict = field(default_factory=dict)  # deadline key -> {"met", "late", "missed", "open"}
    overdue_reviews: list = field(default_factory=list)  # access reviews past their grace period

    @property
    def median_hours_to_report(self) -> float | None:
        return statistics.median(self.hours_to_report) if self.hours_to_report else None


def month_summary(ticket_clause, start, end, *, now, organisation_id=None) -> IncidentSummary:
    """Incidents the clause allows whose awareness falls in [start, end), with their clocks."""
    from ..access.queries import overdue_reviews
    from .services import deadlines_of

    aware = sa.and_(SecurityIncident.awareness_at >= start, SecurityIncident.awareness_at < end)
    # The period's incidents name the tickets to look up; otherwise SQLite may walk every ticket.
    query = (sa.select(SecurityIncident).join(Ticket, Ticket.id == SecurityIncident.ticket_id)
             .where(ticket_clause, aware, Ticket.id.in_(sa.select(SecurityIncident.ticket_id).where(aware))))
    if organisation_id is not None:
        query = query.where(SecurityIncident.controller_organisation_id == organisation_id)
    summary = IncidentSummary()
    for incident in db.session.scalars(query):
        summary.total += 1
        summary.by_category[incident.category] = summary.by_category.get(incident.category, 0) + 1
        name = incident.controller_organisation.name
        summary.by_organisation[name] = summary.by_organisation.get(name, 0) + 1
        summary.personal_data += bool(incident.personal_data)
        if incident.submissions:
            first = min(s.sent_at for s in incident.submissions)
            summary.hours_to_report.append((first - incident.awareness_at).total_seconds() / 3600)
        for deadline in deadlines_of(incident):
            outcome = ("met" if deadline.met() else "late") if deadline.done_at else (
                "missed" if deadline.overdue(now) else "open")
            counts = summary.deadlines.setdefault(deadline.key, {"met": 0, "late": 0, "missed": 0, "open": 0})
            counts[outcome] += 1
    summary.overdue_reviews = overdue_reviews(now, organisation_id=organisation_id)
    return summary
