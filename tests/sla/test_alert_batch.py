"""The SLA job's batch writer: stencilled mail reads exactly as a rendered one; rows as record_event writes them."""

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from helpdesk.notifications.models import OutboundMessage
from helpdesk.notifications.render import render
from helpdesk.notifications.services import ticket_url
from helpdesk.sla.alert_batch import AlertBatch
from helpdesk.sla.alerts import CLOCK_LABELS
from helpdesk.sla.jobs import sla_alerts
from helpdesk.sla.recompute import recompute
from helpdesk.tickets import services
from helpdesk.tickets.models import Ticket, TicketEvent
from tests import factories as f


@pytest.mark.parametrize("kind", ["sla_warning", "sla_breach"])
@pytest.mark.parametrize("locale", ["sv", "en"])
def test_stencilled_alert_mail_is_the_rendered_mail(kind, locale, users, session, clock):
    tricky = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender",
                      subject='Skrivaren <b>"trasig"</b> & 50 %   igen\tnu')
    services.assign(tricky, users["erik"], actor=users["erik"], now=clock.now())
    plain = f.ticket(users["fatima"], now=clock.now(), subject="Utan system och handläggare")
    session.flush()
    due = datetime(2026, 11, 18, 12, 30, tzinfo=UTC)
    batch = AlertBatch([tricky, plain], now=clock.now())
    for ticket in (tricky, plain):
        for clock_name in ("first_response", "resolution"):
            for due_at in (due, None):
                context = {"clock": clock_name, "clock_label": CLOCK_LABELS[clock_name],
                           "percent": 100 if kind == "sla_breach" else 90, "due_at": due_at}
                batch.mails.clear()
                batch._filled.clear()
                batch.mail(kind, ticket, context, locale, "someone@example.org")
                row, = batch.mails
                expected = render(kind, locale, **context, ticket=ticket, message=None, url=ticket_url(ticket),
                                  recipient=None)
                assert (row["subject"], row["body_text"], row["body_html"]) == expected


def test_alert_events_and_cache_are_written_as_the_orm_would(users, session, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", impact=1, urgency=1)
    session.commit()
    assert t.sla_next_alert_at is not None
    clock.advance(days=2)
    assert sla_alerts(clock) > 0
    breach = session.scalars(sa.select(TicketEvent).where(
        TicketEvent.ticket_id == t.id, TicketEvent.kind == "sla_breach").order_by(TicketEvent.id)).first()
    assert breach.at == clock.now() and breach.actor_id is None and breach.old_value is None
    assert json.loads(breach.reason)["clock"] == breach.new_value
    stored = session.execute(sa.select(Ticket.__table__.c.sla_next_alert_at).where(Ticket.id == t.id)).scalar_one()
    assert stored is None and t.sla_next_alert_at is None  # written, and the loaded object agrees
    assert recompute(now=clock.now(), check=True)["differences"] == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)
                          .where(OutboundMessage.ticket_id == t.id, OutboundMessage.kind == "sla_breach")) > 0
