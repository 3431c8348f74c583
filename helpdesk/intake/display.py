"""Showing received mail safely: sanitised HTML, inline images by Content-ID, nothing remote."""

import nh3
from flask import url_for
from markupsafe import Markup

ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}


def safe_html(message, ticket_id: int) -> Markup:
    """The message's HTML with scripts, handlers, styles and remote content removed."""
    if not message.body_html:
        return Markup("")
    images = {a.content_id: url_for("tickets.attachment", number=ticket_id, attachment_id=a.id)
              for a in message.attachments if a.content_id}

    def keep(tag, attribute, value):
        if tag == "img" and attribute == "src":
            # Only our own copy of an inline image: remote images would tell the sender we read it.
            return images.get(value[4:]) if value.startswith("cid:") else None
        return value

    cleaned = nh3.clean(
        message.body_html, attributes=ATTRIBUTES, attribute_filter=keep,
        url_schemes={"http", "https", "mailto", "cid"}, link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(cleaned)
