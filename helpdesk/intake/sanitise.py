"""Cleaning a received mail's HTML once, at intake, in time linear in its size.

The cleaner (nh3/ammonia on html5ever) needs time that grows with the square of the nesting
depth: 100,000 nested <div>s took a minute. So the markup is first bounded: a single pass over the
tags keeps a model of the open elements and drops every tag nested deeper than
MAIL_HTML_MAX_DEPTH (its text stays); HTML larger than MAIL_HTML_MAX_CHARS is not kept at all
(the text part is shown). The cleaned result is stored with the message
(message.body_html_safe); a page view only swaps inline-image references (cid:) for links to our
copies, never cleans again.
"""

import html as htmllib
import json
import logging
import re
import subprocess
import sys

import nh3
from flask import current_app

log = logging.getLogger(__name__)

ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "cid"}
# A tag, a comment, a doctype or a processing instruction: everything else is text.
TOKEN = re.compile(r"<(?:(/?)([A-Za-z][^\t\n\f\r />]*+)((?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)>"
                   r"|!--.*?(?:-->|\Z)|[!?/][^<>]*+>?)", re.S)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                  "source", "track", "wbr", "basefont", "bgsound", "frame", "keygen"})
# Elements an opening tag of the same group closes implicitly (HTML's optional end tags).
SIBLINGS = {"p": ("p",), "li": ("li",), "dt": ("dt", "dd"), "dd": ("dt", "dd"), "tr": ("tr", "td", "th"),
            "td": ("td", "th"), "th": ("td", "th"), "option": ("option",), "thead": ("thead", "tbody", "tfoot"),
            "tbody": ("thead", "tbody", "tfoot"), "tfoot": ("thead", "tbody", "tfoot")}


class Bounded:
    """The outcome of bounding: html to clean (None: too large, use the text), and whether it was flattened."""

    def __init__(self, html: str | None, flattened: bool):
        self.html, self.flattened = html, flattened


def bound(html: str, *, max_depth: int | None = None, max_chars: int | None = None) -> Bounded:
    """html with every tag nested deeper than max_depth removed (text kept), or None when too large.

    One pass over the tags with a model of the open elements (an end tag closes the innermost open
    element of its name and all inside it; <p>, <li>, <td>... close an open sibling). The model need
    not match the browser's tree exactly: what it lets through is cleaned under limits anyway.
    """
    config = current_app.config
    max_depth = max_depth or config["MAIL_HTML_MAX_DEPTH"]
    max_chars = max_chars or config["MAIL_HTML_MAX_CHARS"]
    if len(html) > max_chars:
        return Bounded(None, True)
    if html.count("<") <= max_depth:  # cannot nest deeper than it has tags
        return Bounded(html, False)
    out: list[str] = []
    append = out.append
    stack: list[str] = []  # open elements; those below max_depth were kept
    push, pop = stack.append, stack.pop
    open_count: dict[str, int] = {}
    flattened = False
    position = 0
    for token in TOKEN.finditer(html):
        start, end = token.span()
        if start > position:
            append(html[position:start])
        position = end
        name = token[2]
        if name is None:  # comment, doctype, bogus comment: the cleaner drops them anyway
            continue
        name = name.lower()
        if token[1]:  # an end tag closes the innermost open element of that name, and all inside it
            if not open_count.get(name):
                continue  # a stray end tag: html5ever ignores it too
            while True:
                top = pop()
                open_count[top] -= 1
                if top == name:
                    break
            if len(stack) < max_depth:
                append(token[0])
            continue
        if stack:
            siblings = SIBLINGS.get(name)
            if siblings and stack[-1] in siblings:
                open_count[pop()] -= 1
        kept = len(stack) < max_depth
        if name in VOID or token[3].endswith("/"):
            if kept:
                append(token[0])
            else:
                flattened = True
            continue
        push(name)
        open_count[name] = open_count.get(name, 0) + 1
        if kept:
            append(token[0])
        else:
            flattened = True
    append(html[position:])
    return Bounded("".join(out), flattened)


