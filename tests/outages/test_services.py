"""Notices, "me too", major incidents: who is told what, once."""

import sqlalchemy as sa
import pytest

from helpdesk.errors import DomainError, InvalidField
from helpdesk.extensions import db
from helpdesk.org.models import Department
from helpdesk.outages import services
from helpdesk.outages.models import MajorIncidentPerson, ReportDeflection
from helpdesk.tickets.models import Status, TicketEvent
from tests import factories
from tests.outages.conftest import SOCIAL, employees, mails_to


def test_unplanned_notice_gets_a_major_incident_without_counting_the_agent_as_affected(notice, users):
    assert notice.major_incident_ticket_id is not None
    assert services.affected_people(notice.major_incident_ticket_id) == set()
    assert [s.name for s in notice.systems] == [SOCIAL]


def test_me_too_adds_the_employee_once_and_counts_an_avoided_report(notice, users, clock):
    assert services.me_too(notice, user=users["anna"], comment="Jag också", now=clock.now()) is True
    assert services.me_too(notice, user=users["anna"], now=clock.now()) is False
    person = db.session.get(MajorIncidentPerson, (notice.major_incident_ticket_id, users["anna"].id))
    assert person.comment == "Jag också" and person.source == "me_too"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportDeflection)) == 1


def test_forty_me_too_and_ten_linked_tickets_each_hear_each_update_once(notice, users, clock):
    soc = db.session.scalar(sa.select(Department).where(Department.name == "Socialförvaltningen"))
    pressed = employees(40, now=clock.now(), department=soc)
    reporters = employees(10, now=clock.now(), prefix="anm")
    major = notice.major_incident_ticket
    for person in pressed:
        services.me_too(notice, user=person, now=clock.now())
    linked = [factories.ticket(r, now=clock.now(), system_name=SOCIAL, subject="Kan inte logga in") for r in reporters]
    for t in linked:
        services.link_ticket(major, t, actor=users["sara"], now=clock.now())
    # Someone affected twice: pressed "me too" and has a linked ticket.
    twice = factories.ticket(pressed[0], now=clock.now(), system_name=SOCIAL)
    services.link_ticket(major, twice, actor=users["sara"], now=clock.now())
    clock.advance(minutes=20)
    services.post_update(body="Leverantören felsöker.", notice=notice, actor=users["sara"], now=clock.now())
    clock.advance(minutes=20)
    services.post_update(body="Felet är hittat.", major_ticket=major, actor=users["sara"], now=clock.now())
    clock.advance(minutes=20)
    solved = services.solve_major_incident(major, resolution="Certifikatet är förnyat.", actor=users["sara"],
                                           now=clock.now())
    db.session.commit()  # the tickets' own mail is composed at commit

    assert solved == 12  # the major incident itself, the ten linked tickets and the twice-affected one
    for t in linked + [twice]:
        db.session.refresh(t)
        assert t.status == Status.SOLVED
        assert t.sla_resolved_at is not None  # its own clock stopped
    for person in pressed + reporters:
        assert len(mails_to(person.email, "outage_update")) == 2
    for person in pressed[1:]:
        assert len(mails_to(person.email, "outage_resolved")) == 1
    for person in reporters + [pressed[0]]:  # told through their own ticket's "solved" mail instead
        assert mails_to(person.email, "outage_resolved") == []
        assert len(mails_to(person.email, "solved")) == 1
    db.session.refresh(notice)
    assert notice.ended_at == clock.now() and notice.resolution == "Certifikatet är förnyat."
    assert len(mails_to(users["sara"].email, "outage_update")) == 0


def test_solving_keeps_each_ticket_history(notice, users, clock):
    t = factories.ticket(users["anna"], now=clock.now(), system_name=SOCIAL)
    services.link_ticket(notice.major_incident_ticket, t, actor=users["sara"], now=clock.now())
    clock.advance(hours=1)
    services.solve_major_incident(notice.major_incident_ticket, resolution="Löst.", actor=users["sara"],
                                  now=clock.now())
    kinds = db.session.scalars(sa.select(TicketEvent.kind).where(TicketEvent.ticket_id == t.id)
                               .order_by(TicketEvent.id)).all()
    assert kinds[0] == "created" and "outage:linked" in kinds and kinds[-1] == "status"


def test_subscribers_get_the_notice_and_its_resolution(users, clock):
    system = factories.system("Lönesystem")
    services.subscribe(users["helena"], system, now=clock.now())
    planned = services.publish_notice(
        title="Uppgradering av lönesystemet", systems=[system], kind="planned",
        starts_at=factories.later(clock.now(), days=2), actor=users["per"], now=clock.now())
    assert planned.major_incident_ticket_id is None
    services.close_notice(planned, resolution="Klart.", actor=users["per"], now=clock.now())
    assert [m.kind for m in mails_to(users["helena"].email) if m.kind.startswith("outage")] == [
        "outage_notice", "outage_resolved"]


def test_notice_needs_a_system_and_a_sane_end(users, clock):
    with pytest.raises(InvalidField):
        services.publish_notice(title="X", systems=[], starts_at=clock.now(), actor=users["sara"], now=clock.now())
    with pytest.raises(InvalidField):
        services.publish_notice(title="X", systems=[factories.system(SOCIAL)], starts_at=clock.now(),
                                expected_end_at=factories.later(clock.now(), hours=-1), actor=users["sara"],
                                now=clock.now())


def test_confidential_ticket_cannot_become_a_major_incident(users, clock):
    t = factories.ticket(users["anna"], now=clock.now(), is_confidential=True)
    with pytest.raises(DomainError):
        services.declare_major_incident(t, actor=users["ines"], now=clock.now())
