"""The new part of a reply, without the quoted history (for display; the full text is kept)."""

from mailparser_reply import EmailReplyParser

LANGUAGES = ["sv", "en", "de", "da", "fr", "nl"]


def latest_reply(text: str) -> str | None:
    """The reply's own text, or None when nothing was quoted below it."""
    if not text:
        return None
    try:
        reply = EmailReplyParser(languages=LANGUAGES).parse_reply(text=text)
    except Exception:  # a parser failure only costs the shorter display
        return None
    reply = _without_trailing_quote((reply or "").strip())
    return reply if reply and len(reply) < len(text.strip()) else None


def _without_trailing_quote(text: str) -> str:
    """Drop a final block of "> " lines that no quote header introduced."""
    lines = text.splitlines()
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")):
        end -= 1
    if end and any(line.lstrip().startswith(">") for line in lines[end:]):
        return "\n".join(lines[:end]).strip()
    return text
