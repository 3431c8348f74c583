"""`helpdesk directory sync` against the test slapd: create, update, deactivate with consequences, guard, record."""

import json

import pytest
import sqlalchemy as sa
from flask import g

from helpdesk.access.models import AccessGrant
from helpdesk.auth.models import Role, User
from helpdesk.database import unit_of_work
from helpdesk.directory.models import DirectorySync
from helpdesk.tickets.models import Ticket
from tests import factories as f
from tests.directory.slapd import free_port

PASSWORD = "Sommar2026!"
DIRECTORY = {"linnea", "kerstin", "petter", "gunnar", "maria"}


@pytest.fixture
def restore(ldap):
    """Entries a test disables are enabled again afterwards (the slapd lives for the whole session)."""
    changed = []

    def disable(uid):
        changed.append(uid)
        ldap.set(uid, "employeeType", ["disabled"])

    yield disable
    for uid in changed:
        ldap.set(uid, "employeeType", [])


def sync(runner, *args):
    result = runner.invoke(args=["directory", "sync", "--json", *args])
    return result, json.loads(result.output) if result.output.startswith("{") else None


def user(session, username):
    return session.scalar(sa.select(User).where(User.username == username))


def test_sync_json_creates_every_user(runner, ldap, session):
    result, run = sync(runner)
    assert result.exit_code == 0, result.output
    assert run["status"] == "completed" and run["counts"]["seen"] == 5
    assert run["counts"]["created"] == 4  # maria existed and is linked, not duplicated
    assert {c["username"] for c in run["changes"] if c["action"] == "created"} == DIRECTORY - {"maria"}
    for name in DIRECTORY:
        assert user(session, name).auth_source == "ldap"
    assert user(session, "gunnar").is_active is False  # disabled in the directory from the start
    kerstin, petter, linnea = user(session, "kerstin"), user(session, "petter"), user(session, "linnea")
    assert kerstin.roles == {Role.AGENT}
    assert petter.manager_id == kerstin.id and linnea.manager_id == user(session, "maria").id
    record = session.get(DirectorySync, run["id"])
    assert record.created == 4 and json.loads(record.changes) == run["changes"]
    again, second = sync(runner)
    assert second["counts"]["created"] == second["counts"]["updated"] == 0 and second["changes"] == []


def test_disabled_entry_is_deactivated_its_session_ends_and_a_removal_task_opens(
        app, runner, ldap, restore, session, clock):
    sync(runner)
    linnea = user(session, "linnea")
    system = f.system("Verksamhetssystem socialtjänst")
    with unit_of_work():
        session.add(AccessGrant(system_id=system.id, user_id=linnea.id, role="Handläggare",
                                provisioned_at=clock.now()))
    client = app.test_client()
    g.pop("_login_user", None)
    assert client.post("/login", data={"username": "linnea", "password": PASSWORD}).status_code == 302
    g.pop("_login_user", None)
    assert client.get("/").status_code == 200

    restore("linnea")
    result, run = sync(runner)
    assert result.exit_code == 0, result.output
    assert [c["username"] for c in run["changes"] if c["action"] == "deactivated"] == ["linnea"]
    session.refresh(linnea)
    assert linnea.is_active is False and linnea.deactivation_source == "directory"
    g.pop("_login_user", None)
    assert "/login" in client.get("/").location
    grant = session.scalar(sa.select(AccessGrant).where(AccessGrant.user_id == linnea.id))
    task = session.get(Ticket, grant.removal_ticket_id)
    assert task is not None and "Linnea Holm" in task.subject and task.is_open
    assert session.scalar(sa.select(sa.func.count()).select_from(User).where(User.username == "linnea")) == 1


def test_enabled_again_is_reactivated(runner, ldap, restore, session):
    sync(runner)
    restore("petter")
    sync(runner)
    assert user(session, "petter").is_active is False
    ldap.set("petter", "employeeType", [])
    _, run = sync(runner)
    assert run["counts"]["reactivated"] == 1 and user(session, "petter").is_active


def test_guard_stops_a_sync_whose_filter_matches_nothing(app, runner, ldap, session):
    sync(runner)
    app.config["LDAP_SYNC_FILTER"] = "(&(objectClass=inetOrgPerson)(uid=nobody-has-this))"
    result, run = sync(runner)
    assert result.exit_code == 1
    assert run["status"] == "stopped" and "stoppades" in run["message"]
    assert {c["username"] for c in run["changes"]} == DIRECTORY - {"gunnar"}
    assert all(user(session, n).is_active for n in DIRECTORY - {"gunnar"})
    forced, run = sync(runner, "--force")
    assert forced.exit_code == 0 and run["counts"]["deactivated"] == 4
    assert not any(user(session, n).is_active for n in DIRECTORY)
    assert user(session, "admin").is_active  # local accounts are never the directory's to close


def test_dry_run_lists_the_changes_and_changes_nothing(runner, ldap, session):
    before = session.scalar(sa.select(sa.func.count()).select_from(User))
    result, run = sync(runner, "--dry-run")
    assert result.exit_code == 0 and run["status"] == "dry_run"
    assert {c["username"] for c in run["changes"] if c["action"] == "created"} == DIRECTORY - {"maria"}
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == before
    assert user(session, "maria").auth_source == "local"
    _, real = sync(runner)
    assert [(c["action"], c["username"]) for c in real["changes"]] == \
        [(c["action"], c["username"]) for c in run["changes"]]


def test_directory_down_leaves_a_failed_record_and_changes_nothing(app, runner, ldap, session):
    app.config["LDAP_URL"] = f"ldap://127.0.0.1:{free_port()}"
    app.config["LDAP_TIMEOUT"] = 2
    result, run = sync(runner)
    assert result.exit_code == 1 and run["status"] == "failed" and "svarar inte" in run["message"]


def test_scheduler_job_syncs_when_configured(app, ldap, session, clock):
    from helpdesk.scheduler import job_table

    names = {name: (function, seconds) for name, function, seconds in job_table()}
    function, seconds = names["directory_sync"]
    assert seconds == app.config["DIRECTORY_SYNC_MINUTES"] * 60
    assert function(clock) == 5  # four created, maria linked
    run = session.scalar(sa.select(DirectorySync).order_by(DirectorySync.id.desc()))
    assert run.trigger == "scheduler" and run.status == "completed"


def test_scheduler_job_does_nothing_without_ldap(app, session, clock):
    from helpdesk.directory.jobs import scheduled_sync

    assert app.config["LDAP_URL"] is None and scheduled_sync(clock) == 0


def test_entry_disabled_from_the_start_opens_when_enabled(runner, ldap, session):
    sync(runner)
    assert user(session, "gunnar").is_active is False
    ldap.set("gunnar", "employeeType", [])
    try:
        _, run = sync(runner)
        assert run["counts"]["reactivated"] == 1 and user(session, "gunnar").is_active
    finally:
        ldap.set("gunnar", "employeeType", ["disabled"])
