"""Two scheduler processes on one database send every notification once.

Real processes, a real database file (and a PostgreSQL database when configured). A
setup process migrates, loads the demo and reports tickets whose SLA alerts fall due
during the day (its own process, because the test session's db.session is bound to
the test database). Then, round by round with the frozen clock moved on
(HELPDESK_FROZEN_NOW), two processes each run `helpdesk scheduler --once` for the two
jobs that send (outbox, SLA alerts) in a loop for a few seconds. In every other round
the second process's clock is 4½ minutes ahead: past the job leases (4 and 2 minutes),
so both run both jobs at the same time, and only the per-ticket lock and the outbox's
atomic claim keep them apart (a clock that disagrees, or a run that outlasts its lease).

Each process writes the mail it sends to its own folder, one file per send (never
overwriting), so a row sent twice - by one process or by both - leaves two files.
"""

import email
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, reset_postgres

ROOT = Path(__file__).resolve().parent.parent
SKEW = timedelta(minutes=4, seconds=30)
LOOP_SECONDS = 4
SYSTEMS = ["E-post och kalender", "Verksamhetssystem socialtjänst", "Lönesystem", "Bygglovssystem"]
TICKETS_PER_SYSTEM = 6
ALERTS = {"first_response:75", "first_response:90", "first_response:100", "resolution:75", "resolution:90", "resolution:100"}

WORKER = '''
import os, sys, time, uuid
from flask import current_app
from helpdesk.cli import main
from helpdesk.notifications import transports


def send_to_own_file(outbound):
    """The files transport, except that a second send of a row leaves a second file."""
    folder = current_app.config["MAIL_OUT_DIR"]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{outbound.id:08d}-{uuid.uuid4().hex}.eml"), "xb") as fh:
        fh.write(bytes(transports.build_mime(outbound)))


transports.register("files", send_to_own_file)
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    main(["scheduler", "--once", "--job", "send_outbox", "--job", "sla_alerts"], standalone_mode=False)
'''

SETUP = '''
import sys
from pathlib import Path
from tests.test_scheduler import prepare
prepare(sys.argv[1], Path(sys.argv[2]))
'''


def local(*args):
    return datetime(*args, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)


def prepare(url, folder):
    """(In its own process.) The migrated demo database plus critical tickets reported at 09:00."""
    from helpdesk.auth.models import User
    from helpdesk.database import unit_of_work
    from helpdesk.extensions import db
    from helpdesk.tickets import services
    from tests import factories as f
    from tests.conftest import BASE_TIME, build_app

    app = build_app(url, folder)
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        with unit_of_work():
            for n in range(TICKETS_PER_SYSTEM):
                for name in SYSTEMS:
                    t = f.ticket(users[("anna", "goran", "fatima")[n % 3]], now=BASE_TIME, system_name=name,
                                 subject=f"Avbrott {n} i {name}", impact=1, urgency=1)
                    if n % 2:  # half of them taken by someone in the group, the rest unassigned
                        worker = {"E-post och kalender": "erik", "Verksamhetssystem socialtjänst": "sara",
                                  "Lönesystem": "per", "Bygglovssystem": "ahmed"}[name]
                        services.assign(t, users[worker], actor=users[worker], now=BASE_TIME)
        db.engine.dispose()


def sibling_postgres(url):
    """A database of its own next to the test database (the session app's is in use)."""
    base = sa.engine.make_url(url)
    name = f"{base.database}_sched"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.DBAPIError as error:
        pytest.skip(f"cannot create PostgreSQL database {name} for the scheduler test: {error}")
    finally:
        admin.dispose()
    target = base.set(database=name).render_as_string(hide_password=False)
    reset_postgres(target)
    return target


@pytest.fixture
def database_url(app, tmp_path):
    """A fresh database of the session app's kind (SQLite file, or PostgreSQL when configured)."""
    if app.config["DATABASE_URL"].startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'scheduler.sqlite'}"
    return sibling_postgres(PG_URL)


