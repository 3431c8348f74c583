"""The shared corpus of real-world mail (../shared/corpus), every file as the raw mail the intake gets.

Most files are whole messages and go in byte for byte. Two folders are not:
tnefparse holds bare winmail.dat streams (wrapped here into an Outlook-style mail
as an application/ms-tnef attachment) and email_reply_parser holds bodies without
headers (wrapped as the body of a plain mail). Also read by benchmarks/intake.py.
"""

import os
from email.message import EmailMessage
from pathlib import Path

import pytest

# HELPDESK_TEST_CORPUS names the folder; by default ../shared/corpus next to the project.
CORPUS = Path(os.environ.get("HELPDESK_TEST_CORPUS") or Path(__file__).parents[2].parent / "shared" / "corpus")
# CI sets HELPDESK_REQUIRE_CORPUS=1: there a missing or empty corpus fails instead of skipping.
REQUIRED = os.environ.get("HELPDESK_REQUIRE_CORPUS", "") not in ("", "0")
MINIMUM_FILES = 400
NOT_MAIL = {"SOURCE.txt", "README.md", "README"}
TEST_SOURCES = {".rb", ".py"}
REPLY_BODIES = "email_reply_parser/test/emails/"


def corpus_files() -> list[Path]:
    """Every corpus file that stands for a mail, in a stable order."""
    return sorted(p for p in CORPUS.rglob("*")
                  if p.is_file() and p.name not in NOT_MAIL and p.suffix not in TEST_SOURCES)


def corpus_problem() -> str | None:
    """Why the corpus cannot be used, or None when it is there."""
    if not CORPUS.is_dir():
        return f"the mail corpus is not at {CORPUS} (set HELPDESK_TEST_CORPUS)"
    found = len(corpus_files())
    if found < MINIMUM_FILES:
        return f"the mail corpus at {CORPUS} holds {found} mail files, fewer than {MINIMUM_FILES}"
    return None


def require_corpus() -> None:
    """Skip the calling test with the reason when the corpus is missing; fail instead under
    HELPDESK_REQUIRE_CORPUS=1 (CI), where corpus tests must never pass by running nothing."""
    problem = corpus_problem()
    if problem is None:
        return
    if REQUIRED:
        pytest.fail(f"{problem}; HELPDESK_REQUIRE_CORPUS=1 requires it", pytrace=False)
    pytest.skip(f"{problem}; corpus tests skipped")


def cases(names: list) -> list:
    """Parameters for a test over corpus files: never an empty list, which would pass silently."""
    return names or [pytest.param(None, id="corpus-missing")]


def name_of(path: Path) -> str:
    """The file's path inside the corpus, as the expectation tables name it."""
    return path.relative_to(CORPUS).as_posix()


def raw_mail(path: Path) -> bytes:
    """The raw RFC 5322 message this file stands for."""
    data = path.read_bytes()
    name = name_of(path)
    if path.suffix == ".tnef":
        return tnef_mail(data, message_id=f"<corpus.{path.stem}@tnef.example>")
    if name.startswith(REPLY_BODIES):
        return body_mail(data.decode("utf-8"), message_id=f"<corpus.{path.stem}@reply-parser.example>")
    return data


def body_mail(body: str, *, message_id: str, subject: str = "Re: Fråga") -> bytes:
    """A plain mail around a bare body (the body's own line endings kept)."""
    msg = _envelope(subject, message_id)
    msg.set_content(body, charset="utf-8", cte="base64")  # base64 keeps CRLF and trailing spaces exact
    return bytes(msg)


def tnef_mail(stream: bytes, *, message_id: str, subject: str = "Bifogade filer") -> bytes:
    """What Outlook sends with rich text on: a short text part and winmail.dat."""
    msg = _envelope(subject, message_id)
    msg.set_content("Se bifogade filer.\n")
    msg.add_attachment(stream, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return bytes(msg)


def _envelope(subject: str, message_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Kim Korpus <kim.korpus@example.org>"
    msg["To"] = "servicedesk@exempelby.se"
    msg["Subject"] = subject
    msg["Date"] = "Wed, 18 Nov 2026 08:00:00 +0000"
    msg["Message-ID"] = message_id
    return msg
