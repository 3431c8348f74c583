"""SIGKILL proof: a folder consumer killed at random moments, restarted, loses and doubles nothing.

`helpdesk intake-folder` takes each .eml in, commits, and only then moves the file to
processed/. A kill between commit and move makes the next run take the file again,
which ingest() records as a duplicate: never a second ticket.
"""

import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from helpdesk.intake.fetchers.folder import FolderFetcher
from helpdesk.intake.jobs import drain
from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.tickets.models import Ticket
from tests.conftest import BASE_TIME
from tests.intake.processes import HELPDESK, helpdesk_env, run_once, seeded_database

SEED = 20261118
ORIGINALS, REPLIES, AUTO_REPLIES, DUPLICATES = 440, 50, 15, 10
KILLS = 6


@dataclass
class Batch:
    files: dict = field(default_factory=dict)  # file name -> raw bytes
    originals: list = field(default_factory=list)  # Message-IDs that must open a ticket
    replies: dict = field(default_factory=dict)  # Message-ID -> the original it answers
    automatic: list = field(default_factory=list)

    @property
    def distinct(self) -> set:
        return set(self.originals) | set(self.replies) | set(self.automatic)


def _mail(n, sender, subject, body, *, headers=()) -> tuple[str, bytes]:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "servicedesk@exempelby.se"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(BASE_TIME)
    message_id = f"crash-{n:05d}@example.org"
    msg["Message-ID"] = f"<{message_id}>"
    for name, value in headers:
        msg[name] = value
    msg.set_content(body)
    return message_id, bytes(msg)


def generate(rng: random.Random) -> Batch:
    """Originals from distinct senders, replies and auto-replies to earlier ones, a few re-sent files."""
    batch = Batch()
    kinds = ["original"] * ORIGINALS + ["reply"] * REPLIES + ["auto"] * AUTO_REPLIES + ["dup"] * DUPLICATES
    rng.shuffle(kinds)
    kinds = ["original"] * 5 + kinds  # something to answer from the start
    raw_of, sender_of = {}, {}
    for n, kind in enumerate(kinds):
        if kind != "original" and batch.originals:
            earlier = rng.choice(batch.originals)
        else:
            kind = "original"
        if kind == "original":
            sender = f"person{n:05d}@example.org"
            mid, raw = _mail(n, sender, f"Fel nummer {n}", f"Datorn {n} startar inte. Hälsningar {n}")
            batch.originals.append(mid)
            sender_of[mid] = sender
        elif kind == "reply":
            mid, raw = _mail(n, sender_of[earlier], f"SV: Fel nummer {earlier}", "Det gäller fortfarande.",
                             headers=[("In-Reply-To", f"<{earlier}>"), ("References", f"<{earlier}>")])
            batch.replies[mid] = earlier
        elif kind == "auto":
            mid, raw = _mail(n, f"franvaro{n:05d}@example.org", "Automatiskt svar: Fel", "Jag är ledig.",
                             headers=[("Auto-Submitted", "auto-replied"), ("In-Reply-To", f"<{earlier}>")])
            batch.automatic.append(mid)
        else:
            mid, raw = earlier, raw_of[earlier]  # the same mail delivered twice
        raw_of[mid] = raw
        batch.files[f"{n:05d}.eml"] = raw
    return batch


@pytest.fixture(scope="module")
def crash_database(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("crash")
    return seeded_database(tmp_path), tmp_path


@pytest.fixture
def sqlite_run(request):
    run_once(request)


def _count(folder) -> int:
    return sum(1 for name in os.listdir(folder) if name.endswith(".eml"))


def test_sigkill_at_random_moments_loses_and_doubles_nothing(sqlite_run, crash_database):
    url, tmp_path = crash_database
    rng = random.Random(SEED)
    batch = generate(rng)
    inbox, processed = tmp_path / "inbox", tmp_path / "processed"
    inbox.mkdir()
    processed.mkdir()
    for name, raw in batch.files.items():
        (inbox / name).write_bytes(raw)
    engine = sa.create_engine(url)
    with Session(engine) as check:
        tickets_before = check.scalar(sa.select(sa.func.count()).select_from(Ticket))
    command = [HELPDESK, "intake-folder", str(inbox), "--processed", str(processed)]
    env = helpdesk_env(url, tmp_path)
    # Small batches (committed, then moved to processed/) so that the kills fall at random moments
    # across many of them, on a fast machine too: with the default 100 the whole inbox is one or two.
    env["HELPDESK_MAIL_INTAKE_BATCH"] = "4"
    kills = 0
    with open(tmp_path / "runs.log", "ab") as log:
        while kills < KILLS and _count(inbox):
            before = _count(processed)
            process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
            # Killed only once it is at work (a file moved to processed/), however slow the machine: no deadline.
            while _count(processed) == before and process.poll() is None:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.05, 0.5))  # short enough that 6 kills come before the inbox is empty
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                kills += 1
            assert process.wait() in (0, -signal.SIGKILL), (tmp_path / "runs.log").read_text()[-3000:]
            assert _count(processed) > before, "the run ended without taking in a single file"
        assert kills >= 5
        finished = subprocess.run(command, env=env, stdout=log, stderr=log, timeout=120)
    assert finished.returncode == 0, (tmp_path / "runs.log").read_text()[-3000:]

    assert _count(inbox) == 0 and _count(processed) == len(batch.files)
    try:
        with Session(engine) as check:
            rows = check.execute(sa.select(InboundMessage.message_id, InboundMessage.outcome, InboundMessage.ticket_id,
                                           InboundMessage.automatic)).all()
            tickets_after = check.scalar(sa.select(sa.func.count()).select_from(Ticket))
    finally:
        engine.dispose()
    taken = {}
    for message_id, outcome, ticket_id, automatic in rows:
        if outcome != "duplicate":
            taken.setdefault(message_id, []).append((outcome, ticket_id, automatic))
    assert set(taken) == batch.distinct
    assert all(len(once) == 1 for once in taken.values())
    assert tickets_after - tickets_before == len(batch.originals)
    assert all(taken[m][0][0] == "created" for m in batch.originals)
    for reply, original in batch.replies.items():
        assert taken[reply][0][:2] == ("followup", taken[original][0][1])
    assert all(taken[m][0][2] and taken[m][0][0] in ("followup", "ignored") for m in batch.automatic)
    duplicates = sum(1 for _mid, outcome, _t, _a in rows if outcome == "duplicate")
    assert duplicates >= DUPLICATES  # plus one for each kill between a commit and its move


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs."""


class DiesAfterCommit(FolderFetcher):
    def acknowledge(self, handle) -> None:
        raise Killed()


def test_crash_between_commit_and_move_takes_the_file_again_as_a_duplicate(session, clock, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "00001.eml").write_bytes(_mail(1, "kim@example.org", "Skärmen flimrar", "Sedan i morse.")[1])
    box_id = session.scalar(sa.select(Mailbox.id).where(Mailbox.name == "servicedesk"))
    tickets_before = session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    with pytest.raises(Killed):
        drain(DiesAfterCommit(str(inbox)), box_id, clock)
    assert (inbox / "00001.eml").exists()
    assert drain(FolderFetcher(str(inbox)), box_id, clock) == 1
    outcomes = session.scalars(sa.select(InboundMessage.outcome).where(
        InboundMessage.message_id == "crash-00001@example.org").order_by(InboundMessage.id)).all()
    assert outcomes == ["created", "duplicate"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == tickets_before + 1
    assert not (inbox / "00001.eml").exists() and (inbox / "processed" / "00001.eml").exists()
