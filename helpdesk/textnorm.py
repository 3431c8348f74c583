"""Text from outside (forms, mail headers and bodies) normalised at the edge.

- single_line(): subjects, names, one-line form fields. Line breaks and other control characters
  become a space (a CR/LF in a subject or name must not start a new header or line anywhere);
  NUL is removed without losing the text after it; bidi embedding, override and isolate
  characters (U+202A-U+202E, U+2066-U+2069), which make "fakturaexe.pdf" read as something else,
  are removed. Runs of white space collapse to one space, and the ends are stripped.
- multi_line(): descriptions, replies, mail bodies. Line breaks are kept (CR LF and CR become LF);
  NUL, the other control characters except tab, and the bidi controls are removed.

The directional marks (LRM, RLM, ALM) stay: they only nudge neutral characters and Arabic or Hebrew
text needs them.
"""

import re

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 controls but tab, LF and CR; DEL; C1 controls (NEL, U+0085, is a line break and handled below).
_CONTROLS = "".join(chr(c) for c in (*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f,
                                      *range(0x80, 0x85), *range(0x86, 0xa0)))
_DROP_MULTI = str.maketrans("", "", _CONTROLS + BIDI_CONTROLS)
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def multi_line(value):
    """Multi-line text: line breaks kept as LF, NUL, other controls and bidi controls removed."""
    if not isinstance(value, str):
        return value
    return _LINE_BREAKS.sub("\n", value).translate(_DROP_MULTI)


def single_line(value):
    """One line: line breaks and controls become one space, bidi controls go, white space collapses."""
    if not isinstance(value, str):
        return value
    text = _LINE_BREAKS.sub(" ", value.replace("\x00", "")).replace("\t", " ").translate(_DROP_MULTI)
    return " ".join(text.split())
