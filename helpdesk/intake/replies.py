"""The new part of a reply, without quoted history or a closing signature (for display; the full text is kept).

Read bottom-up as GitHub's email_reply_parser does: quoted blocks and signatures below
the last original paragraph are hidden, quotes between original paragraphs stay as
context. Outlook quotes the history without "> ": its header block ("Från: … Skickat: …",
"From: … Sent: …") or separator ("-----Ursprungligt meddelande-----") ends the reply.
Line by line, with anchored patterns on bounded lines: a hostile body costs linear time.
"""

import re
from dataclasses import dataclass, field

WROTE = re.compile(
    r"\b(wrote|skrev|schrieb|a écrit|schreef|escribió|kirjoitti|scrisse|napisał|написал|написала)\b.*:$",
    re.I)
STARTS_WROTE = re.compile(r"^(On|Den|Am|Le|Op|El|Il|W dniu|\d{1,4}[./-]\d{1,2}[./-]\d{1,4})\s", re.I)
FROM_FIELD = re.compile(r"^\*?(from|från|fra|von|de|van|lähettäjä|od)\s*:", re.I)
OTHER_FIELD = re.compile(
    r"^\*?(sent|skickat|sendt|gesendet|envoyé|verzonden|date|datum|lähetetty|to|till|til|an|à|aan|"
    r"vastaanottaja|subject|ämne|emne|betreff|objet|onderwerp|aihe|cc|kopia)\s*:", re.I)
SEPARATOR = re.compile(r"^(_{7,}|-{7,}|\*{7,})$")
ORIGINAL = re.compile(
    r"^-{2,}\s*(original message|ursprungligt meddelande|originalmeddelande|oprindelig meddelelse|"
    r"opprinnelig melding|ursprüngliche nachricht|message d'origine|oorspronkelijk bericht|"
    r"alkuperäinen viesti)\s*-{2,}$", re.I)
SIGNATURE = re.compile(
    r"^\s*(--|__)|^-\w|^(sent from my|skickat från min|skickat från|von meinem|envoyé de mon)(\s+[\w-]+){1,4}$",
    re.I)
MAX_HEADER_LINES = 4
MAX_HEADER_CHARS = 500


@dataclass
class _Fragment:
    quoted: bool
    lines: list[str] = field(default_factory=list)  # bottom-up
    signature: bool = False
    hidden: bool = False

    @property
    def text(self) -> str:
        return "\n".join(reversed(self.lines))


def latest_reply(text: str) -> str | None:
    """The reply's own text, or None when nothing was hidden from it."""
    if not text or not text.strip():
        return None
    lines = _join_wrote_headers(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    lines = lines[:_outlook_history_start(lines)]
    reply = _visible(lines)
    return reply if reply and len(reply) < len(text.strip()) else None


def _join_wrote_headers(lines: list[str]) -> list[str]:
    """An "On <date>, <name> wrote:" header that the client wrapped over several lines, as one line."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        wrapped = _wrapped_header(lines, i)
        if wrapped:
            out.append(wrapped[0])
            i += wrapped[1]
        else:
            out.append(lines[i])
            i += 1
    return out


def _wrapped_header(lines: list[str], i: int) -> tuple[str, int] | None:
    first = lines[i].strip()
    if not STARTS_WROTE.match(first) or first.endswith(":"):
        return None
    parts = [first]
    for line in lines[i + 1:i + MAX_HEADER_LINES]:
        if not line.strip():
            return None
        parts.append(line.strip())
        joined = " ".join(parts)
        if joined.endswith(":"):
            return (joined, len(parts)) if _is_wrote(joined) else None
    return None


def _is_wrote(line: str) -> bool:
    return len(line) <= MAX_HEADER_CHARS and bool(WROTE.search(line))


def _outlook_history_start(lines: list[str]) -> int:
    """Index of the first line of an unquoted Outlook history, or len(lines)."""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if ORIGINAL.match(line):
            return i
        if FROM_FIELD.match(line) and any(OTHER_FIELD.match(n.strip()) for n in lines[i + 1:i + 1 + MAX_HEADER_LINES]):
            start = i
            above = i - 1
            while above >= 0 and not lines[above].strip():
                above -= 1
            if above >= 0 and SEPARATOR.match(lines[above].strip()):
                start = above
            return start
    return len(lines)


def _visible(lines: list[str]) -> str:
    """The text left when quotes and signatures below the last original paragraph are hidden."""
    fragments: list[_Fragment] = []
    current: _Fragment | None = None
    found_visible = False

    def finish():
        nonlocal current, found_visible
        if current is None:
            return
        if not found_visible:
            if current.quoted or current.signature or not current.text.strip():
                current.hidden = True
            else:
                found_visible = True
        fragments.append(current)
        current = None

    for raw in reversed(lines):
        line = raw if SIGNATURE.match(raw) else raw.rstrip()
        quoted = line.startswith(">")
        if current is not None and line == "" and SIGNATURE.match(current.lines[-1]):
            current.signature = True
            finish()
        joins = current is not None and (
            current.quoted == quoted or (current.quoted and (line == "" or _quote_header(line))))
        if joins:  # a header line above a quote belongs to the quote
            current.lines.append(line)
        else:
            finish()
            current = _Fragment(quoted, [line])
    finish()
    return "\n".join(f.text for f in reversed(fragments) if not f.hidden).rstrip()


def _quote_header(line: str) -> bool:
    line = line.strip()
    return _is_wrote(line) or bool(FROM_FIELD.match(line)) or bool(OTHER_FIELD.match(line))
