"""Read side of the incident register; always within visible_tickets."""

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
