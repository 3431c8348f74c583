"""Markdown to safe HTML, once, when an article is saved (a page view never runs this)."""

import nh3
from markdown_it import MarkdownIt

# CommonMark plus tables and strikethrough; raw HTML in the source is not passed through.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"},
                      "ol": {"start"}}


def markdown_to_html(source: str) -> str:
    """Render Markdown and keep only harmless tags; links get rel=noopener and no javascript: URLs."""
    html = _MARKDOWN.render(source or "")
    # A page has one h1 (the article title): headings in the body start at h2.
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def plain_text(source: str) -> str:
    """The article's words without markup, for the search index and for pasting into a reply."""
    return nh3.clean(_MARKDOWN.render(source or ""), tags=set()).replace("&amp;", "&").replace(
        "&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'").strip()
