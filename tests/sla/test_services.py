"""SLA state on real tickets: derived from history, paused and resumed, kept across changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.sla.recompute import recompute
from helpdesk.sla.services import NO_DEADLINE, cached_fields, notified_alerts, state_of
from helpdesk.tickets import services
from helpdesk.tickets.models import Status, TicketEvent
from tests import factories as f


def local(*args):
    return datetime(*args, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)


def test_maundy_thursday_report_is_due_after_easter(users, clock):
    # 16:50 on Skärtorsdagen, when the office closed at 14:00; guld P1 on E-post: 4 business hours.
    clock.set(local(2026, 4, 2, 16, 50))
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", impact=1, urgency=1)
    assert t.resolution_due_at == local(2026, 4, 7, 12, 0)


def test_round_the_clock_system_counts_nights(users, clock):
    clock.set(local(2026, 11, 20, 22, 0))  # Friday night
    t = f.ticket(users["anna"], now=clock.now(), system_name="Trygghetslarm", impact=1, urgency=1)
    assert t.resolution_due_at == local(2026, 11, 21, 2, 0)


def test_pause_and_resume_move_the_due_time(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")  # guld P4: 24 h
    first_due = t.resolution_due_at
    clock.advance(hours=1)
    services.change_status(t, Status.WAITING_REQUESTER, actor=users["erik"], now=clock.now())
    assert t.resolution_due_at is None and t.sla_paused_since == clock.now() and t.due_at == NO_DEADLINE
    clock.advance(hours=2)  # two business hours paused
    services.add_reply(t, body="Här är skärmbilden", actor=users["anna"], now=clock.now(), staff=False)
    assert t.status == Status.OPEN and t.sla_paused_since is None
    assert t.resolution_due_at == first_due + timedelta(hours=2)
    state = state_of(t)
    assert state.resolution.paused == timedelta(hours=2)


def test_priority_change_keeps_paused_time(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    clock.advance(hours=1)
    services.change_status(t, Status.WAITING_SUPPLIER, actor=users["erik"], now=clock.now())
    clock.advance(hours=3)
    services.change_status(t, Status.OPEN, actor=users["erik"], now=clock.now())
    services.change_priority(t, impact=1, urgency=1, actor=users["erik"], now=clock.now())
    state = state_of(t)
    assert state.resolution.paused == timedelta(hours=3) and state.resolution.elapsed == timedelta(hours=1)
    assert t.resolution_due_at == clock.now() + timedelta(hours=3)  # guld P1: 4 h, 1 h used


def test_reopened_ticket_runs_again_and_solved_time_is_not_paused_time(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    clock.advance(hours=1)
    services.change_status(t, Status.SOLVED, actor=users["erik"], now=clock.now())
    assert t.resolution_due_at is None and t.sla_paused_since is None
    clock.advance(hours=2)
    services.reject_solution(t, body="Fungerar inte", actor=users["anna"], now=clock.now())
    state = state_of(t)
    assert state.resolution.running and state.resolution.paused == timedelta(0)
    assert state.resolution.elapsed == timedelta(hours=1)


def test_breach_is_recorded_at_the_exact_moment(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", impact=1, urgency=1)
    clock.advance(days=2)
    state = state_of(t)
    assert state.resolution.breached(clock.now()) == f.later(clock.now() - timedelta(days=2), hours=4)
    assert state.first_response.breached(clock.now()) == f.later(clock.now() - timedelta(days=2), minutes=30)
    assert state.resolution.met(clock.now()) is False


def test_first_response_stops_its_clock(users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    clock.advance(minutes=20)
    services.add_reply(t, body="Vi tittar på det", actor=users["erik"], now=clock.now(), staff=True)
    state = state_of(t)
    assert state.first_response.met(clock.now()) and t.first_response_due_at is None


def test_system_change_applies_the_new_calendar_to_the_whole_history(users, clock):
    clock.set(local(2026, 11, 20, 16, 0))  # Friday 16:00
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", impact=1, urgency=1)
    assert t.resolution_due_at == local(2026, 11, 23, 11, 30)  # office hours: 30 min Friday, 3.5 h Monday
    services.change_system(t, f.system("Trygghetslarm"), actor=users["erik"], now=clock.now())
    assert t.resolution_due_at == local(2026, 11, 20, 20, 0)  # around the clock


def test_recompute_check_finds_no_differences_and_repairs_a_broken_cache(users, clock, session):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    services.change_status(t, Status.WAITING_REQUESTER, actor=users["erik"], now=clock.now())
    session.flush()
    assert recompute(now=clock.now(), check=True)["differences"] == 0
    t.due_at = datetime(2000, 1, 1, tzinfo=UTC)
    session.flush()
    assert recompute(now=clock.now(), check=True)["differences"] == 1
    assert recompute(now=clock.now(), check=False)["written"] == 1
    assert recompute(now=clock.now(), check=True)["differences"] == 0


def test_recompute_command(runner):
    result = runner.invoke(args=["sla", "recompute", "--check"])
    assert result.exit_code == 0, result.output
    assert "0 differences" in result.output


@pytest.mark.parametrize("t_level, expected", [(4, 2), (3, 3)])
def test_availability_class_raises_default_priority(users, clock, session, t_level, expected):
    system = f.system("Bibliotekssystem")
    system.klassa_t = t_level
    t = f.ticket(users["helena"], now=clock.now(), system_name="Bibliotekssystem", impact=3, urgency=3)
    assert t.priority == expected


def test_ticket_page_shows_the_timeline_and_queue_marks_paused(client, auth, users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    clock.advance(hours=1)
    services.change_status(t, Status.WAITING_REQUESTER, actor=users["erik"], now=clock.now())
    auth.login("erik")
    html = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert "Servicenivå" in html and "pausad sedan" in html and "60 min" in html
    assert "pausad" in client.get("/queue").get_data(as_text=True)


def test_agent_corrects_the_system(client, auth, users, clock, session):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    response = client.post(f"/tickets/{t.id}/system", data={"system_id": str(f.system("Klientdatorer").id)})
    assert response.status_code == 302
    session.expire_all()
    assert t.system.name == "Klientdatorer"


def test_reply_refreshes_sla_from_its_unflushed_events_as_a_recompute_would(users, clock, session):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    clock.advance(hours=1)
    services.change_status(t, Status.WAITING_REQUESTER, actor=users["erik"], now=clock.now())
    session.flush()
    clock.advance(hours=2)
    with session.no_autoflush:  # as in a batch of mail, where the look-ups below are cached and flush nothing
        services.add_reply(t, body="Här är skärmbilden", actor=users["anna"], now=clock.now(), staff=False)
        assert any(isinstance(o, TicketEvent) and o.kind == "status" for o in session.new)  # reopened, unflushed
        kept = dict(t.__dict__)
    session.flush()
    expected = cached_fields(state_of(t), notified_alerts(t.id))
    assert {name: kept[name] for name in expected} == expected
    assert t.status == Status.OPEN and t.sla_paused_since is None
