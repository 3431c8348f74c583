"""Changes that move open tickets' due times ask the scheduler to recompute them (sla_refresh)."""

import sqlalchemy as sa

from helpdesk.catalogue import services as catalogue
from helpdesk.sla.jobs_refresh import latest, refresh_open_tickets
from helpdesk.sla.models import SlaRefresh
from tests import factories as f
from tests.catalogue.test_services import values_of


def requests(session):
    return session.scalars(sa.select(SlaRefresh.reason).order_by(SlaRefresh.id)).all()


def test_a_systems_service_tier_change_requests_a_refresh_but_its_keywords_do_not(session, users, clock):
    system = f.system("Lönesystem")
    catalogue.update_system(system, values_of(system, keywords="lön"), actor=users["admin"], now=clock.now())
    assert requests(session) == []
    other = "guld" if system.service_tier != "guld" else "brons"
    catalogue.update_system(system, values_of(system, service_tier=other), actor=users["admin"], now=clock.now())
    assert requests(session) == ["system_sla_changed"]


def test_requests_made_before_a_run_are_covered_by_it(session, users, clock):
    from helpdesk.sla.jobs_refresh import request_refresh

    first = request_refresh(actor=users["admin"], now=clock.now(), reason="calendar_updated")
    second = request_refresh(actor=users["admin"], now=clock.now(), reason="service_levels_updated")
    session.commit()
    clock.advance(minutes=1)
    refresh_open_tickets(clock)
    session.expire_all()
    assert first.finished_at == second.finished_at == clock.now()
    assert latest().id == second.id and second.started_at == clock.now() and second.done == second.total > 0
    assert refresh_open_tickets(clock) == 0
