"""The SLA outcome facts the report counts: derived from history, kept by refresh_sla, checked by recompute."""

from datetime import UTC, datetime, timedelta

from helpdesk.sla.engine import compute
from helpdesk.sla.recompute import recompute
from helpdesk.sla.services import ALWAYS, report_facts
from tests.reports.conftest import at, hours

RULES = {"new": ("run", "run"), "open": ("run", "run"), "waiting_requester": ("pause", "pause"),
         "waiting_supplier": ("run", "pause"), "solved": ("stop", "stop"), "closed": ("stop", "stop")}
T0 = datetime(2026, 10, 5, 10, tzinfo=UTC)
H = timedelta(hours=1)


def facts(changes, first_response_at=None):
    state = compute(created_at=T0, status_changes=changes, first_response_at=first_response_at, calendar=ALWAYS,
                    rules=RULES, targets=(H, 6 * H))
    return report_facts(state)


def test_an_open_ticket_has_due_times_but_no_outcome():
    f = facts([(T0 + H / 2, "open")])
    assert f["sla_first_response_stopped_at"] is None and f["sla_resolved_at"] is None
    assert f["sla_first_response_breach_at"] == T0 + H  # due: a breach once that moment has come
    assert f["sla_resolution_breach_at"] == T0 + 6 * H
    assert (f["sla_paused_seconds"], f["sla_reopened_count"]) == (0, 0)


def test_solved_then_closed_counts_from_the_solving():
    f = facts([(T0 + H, "solved"), (T0 + 50 * H, "closed")], first_response_at=T0 + H / 2)
    assert f["sla_resolved_at"] == T0 + H and f["sla_resolution_seconds"] == hours(1)
    assert f["sla_resolution_met"] is True and f["sla_resolution_breach_at"] is None
    assert f["sla_first_response_stopped_at"] == T0 + H / 2 and f["sla_first_response_seconds"] == 1800


def test_a_pause_is_not_resolution_time_and_a_late_solution_keeps_its_breach():
    f = facts([(T0 + 3 * H, "waiting_requester"), (T0 + 5 * H, "open"), (T0 + 9 * H, "solved")],
              first_response_at=T0 + 2 * H)
    assert f["sla_resolution_seconds"] == hours(7) and f["sla_paused_seconds"] == hours(2)
    assert f["sla_resolution_met"] is False and f["sla_resolution_breach_at"] == T0 + 8 * H
    assert f["sla_first_response_met"] is False and f["sla_first_response_breach_at"] == T0 + H


def test_solving_without_an_answer_stops_the_first_response_clock_and_reopening_restarts_both():
    f = facts([(T0 + H / 2, "solved")])
    assert f["sla_first_response_stopped_at"] == T0 + H / 2 and f["sla_first_response_met"] is True
    f = facts([(T0 + H / 2, "solved"), (T0 + 24 * H, "open"), (T0 + 25 * H, "solved"), (T0 + 26 * H, "closed")])
    assert f["sla_reopened_count"] == 1 and f["sla_resolved_at"] == T0 + 25 * H
    assert f["sla_resolution_seconds"] == hours(1.5)
    assert f["sla_first_response_stopped_at"] == T0 + 25 * H  # never answered: it ran again while reopened


def test_services_keep_the_facts_on_the_ticket(october):
    t2, t3 = october["T2"], october["T3"]
    assert (t2.sla_resolved_at, t2.sla_resolution_seconds, t2.sla_paused_seconds) == (at(10, 17), hours(7), hours(2))
    assert (t2.sla_first_response_seconds, t2.sla_first_response_met) == (hours(2), False)
    assert (t3.sla_reopened_count, t3.sla_resolved_at, t3.sla_first_response_seconds) == (1, at(21, 13), 0)
    assert october["T4"].sla_resolution_breach_at == at(31, 4)
    assert october["T7"].sla_resolved_at == at(15, 9, 10) and october["T7"].merged_into_id == october["T1"].id


def test_recompute_check_covers_the_facts(october, clock, session):
    assert recompute(now=clock.now(), check=True)["differences"] == 0
    october["T2"].sla_resolution_seconds = 1
    october["T3"].sla_reopened_count = None
    session.flush()
    assert recompute(now=clock.now(), check=True)["differences"] == 2
    assert recompute(now=clock.now(), check=False)["written"] == 2
    assert october["T2"].sla_resolution_seconds == hours(7) and october["T3"].sla_reopened_count == 1
