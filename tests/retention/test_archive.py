"""`helpdesk archive export` and `verify`: the demo data round trip, tampering named, bad input refused."""

import hashlib
import sqlite3

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.retention import archive
from helpdesk.tickets import services
from helpdesk.tickets.loaders import Upload
from helpdesk.tickets.models import Status, Ticket


@pytest.fixture
def closed_demo(users, clock, session):
    """The demo tickets, all closed today with one attachment added, and the clock two days on."""
    tickets = session.scalars(sa.select(Ticket).order_by(Ticket.id)).all()
    services.add_reply(tickets[0], body="Här är skärmdumpen, åäö.", actor=users["sara"], now=clock.now(),
                       staff=True, uploads=[Upload("skärmdump.png", b"\x89PNG demo bytes \x00\xff")])
    for ticket in tickets:
        if ticket.status != Status.CLOSED:
            services.change_status(ticket, Status.CLOSED, actor=users["erik"], now=clock.now())
    session.commit()
    clock.advance(days=2)
    return tickets


def export(runner, out, *extra, day="2026-11-19"):
    return runner.invoke(args=["archive", "export", "--closed-before", day, "--out", str(out), *extra])


def test_export_of_the_demo_data_verifies(closed_demo, runner, tmp_path, clock, session):
    out = tmp_path / "arkiv.sqlite"

    result = export(runner, out)

    assert result.exit_code == 0, result.output
    assert "8 tickets" in result.output
    verified = runner.invoke(args=["archive", "verify", str(out)])
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith("OK: 8 tickets") and "1 attachments" in verified.output
    with sqlite3.connect(out) as conn:
        meta = dict(conn.execute("SELECT key, value FROM metadata"))
        hits = conn.execute("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'skärmdumpen'").fetchall()
        subjects = conn.execute("SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH 'skrivaren'").fetchone()
        content = conn.execute("SELECT content FROM attachments").fetchone()[0]
    assert meta["organisation"] == "all" and meta["exported_at"] == clock.now().isoformat()
    assert meta["period"] == "closed before 2026-11-19 (Europe/Stockholm)"
    assert meta["count:tickets"] == "8" and len(meta["sha256:messages"]) == 64 and meta["software_version"]
    assert len(hits) == 1 and subjects == (1,) and content == b"\x89PNG demo bytes \x00\xff"
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "archive_exported"))
    assert entry.details["counts"]["tickets"] == 8


def test_an_organisation_and_a_date_narrow_the_export(closed_demo, runner, tmp_path):
    assert export(runner, tmp_path / "a.sqlite", day="2026-11-18").output.count("0 tickets") == 1
    result = export(runner, tmp_path / "b.sqlite", "--org", "Exempelby Bostäder AB")
    assert result.exit_code == 0 and "0 tickets" in result.output
    assert "8 tickets" in export(runner, tmp_path / "c.sqlite", "--org", "Exempelby kommun").output


@pytest.mark.parametrize("tamper, check", [
    ("UPDATE messages SET body = body || ' ' WHERE id = (SELECT min(id) FROM messages)", "sha256:messages"),
    ("DELETE FROM events WHERE id = (SELECT max(id) FROM events)", "count:events"),
    ("UPDATE tickets SET status = 'open' WHERE id = (SELECT min(id) FROM tickets)", "sha256:tickets"),
    ("UPDATE attachments SET content = X'00'", "attachment:"),
    ("UPDATE metadata SET value = 'x' WHERE key = 'sha256:attachments'", "sha256:attachments"),
])
def test_tampering_is_detected_and_the_check_named(closed_demo, runner, tmp_path, tamper, check):
    out = tmp_path / "arkiv.sqlite"
    assert export(runner, out).exit_code == 0
    with sqlite3.connect(out) as conn:
        conn.execute(tamper)

    result = runner.invoke(args=["archive", "verify", str(out)])

    assert result.exit_code == 1
    assert f"FAILED {check}" in result.output and "OK" not in result.output


def test_attachment_bytes_have_their_own_checksum(closed_demo, runner, tmp_path):
    out = tmp_path / "arkiv.sqlite"
    export(runner, out)
    with sqlite3.connect(out) as conn:
        conn.execute("UPDATE attachments SET content = X'01', size = 1, sha256 = ?",
                     (hashlib.sha256(b"\x01").hexdigest(),))
    failures = dict(archive.verify(str(out)).failures)
    assert "sha256:attachment_bytes" in failures and "sha256:attachments" in failures


@pytest.mark.parametrize("day, message", [
    ("18/11/2026", "Cannot read the date"),
    ("2027-01-01", "is in the future"),
])
def test_bad_dates_are_refused_and_nothing_is_written(closed_demo, runner, tmp_path, day, message):
    out = tmp_path / "arkiv.sqlite"
    result = export(runner, out, day=day)
    assert result.exit_code != 0 and message in result.output
    assert list(tmp_path.iterdir()) == []


def test_other_bad_input_is_refused(closed_demo, runner, tmp_path):
    existing = tmp_path / "finns.sqlite"
    existing.write_bytes(b"keep me")
    result = export(runner, existing)
    assert result.exit_code != 0 and "already exists" in result.output and existing.read_bytes() == b"keep me"
    result = export(runner, tmp_path / "x.sqlite", "--org", "Okänd kommun")
    assert result.exit_code != 0 and "No organisation" in result.output
    result = export(runner, tmp_path / "saknas" / "x.sqlite")
    assert result.exit_code != 0 and "does not exist" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["finns.sqlite"]


