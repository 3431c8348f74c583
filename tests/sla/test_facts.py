"""The SLA cache of many tickets at once (sla.facts.Resolver) is what state_of gives one ticket."""

import sqlalchemy as sa

from helpdesk.catalogue.models import System
from helpdesk.extensions import db
from helpdesk.org.models import Organisation
from helpdesk.sla.facts import CACHE_COLUMNS, Resolver
from helpdesk.sla.models import ServiceLevel
from helpdesk.sla.services import cached_fields, notified_alerts, state_of
from helpdesk.tickets import services
from helpdesk.tickets.models import Status
from tests import factories as f


def _resolved(resolver, t):
    from helpdesk.sla.services import status_changes

    return resolver.fields(system_id=t.system_id, organisation_id=t.organisation_id, priority=t.priority,
                           created_at=t.created_at, changes=status_changes(t.id),
                           first_response_at=t.first_response_at, notified=notified_alerts(t.id), type=t.type)


def test_resolver_finds_the_same_calendar_level_and_state_as_state_of(users, clock, session):
    tickets = [
        f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", impact=1, urgency=1),
        f.ticket(users["anna"], now=clock.now(), system_name="Trygghetslarm", impact=2, urgency=2),
        f.ticket(users["anna"], now=clock.now()),  # no system: the organisation's calendar and tier
    ]
    clock.advance(hours=3)
    services.change_status(tickets[0], Status.WAITING_REQUESTER, actor=users["erik"], now=clock.now())
    clock.advance(days=2)
    services.change_status(tickets[1], Status.SOLVED, actor=users["erik"], now=clock.now())
    # A system without its own hours, an organisation without a calendar, a priority without a level.
    printer = f.system("Skrivare och utskrift")
    tickets.append(f.ticket(users["anna"], now=clock.now(), system_name=printer.name))
    printer.calendar_id = None
    tickets.append(f.ticket(users["anna"], now=clock.now(), impact=3, urgency=3))
    for org in db.session.scalars(sa.select(Organisation)):
        org.default_calendar_id = None
    level = db.session.scalar(sa.select(ServiceLevel).where(ServiceLevel.priority == tickets[-1].priority))
    db.session.delete(level)
    session.flush()
    resolver = Resolver(db.session)
    for t in tickets:
        expected = cached_fields(state_of(t), notified_alerts(t.id))
        assert _resolved(resolver, t) == expected
        assert tuple(expected) == CACHE_COLUMNS


def test_systems_unknown_to_the_catalogue_fall_back_to_the_organisation(users, clock, session):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    resolver = Resolver(db.session)
    system = db.session.get(System, t.system_id)
    resolver.systems.pop(system.id)
    calendar, _targets, _warn = resolver.terms(system.id, t.organisation_id, t.priority)
    assert calendar is resolver.terms(None, t.organisation_id, t.priority)[0]


def test_a_security_incident_runs_on_the_always_open_calendar_in_recompute_as_on_the_page(users, clock, session):
    # Before: the batch recompute gave an incident its system's office hours, so `sla recompute`
    # rewrote the round-the-clock due times that calendar_of gives it.
    from helpdesk.security.services import report_incident
    from helpdesk.sla.models import Calendar

    incident = report_incident(reporter=users["anna"], subject="Phishing", description="Länk klickad",
                               now=clock.now(), system=db.session.scalar(
                                   sa.select(System).where(System.name == "E-post och kalender")))
    session.flush()
    t = incident.ticket
    always = db.session.scalars(sa.select(Calendar).where(Calendar.always_open, Calendar.is_active)).all()
    assert always, "the demo data has a round-the-clock calendar"
    resolver = Resolver(db.session)
    assert _resolved(resolver, t) == cached_fields(state_of(t), notified_alerts(t.id))
    ordinary = resolver.terms(t.system_id, t.organisation_id, t.priority)[0]
    assert resolver.terms(t.system_id, t.organisation_id, t.priority, t.type)[0] is not ordinary
