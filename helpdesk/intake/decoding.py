"""Bytes and header fields to text, whatever charset mail claims (or fails to claim)."""

import re
from email.header import decode_header

from .swallowed import note

# Declared charsets mapped to the supersets that mail clients really write.
CHARSET_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "shift_jis": "cp932", "x-sjis": "cp932",
    "big5": "big5hkscs", "iso-8859-8-i": "iso-8859-8", "windows-874": "cp874",
}
# Mail declared (or not declared) as ASCII or Latin-1 is in practice Windows-1252 or mislabelled UTF-8.
WESTERN = {"", "us-ascii", "ascii", "ansi_x3.4-1968", "none", "unknown-8bit", "x-unknown", "unknown",
           "iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "windows-1252", "cp1252"}
SURROGATE = re.compile("[\ud800-\udfff]")


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes to text by the declared charset, falling back sensibly; never raises."""
    charset = (charset or "").strip().strip('"').lower()
    # Valid UTF-8 with 8-bit bytes is never accidental Latin-1, so it goes first for "Western" mail.
    candidates = ["utf-8"] if charset in WESTERN else [CHARSET_ALIASES.get(charset, charset), "utf-8"]
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return _mostly_utf8(data) or data.decode("cp1252", errors="replace")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken sequences (a cut-off name, one stray byte) rather than mojibake."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    wide = len(text) - len(text.encode("ascii", "ignore")) - broken
    return text if wide >= 4 * broken else None


def clean_text(text: str) -> str:
    """Text that any database accepts: raw 8-bit bytes (kept by the parser as surrogates) decoded."""
    if SURROGATE.search(text):
        text = decode_bytes(text.encode("utf-8", "surrogateescape"), "utf-8")
    return text.replace("\x00", "")


def decode_words(text: str) -> str:
    """RFC 2047 encoded words decoded, each by its own charset; undecodable bytes are replaced, not raised."""
    try:
        parts = decode_header(text)
    except Exception as error:
        note("decoding.encoded_words", error)
        return text
    return "".join(_word_text(chunk, charset) for chunk, charset in parts)


def _word_text(chunk, charset) -> str:
    if isinstance(chunk, str):
        return chunk
    if charset is None:  # plain text between encoded words, as the stdlib packed it
        try:
            return chunk.decode("raw-unicode-escape")
        except UnicodeDecodeError:
            return chunk.decode("latin-1")
    return decode_bytes(chunk, charset)


def header_text(value) -> str:
    """A header as readable text (RFC 2047 decoded), or "" if it cannot be read."""
    if value is None:
        return ""
    try:
        text = clean_text(str(value))
    except Exception as error:  # malformed headers raise from the parser's lazy decoding
        note("decoding.header_text", error)
        return ""
    text = " ".join(text.split())  # unfolded first: the stdlib drops the fold before an encoded word
    if "=?" in text:
        text = " ".join(decode_words(text).split())
    return text.replace("\x00", "")
