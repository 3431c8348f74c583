"""The monthly figures on a hand-built October, each worked out by hand (see conftest)."""

from datetime import UTC, datetime

import pytest

from helpdesk.reports.months import Month
from helpdesk.reports.queries import drilldown_ids, everything_scope, report_scope
from helpdesk.reports.report import Share, monthly_report
from tests.reports.conftest import OCTOBER, REASON, hours


def report_for(user, clock, month=OCTOBER):
    return monthly_report(report_scope(user), month, now=clock.now())


def test_totals_of_the_month(october, users, clock):
    v = report_for(users["admin"], clock).total.values
    assert (v["opened"], v["closed"], v["backlog"]) == (5, 5, 1)
    assert (v["responded"], v["responded_in_time"]) == (3, 2)
    assert v["response_share"] == Share(2, 3)
    assert (v["response_median"], v["response_p90"]) == (hours(0.5), hours(2))
    assert (v["resolved"], v["resolved_in_time"]) == (4, 2)
    assert v["resolution_share"].percent == 50
    assert (v["resolution_median"], v["resolution_p90"]) == (hours(5), hours(96))
    assert (v["paused"], v["paused_time"]) == (1, hours(2))
    assert (v["reopened"], v["reopen_share"]) == (1, Share(1, 4))
    assert (v["response_breached"], v["resolution_breached"], v["breached"]) == (2, 2, 2)


def test_each_figure_counts_the_tickets_the_definitions_name(october, users, clock):
    t = october
    scope, now = report_scope(users["admin"]), clock.now()

    def ids(figure):
        return set(drilldown_ids(scope, OCTOBER, now, figure))

    def of(*names):
        return {t[n].id for n in names}

    assert ids("opened") == of("T1", "T2", "T3", "T4", "T7")
    assert ids("closed") == of("T1", "T2", "T3", "T5", "T7")  # the merged duplicate left the queue too
    assert ids("backlog") == of("T4")
    assert ids("responded") == of("T1", "T2", "T3")
    assert ids("resolved") == of("T1", "T2", "T3", "T5")
    assert ids("resolved_in_time") == of("T1", "T3")
    assert ids("paused") == of("T2")
    assert ids("reopened") == of("T3")
    assert ids("response_breached") == of("T2", "T4")  # T4 is still open at the month's end
    assert ids("resolution_breached") == of("T2", "T4")  # T5's target passed in September


def test_backlog_follows_from_the_previous_month(october, users, clock):
    report = report_for(users["admin"], clock)
    september, this = report.trend[-2], report.trend[-1]
    assert (september.month, september.values["backlog"]) == (Month(2026, 9), 1)  # T5
    assert september.values["backlog"] + this.values["opened"] - this.values["closed"] == this.values["backlog"]
    assert [r.values["opened"] for r in report.trend] == [0] * 10 + [1, 5]
    assert len(report.trend) == 12 and report.trend[0].month == Month(2025, 11)


def test_breakdowns_by_department_priority_and_system(october, users, clock):
    report = report_for(users["admin"], clock)
    by_department = {row.label: row.values for row in report.breakdowns["department"]}
    assert by_department["Tekniska förvaltningen"]["opened"] == 5
    assert by_department["Tekniska förvaltningen"]["closed"] == 4
    assert by_department["Socialförvaltningen"]["closed"] == 1  # T5 on Trygghetslarm
    assert by_department["Socialförvaltningen"]["resolution_median"] == hours(96)
    by_priority = {row.key: row.values for row in report.breakdowns["priority"]}
    assert by_priority[1]["opened"] == 1 and by_priority[1]["resolution_median"] == hours(2)  # T3
    assert by_priority[2]["resolution_share"] == Share(1, 3)  # T1 in time; T2 and T5 late
    by_requester = {row.label: row.values["opened"] for row in report.breakdowns["requester_department"]}
    assert by_requester == {"Barn- och utbildningsförvaltningen": 1, "Kultur- och fritidsförvaltningen": 1,
                            "Miljö- och byggförvaltningen": 2, "Socialförvaltningen": 1}


