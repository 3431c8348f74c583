"""Every job is scheduled or listed as manual; long jobs renew their lease."""

import importlib
import inspect
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import helpdesk
from helpdesk import leases, scheduler
from helpdesk.leases import Lease


def jobs_modules():
    """Every helpdesk module named jobs or jobs_*, found on disk (new packages, with or without
    __init__.py, included)."""
    root = Path(helpdesk.__file__).parent
    for path in sorted(root.rglob("jobs*.py")):
        if path.stem == "jobs" or path.stem.startswith("jobs_"):
            parts = path.relative_to(root.parent).with_suffix("").parts
            yield importlib.import_module(".".join(parts))


def job_functions(module):
    """Public functions defined in the module that run with the clock alone: job(clock) -> int."""
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if function.__module__ != module.__name__ or name.startswith("_"):
            continue
        parameters = list(inspect.signature(function).parameters.values())
        if parameters and parameters[0].name == "clock" and all(
                p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters[1:]):
            yield f"{module.__name__}.{name}", function


def test_every_job_function_is_scheduled_or_listed_as_manual(app):
    with app.app_context():
        scheduled = {f"{function.__module__}.{function.__name__}" for _name, function, _s in scheduler.job_table()}
    found = {name for module in jobs_modules() for name, _function in job_functions(module)}
    assert len(found) >= 10 and "helpdesk.sla.jobs_refresh.refresh_open_tickets" in found
    forgotten = found - scheduled - set(scheduler.MANUAL_JOBS)
    assert not forgotten, f"neither in scheduler.job_table() nor in scheduler.MANUAL_JOBS: {sorted(forgotten)}"
    assert set(scheduler.MANUAL_JOBS) <= found, "MANUAL_JOBS names a function that is not there"
    assert all(reason.strip() for reason in scheduler.MANUAL_JOBS.values())


def test_job_names_are_unique(app):
    with app.app_context():
        names = [name for name, _function, _seconds in scheduler.job_table()]
    assert len(names) == len(set(names))


def test_a_long_job_renews_its_lease_between_batches(app, session, clock):
    seen = []

    def long_job(clock):
        for _batch in range(3):
            clock.advance(minutes=3)  # each batch outlasts a quarter of the lease
            leases.keep_alive(clock.now())
            seen.append(session.get(Lease, "job:long").until)
            session.expire_all()
        return 3

    start = clock.now()
    assert scheduler.run_job(app, "long", long_job, 60) == 3
    assert seen == [start + timedelta(minutes=3 * (i + 1)) + timedelta(minutes=4) for i in range(3)]
    assert session.scalar(sa.select(Lease).where(Lease.name == "job:long")) is None  # released at the end


def test_a_job_whose_lease_was_taken_stops(app, session, clock):
    done = []

    def overrun(clock):
        clock.advance(minutes=10)  # past the lease: another scheduler takes it
        assert leases.acquire("job:overrun", now=clock.now(), ttl=timedelta(minutes=4), holder="other:1")
        for batch in range(3):
            leases.keep_alive(clock.now())
            done.append(batch)
        return 3

    assert scheduler.run_job(app, "overrun", overrun, 60) == 0
    assert done == []
    assert session.get(Lease, "job:overrun").holder == "other:1"  # the other's lease is left alone


def test_keep_alive_outside_a_scheduled_run_does_nothing(clock):
    leases.keep_alive(clock.now())


@pytest.mark.parametrize("seconds", [15, 3600])
def test_renew_extends_only_our_own_lease(session, clock, seconds):
    ttl = timedelta(seconds=seconds)
    assert leases.acquire("x", now=clock.now(), ttl=ttl, holder="a")
    assert leases.renew("x", now=clock.now() + ttl, ttl=ttl, holder="a")
    assert not leases.renew("x", now=clock.now(), ttl=ttl, holder="b")
    assert session.get(Lease, "x").until == clock.now() + 2 * ttl
