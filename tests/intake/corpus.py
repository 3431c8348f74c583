"""The shared corpus of real-world mail (../shared/corpus), every file as the raw mail the intake gets.

Most files are whole messages and go in byte for byte. Two folders are not:
tnefparse holds bare winmail.dat streams (wrapped here into an Outlook-style mail
as an application/ms-tnef attachment) and email_reply_parser holds bodies without
headers (wrapped as the body of a plain mail). Also read by benchmarks/intake.py.
"""

from email.message import EmailMessage
from pathlib import Path

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus"
NOT_MAIL = {"SOURCE.txt", "README.md", "README"}
TEST_SOURCES = {".rb", ".py"}
REPLY_BODIES = "email_reply_parser/test/emails/"


def corpus_files() -> list[Path]:
    """Every corpus file that stands for a mail, in a stable order."""
    return sorted(p for p in CORPUS.rglob("*")
                  if p.is_file() and p.name not in NOT_MAIL and p.suffix not in TEST_SOURCES)


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
