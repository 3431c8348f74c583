"""The update reminder of a major incident."""

from helpdesk.outages import services
from helpdesk.outages.jobs import remind_major_incident_updates
from helpdesk.scheduler import job_table


def test_reminder_after_the_interval_once_per_interval(app, notice, users, clock, session):
    session.commit()
    assert remind_major_incident_updates(clock) == 0
    clock.advance(minutes=61)
    assert remind_major_incident_updates(clock) == 1
    assert remind_major_incident_updates(clock) == 0
    services.post_update(body="Nytt läge.", notice=notice, actor=users["sara"], now=clock.now())
    session.commit()
    clock.advance(minutes=59)
    assert remind_major_incident_updates(clock) == 0
    clock.advance(minutes=2)
    assert remind_major_incident_updates(clock) == 1


def test_reminder_is_scheduled():
    assert "remind_major_incident_updates" in {name for name, _f, _s in job_table()}
