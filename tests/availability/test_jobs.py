"""The monthly mail to owners of systems below their agreed availability."""

from datetime import UTC, datetime

import sqlalchemy as sa

from helpdesk.availability.jobs import availability_alerts
from helpdesk.notifications.models import OutboundMessage
from tests.availability.test_availability import notice, system_with_hours


def alerts(session):
    return session.scalars(sa.select(OutboundMessage).where(OutboundMessage.kind == "availability_alert")).all()


def test_owner_is_told_once_on_the_first_working_day(session, clock, users):
    system = system_with_hours(session)
    notice(session, system, datetime(2026, 2, 10, 9, 0, tzinfo=UTC), 2)
    session.commit()
    clock.set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))  # a Sunday: not yet
    assert availability_alerts(clock) == 0
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # Monday 10:00 in Stockholm
    assert availability_alerts(clock) == 1
    assert availability_alerts(clock) == 0
    (mail,) = alerts(session)
    assert mail.recipients == [system.owner.email]
    assert "Lönesystem: 98.8 %" in mail.body_text and "2026-02" in mail.subject


def test_no_mail_when_every_system_meets_its_level(session, clock):
    system_with_hours(session)
    session.commit()
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert availability_alerts(clock) == 0 and alerts(session) == []
