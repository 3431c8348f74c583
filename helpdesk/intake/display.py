"""Showing received mail safely: the HTML cleaned at intake, inline images by Content-ID, nothing remote.

No cleaning happens here: the stored result of helpdesk.intake.sanitise.clean() is shown, with its
inline-image references (src="cid:...") swapped for links to our copies.
"""

import re

from flask import url_for
from markupsafe import Markup, escape

# The cleaner writes every attribute double-quoted with " escaped, and only <img> may keep src.
CID_SRC = re.compile(r'(<img\b[^>]*?\ssrc=")cid:([^"]*)(")')


def safe_html(message, ticket_id: int) -> Markup:
    """The message's cleaned HTML; empty when there is none (or it was not kept)."""
    cleaned = message.body_html_safe
    if not cleaned:
        return Markup("")
    if "cid:" not in cleaned:
        return Markup(cleaned)
    images = {a.content_id: url_for("tickets.attachment", number=ticket_id, attachment_id=a.id)
              for a in message.attachments if a.content_id}

    def swap(match):
        url = images.get(_unescape_attr(match.group(2)))
        return f"{match.group(1)}{escape(url)}{match.group(3)}" if url else f'{match.group(1)}{match.group(3)}'

    return Markup(CID_SRC.sub(swap, cleaned))


def _unescape_attr(value: str) -> str:
    return value.replace("&amp;", "&").replace("&quot;", '"')
