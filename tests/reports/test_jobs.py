"""The monthly mail: on the first working day, once per manager and month, with the figures and a link."""

from datetime import UTC, datetime

import sqlalchemy as sa

from helpdesk.notifications.models import OutboundMessage
from helpdesk.reports.jobs import first_working_moment, monthly_reports
from helpdesk.reports.models import ReportRun
from helpdesk.reports.months import Month
from helpdesk.scheduler import job_table


def report_mails(session):
    return session.scalars(sa.select(OutboundMessage).where(OutboundMessage.kind == "monthly_report")
                           .order_by(OutboundMessage.id)).all()


def test_first_working_day_follows_the_organisations_calendar(users):
    org = users["karin"].organisation_id
    # 1 December 2026 is a Tuesday: opening at 08:00 Stockholm time (07:00 UTC).
    assert first_working_moment(org, Month(2026, 12)) == datetime(2026, 12, 1, 7, tzinfo=UTC)
    # 1 January 2027 is a holiday, then a weekend: Monday the 4th.
    assert first_working_moment(org, Month(2027, 1)) == datetime(2027, 1, 4, 7, tzinfo=UTC)
    # 1 August 2027 is a Sunday; summer time: 08:00 is 06:00 UTC on Monday the 2nd.
    assert first_working_moment(org, Month(2027, 8)) == datetime(2027, 8, 2, 6, tzinfo=UTC)


def test_managers_get_last_months_report_once_on_the_first_working_day(october, users, clock, session):
    session.commit()  # the job ends its read transaction; what the test built must survive that
    clock.set(datetime(2026, 11, 2, 6, 30, tzinfo=UTC))  # Monday 2 November, 07:30 in Stockholm: not open yet
    assert monthly_reports(clock) == 0
    assert report_mails(session) == []
    clock.set(datetime(2026, 11, 2, 7, 5, tzinfo=UTC))
    assert monthly_reports(clock) == 2  # karin and maria, the demo's managers
    assert monthly_reports(clock) == 0
    clock.advance(days=3)
    assert monthly_reports(clock) == 0
    mails = report_mails(session)
    assert sorted(m.recipients[0] for m in mails) == ["karin@exempelby.se", "maria@exempelby.se"]
    runs = session.scalars(sa.select(ReportRun).order_by(ReportRun.user_id)).all()
    assert {(r.month, r.kind) for r in runs} == {("2026-10", "monthly")}
    assert {r.outbound_message_id for r in runs} == {m.id for m in mails}
    karin = next(m for m in mails if m.recipients == ["karin@exempelby.se"])
    assert karin.subject == "SLA-rapport för oktober 2026"
    assert "http://127.0.0.1:5000/reports/monthly/2026-10" in karin.body_text
    assert "Avslutade ärenden: 1" in karin.body_text  # T5, in the social services' area
    assert "Inkomna ärenden: 0" in karin.body_text
    assert "Verksamhetssystem Socialförvaltningen" in karin.body_text  # the area, named
    assert karin.headers["Auto-Submitted"] == "auto-generated"
    assert 'href="http://127.0.0.1:5000/reports/monthly/2026-10"' in karin.body_html
    run = next(r for r in runs if r.user_id == users["karin"].id)
    assert run.figures["closed"] == 1 and run.figures["resolution_share"] == 0.0


def test_the_next_month_is_sent_in_its_turn(users, clock, session):
    clock.set(datetime(2027, 1, 1, 9, tzinfo=UTC))  # New Year's Day: a holiday
    assert monthly_reports(clock) == 0
    clock.set(datetime(2027, 1, 4, 7, 30, tzinfo=UTC))
    assert monthly_reports(clock) == 2
    assert {r.month for r in session.scalars(sa.select(ReportRun))} == {"2026-12"}


def test_inactive_managers_and_managers_without_address_get_nothing(users, clock, session):
    users["karin"].is_active = False
    users["maria"].email = None
    session.commit()
    clock.set(datetime(2026, 11, 2, 8, tzinfo=UTC))
    assert monthly_reports(clock) == 0


def test_the_job_is_scheduled():
    assert "monthly_reports" in {name for name, _function, _seconds in job_table()}