# Mail the cleaner may take in this process: its worst case (nesting, re-opened formatting elements)
# stays well under a tenth of a second. Larger mail is cleaned in a child process with a time and
# memory limit, because HTML has more ways to make a parser slow than a pre-check can know.
FAST_TAGS = 2000
FAST_FORMATTING = 100
START_TAG = re.compile(r"<[A-Za-z]")
FORMATTING = re.compile(r"<(?:a|b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u)[\s/>]", re.I)
WORKER = """
import json, resource, sys
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import nh3
html = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
attributes = {k: set(v) for k, v in json.loads(sys.argv[2]).items()}
keep = lambda tag, attribute, value: (value if value.startswith("cid:") else None) if (tag, attribute) == ("img", "src") else value
out = nh3.clean(html, attributes=attributes, attribute_filter=keep, url_schemes={"http", "https", "mailto", "cid"},
                link_rel="noopener noreferrer nofollow", strip_comments=True)
sys.stdout.buffer.write(out.encode("utf-8", "surrogatepass"))
"""


class TooCostly(Exception):
    """The cleaner did not finish within its limits: the text part is shown instead."""


def _keep(tag, attribute, value):
    if tag == "img" and attribute == "src":
        # Only inline images (cid:), swapped for our copy when shown: remote images would tell the
        # sender that we read the mail.
        return value if value.startswith("cid:") else None
    return value


def _nh3(html: str) -> str:
    if len(START_TAG.findall(html)) <= FAST_TAGS and len(FORMATTING.findall(html)) <= FAST_FORMATTING:
        return nh3.clean(html, attributes=ATTRIBUTES, attribute_filter=_keep, url_schemes=URL_SCHEMES,
                         link_rel="noopener noreferrer nofollow", strip_comments=True)
    config = current_app.config
    try:
        done = subprocess.run(
            [sys.executable, "-c", WORKER, str(config["MAIL_HTML_CLEAN_MEMORY_MB"]),
             json.dumps({k: sorted(v) for k, v in ATTRIBUTES.items()})],
            input=html.encode("utf-8", "surrogatepass"), capture_output=True,
            timeout=config["MAIL_HTML_CLEAN_SECONDS"], check=False)
    except subprocess.TimeoutExpired:
        raise TooCostly("timeout") from None
    if done.returncode != 0 or len(done.stdout) > 2 * len(html) + 4096:
        raise TooCostly(f"exit {done.returncode}, {len(done.stdout)} bytes")
    return done.stdout.decode("utf-8", "surrogatepass")


def clean(html: str | None) -> str | None:
    """The stored, display-ready form of a mail's HTML: bounded, then cleaned; None when it is not shown."""
    if not html:
        return None
    bounded = bound(html)
    if bounded.html is None:
        log.info("HTML part of %s characters not kept: larger than MAIL_HTML_MAX_CHARS", len(html))
        return None
    try:
        return _nh3(bounded.html)
    except TooCostly as error:
        log.warning("HTML part not kept: the cleaner exceeded its limits (%s)", error)
        return None


def stored(html: str | None) -> str | None:
    """What message.body_html_safe holds: None without HTML, "" for HTML that is not shown, else clean()."""
    if not html:
        return None
    return clean(html) or ""


def backfill(*, batch: int = 200) -> int:
    """Clean the HTML of messages stored before cleaning moved to intake; commits per batch. Returns the count."""
    import sqlalchemy as sa

    from ..database import unit_of_work
    from ..extensions import db
    from ..tickets.models import Message

    done = 0
    last = 0
    while True:
        with unit_of_work():
            rows = db.session.execute(
                sa.select(Message.id, Message.body_html).where(
                    Message.id > last, Message.body_html.is_not(None), Message.body_html_safe.is_(None))
                .order_by(Message.id).limit(batch)).all()
            for message_id, html in rows:
                db.session.execute(sa.update(Message).where(Message.id == message_id)
                                   .values(body_html_safe=stored(html) or ""))
        if not rows:
            return done
        done += len(rows)
        last = rows[-1][0]


def to_text(html: str) -> str:
    """Readable text from HTML mail: block ends become line breaks, tags go; linear in the size."""
    bounded = bound(html)
    html = bounded.html if bounded.html is not None else html
    html = re.sub(r"(?is)<(script|style|title)\b.*?</\1\s*>", " ", html)
    html = re.sub(r"(?i)</(p|h[1-6]|blockquote|table)\s*>", "\n\n", html)
    html = re.sub(r"(?i)<br\s*/?>|</(div|li|tr)\s*>", "\n", html)
    text = TOKEN.sub("", html)
    text = htmllib.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines())).strip()