def test_verify_refuses_what_is_not_an_archive(runner, tmp_path):
    text = tmp_path / "anteckning.txt"
    text.write_text("inte en databas " * 100)
    plain = tmp_path / "annan.sqlite"
    with sqlite3.connect(plain) as conn:
        conn.execute("CREATE TABLE t (x)")
    for path, message in [(tmp_path / "saknas.sqlite", "no such file"), (text, "not a readable SQLite archive"),
                          (plain, "not a Helpdesk archive")]:
        result = runner.invoke(args=["archive", "verify", str(path)])
        assert result.exit_code == 1 and message in result.output, result.output
    assert not (tmp_path / "saknas.sqlite").exists()


def test_a_missing_attachment_file_stops_the_export(closed_demo, runner, tmp_path, session):
    from helpdesk.tickets.models import Attachment

    session.scalar(sa.select(Attachment)).storage_key = "00/00/missing"
    session.commit()
    result = export(runner, tmp_path / "arkiv.sqlite")
    assert result.exit_code != 0 and "missing from storage" in result.output
    assert list(tmp_path.iterdir()) == []


def rewrite_with_checksums(path, statement):
    """What an insider with the file could do: change rows and recompute the recorded checksums."""
    with sqlite3.connect(path) as conn:
        conn.execute(statement)
        for key, value in archive.summary(conn).items():
            conn.execute("UPDATE metadata SET value = ? WHERE key = ?", (value, key))


def test_rows_rewritten_together_with_their_checksums_fail_the_signature(closed_demo, runner, tmp_path):
    """Finding 8: verify passed an archive whose rows and checksums were both rewritten."""
    out = tmp_path / "arkiv.sqlite"
    assert export(runner, out).exit_code == 0
    rewrite_with_checksums(out, "UPDATE tickets SET subject = 'Inget att se här' WHERE id = (SELECT min(id) FROM tickets)")

    result = runner.invoke(args=["archive", "verify", str(out)])

    assert result.exit_code == 1 and "FAILED signature" in result.output and "OK" not in result.output


@pytest.mark.parametrize("tamper", [
    "UPDATE metadata SET value = 'Exempelby Bostäder AB' WHERE key = 'organisation'",
    "UPDATE metadata SET value = '2020-01-01T00:00:00+00:00' WHERE key = 'exported_at'",
    "INSERT INTO metadata (key, value) VALUES ('note', 'granskad')",
    "DELETE FROM metadata WHERE key = 'criteria'",
])
def test_edited_metadata_fails_the_signature(closed_demo, runner, tmp_path, tamper):
    """Finding 8: edits to the archive's metadata went unnoticed."""
    out = tmp_path / "arkiv.sqlite"
    assert export(runner, out).exit_code == 0
    with sqlite3.connect(out) as conn:
        conn.execute(tamper)
    result = runner.invoke(args=["archive", "verify", str(out)])
    assert result.exit_code == 1 and "FAILED signature" in result.output


def test_an_index_that_no_longer_matches_the_rows_is_found(closed_demo, runner, tmp_path):
    """Finding 8: a message taken out of the full-text index (so that searches miss it) went unnoticed,
    even with the recorded checksums rewritten to match."""
    out = tmp_path / "arkiv.sqlite"
    assert export(runner, out).exit_code == 0
    with sqlite3.connect(out) as conn:
        ident, body = conn.execute("SELECT rowid, body FROM messages_fts WHERE messages_fts MATCH 'skärmdumpen'").fetchone()
        conn.execute("INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', ?, ?)", (ident, body))
        assert not conn.execute("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'skärmdumpen'").fetchall()
    rewrite_with_checksums(out, "SELECT 1")

    failures = dict(archive.verify(str(out)).failures)

    assert "fts:messages" in failures and "signature" in failures


def test_an_archive_checked_with_another_key_fails(closed_demo, runner, tmp_path, app):
    out = tmp_path / "arkiv.sqlite"
    assert export(runner, out).exit_code == 0
    assert archive.verify(str(out)).ok
    failures = dict(archive.verify(str(out), key=b"another key of at least thirty-two bytes").failures)
    assert "another key" in failures["signature"]


def test_a_failed_export_leaves_nothing_and_the_next_one_works(closed_demo, runner, tmp_path, monkeypatch):
    """Finding 14: a failed export left a file behind that blocked the next one."""
    out = tmp_path / "arkiv.sqlite"
    with monkeypatch.context() as patched:
        patched.setattr(archive, "enable_search", lambda target: (_ for _ in ()).throw(OSError("No space left on device")))
        result = export(runner, out)
    assert result.exit_code != 0
    assert list(tmp_path.iterdir()) == []
    assert export(runner, out).exit_code == 0 and archive.verify(str(out)).ok


def test_an_export_never_replaces_a_file_that_appeared_meanwhile(closed_demo, runner, tmp_path, monkeypatch):
    """Finding 14: two exports to one name: the later one silently replaced the first's file."""
    out = tmp_path / "arkiv.sqlite"
    real_enable_search = archive.enable_search

    def other_export_finishes_first(target):
        out.write_bytes(b"the other export's archive")
        real_enable_search(target)

    monkeypatch.setattr(archive, "enable_search", other_export_finishes_first)
    result = export(runner, out)
    assert result.exit_code != 0 and "already exists" in result.output
    assert out.read_bytes() == b"the other export's archive"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arkiv.sqlite"]