def scheduler_round(url, at, tmp_path, skew):
    """Both processes loop `helpdesk scheduler --once`; the second one's clock is skew ahead."""
    processes = []
    for name, offset in (("a", timedelta(0)), ("b", skew)):
        env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
        env.update(HELPDESK_DATABASE_URL=url, HELPDESK_FROZEN_NOW=(at + offset).isoformat(),
                   HELPDESK_MAIL_TRANSPORT="files", HELPDESK_MAIL_OUT_DIR=str(tmp_path / f"out-{name}"),
                   HELPDESK_SECRET_KEY="test-secret", HELPDESK_TESTING="true")
        processes.append(subprocess.Popen([sys.executable, "-c", WORKER, str(LOOP_SECONDS)], cwd=ROOT, env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=300)
            results.append((process.returncode, out, err))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
    for returncode, _out, err in results:
        assert returncode == 0, err
        # Neither job may fail: a failure would also hide a duplicate that the database refused.
        assert "ERROR" not in err and "Traceback" not in err, err


def test_two_schedulers_send_each_notification_once(database_url, tmp_path):
    setup = subprocess.run([sys.executable, "-c", SETUP, database_url, str(tmp_path / "setup")], cwd=ROOT,
                           capture_output=True, text=True, timeout=300,
                           env={k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")})
    assert setup.returncode == 0, setup.stderr
    # First responses are due 09:30 (guld) and 10:00 (silver); solutions at 13:00 and 15:00.
    moments = [local(2026, 11, 18, 9, 31), local(2026, 11, 18, 12, 1), local(2026, 11, 18, 13, 1),
               local(2026, 11, 18, 14, 25), local(2026, 11, 18, 15, 10)]
    for n, at in enumerate(moments):
        scheduler_round(database_url, at, tmp_path, SKEW if n % 2 else timedelta(0))
    engine = sa.create_engine(database_url)
    try:
        for _ in range(5):  # the last alerts' mail: both go on until the outbox is empty
            with engine.connect() as conn:
                if not conn.scalar(sa.text("SELECT count(*) FROM outbound_message WHERE status <> 'sent'")):
                    break
            scheduler_round(database_url, moments[-1], tmp_path, timedelta(0))
        with engine.connect() as conn:
            outbox = conn.execute(sa.text("SELECT message_id, status, attempts, kind FROM outbound_message")).all()
            alert_rows = conn.execute(sa.text(
                "SELECT e.ticket_id, e.new_value FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id "
                "WHERE e.kind = 'sla_alert' AND t.subject LIKE 'Avbrott %'")).all()
            sla_mails = conn.execute(sa.text(
                "SELECT ticket_id, kind, recipients, subject FROM outbound_message "
                "WHERE kind IN ('sla_warning', 'sla_breach')")).all()
            tickets = conn.scalar(sa.text("SELECT count(*) FROM ticket WHERE subject LIKE 'Avbrott %'"))
    finally:
        engine.dispose()

    files = list(tmp_path.glob("out-*/*.eml"))
    sent = Counter(email.message_from_bytes(p.read_bytes())["Message-ID"].strip("<>") for p in files)
    assert {kind for *_rest, kind in outbox} >= {"acknowledgement", "sla_warning", "sla_breach"}
    assert [row for row in outbox if row.status != "sent" or row.attempts != 1] == []
    assert sent == Counter({row.message_id: 1 for row in outbox}), "a mail was sent twice or not at all"

    per_ticket = Counter(ticket_id for ticket_id, _value in alert_rows)
    assert len(alert_rows) == len(set(alert_rows)) == tickets * len(ALERTS)
    assert set(per_ticket.values()) == {len(ALERTS)} and {v for _t, v in alert_rows} == ALERTS
    duplicates = [m for m, count in Counter((t, k, str(r), s) for t, k, r, s in sla_mails).items() if count > 1]
    assert duplicates == []


def test_once_runs_the_named_jobs_and_exits(runner):
    result = runner.invoke(args=["scheduler", "--once", "--job", "sla_alerts"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sla_alerts: ") and "send_outbox" not in result.output
    assert runner.invoke(args=["scheduler", "--once", "--job", "nonsense"]).exit_code == 2


def test_frozen_now_is_a_test_aid_refused_in_production():
    from helpdesk import create_app
    from helpdesk.clock import SystemClock, configured_clock

    assert configured_clock({"FROZEN_NOW": "2026-11-18T09:00:00+01:00"}).now() == local(2026, 11, 18, 9, 0)
    assert configured_clock({"FROZEN_NOW": "2026-11-18T08:00:00"}).now() == datetime(2026, 11, 18, 8, 0, tzinfo=UTC)
    assert isinstance(configured_clock({"FROZEN_NOW": None}), SystemClock)
    with pytest.raises(RuntimeError, match="FROZEN_NOW"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "q8X2vN4tLr7pZ1mK9sB3wY6hJ0cF5dGe", "FROZEN_NOW": "2026-11-18T08:00:00"})