def test_channels_arrivals_and_reasons(october, users, clock):
    report = report_for(users["admin"], clock)
    assert {row.key: row.values["opened"] for row in report.channels} == {"web": 3, "email": 1, "phone": 1}
    # Stockholm time: T1 Monday 12, T2 Saturday 10, T3 Tuesday 14, T7 Thursday 11, T4 Friday 23 (winter time).
    cells = {(d, h): n for d, hours_ in enumerate(report.arrivals) for h, n in enumerate(hours_) if n}
    assert cells == {(0, 12): 1, (5, 10): 1, (1, 14): 1, (3, 11): 1, (4, 23): 1}
    assert report.reasons == [("", 1), (REASON, 1)]


def test_confidential_tickets_count_only_for_those_who_may_see_them(october, users, clock):
    assert report_for(users["admin"], clock).total.values["opened"] == 5
    security = report_for(users["ines"], clock).total.values
    assert (security["opened"], security["responded"], security["resolved"]) == (6, 4, 5)
    t6 = october["T6"].id
    assert t6 not in drilldown_ids(report_scope(users["admin"]), OCTOBER, clock.now(), "opened")
    assert t6 in drilldown_ids(report_scope(users["ines"]), OCTOBER, clock.now(), "opened")
    assert t6 not in drilldown_ids(everything_scope(), OCTOBER, clock.now(), "opened")


@pytest.mark.parametrize("username, opened, closed", [
    ("karin", 0, 1),  # the social services' manager: their group and systems (T5)
    ("maria", 0, 0),  # the IT manager: the IT unit's groups and the common systems, not Tekniska's VA
    ("bo", 5, 4),  # an agent in the VA group
    ("erik", 5, 5),  # the central service desk sees the whole desk
])
def test_each_area_counts_its_own_tickets(october, users, clock, username, opened, closed):
    values = report_for(users[username], clock).total.values
    assert (values["opened"], values["closed"]) == (opened, closed)


def test_a_requesters_own_tickets_are_not_a_managers_area(october, users, clock):
    # karin reports a fault herself: she may see it, but it is not her area
    from tests import factories as f
    from tests.reports.conftest import VA, at

    f.ticket(users["karin"], now=at(6, 9), system_name=VA, subject="Eget ärende")
    assert report_for(users["karin"], clock).total.values["opened"] == 0


def test_a_month_in_progress_counts_until_now(october, users, clock):
    report = report_for(users["admin"], clock, Month(2026, 11))
    assert not report.complete
    assert report.total.values["closed"] >= 1  # T4 solved on 3 November
    assert report_for(users["admin"], clock).complete


def test_satisfaction_answers_of_the_month(october, users, clock, session):
    from helpdesk.satisfaction.models import SatisfactionRating

    session.add_all([
        SatisfactionRating(ticket_id=october["T1"].id, score=5, comment="", channel="portal",
                           answered_at=datetime(2026, 10, 9, 8, tzinfo=UTC)),
        SatisfactionRating(ticket_id=october["T2"].id, score=2, comment="", channel="link",
                           answered_at=datetime(2026, 10, 12, 8, tzinfo=UTC)),
        SatisfactionRating(ticket_id=october["T5"].id, score=4, comment="", channel="link",
                           answered_at=datetime(2026, 11, 2, 8, tzinfo=UTC)),  # November
    ])
    session.flush()
    v = report_for(users["admin"], clock).total.values
    assert (v["rated"], v["satisfied"], v["rating_average"]) == (2, 1, 3.5)
    assert v["satisfied_share"] == Share(1, 2)
    assert set(drilldown_ids(report_scope(users["admin"]), OCTOBER, clock.now(), "rated")) == {
        october["T1"].id, october["T2"].id}


def test_without_satisfaction_answers_the_figures_are_empty_not_missing(october, users, clock):
    v = report_for(users["admin"], clock).total.values
    assert v["rated"] == 0 and v["rating_average"] is None
