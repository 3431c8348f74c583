"""The status page's Atom feed (RFC 4287), built with the standard library's ElementTree.

ElementTree escapes every text and attribute value it serialises, so notice texts cannot break the
XML; a feed library would add a dependency (and lxml) for a document of a dozen elements.
"""

from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask_babel import gettext as _

from .labels import KIND_LABELS

ATOM = "http://www.w3.org/2005/Atom"


def _text(parent, tag, text, **attrs):
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _stamp(at) -> str:
    return at.isoformat().replace("+00:00", "Z")


def atom(views, *, base_url, now) -> bytes:
    """An Atom document with one entry per notice (its latest state)."""
    host = urlsplit(base_url).hostname or "helpdesk"
    feed = ET.Element("feed", {"xmlns": ATOM})
    _text(feed, "title", _("Driftinformation"))
    _text(feed, "id", f"{base_url}/status")
    ET.SubElement(feed, "link", {"rel": "self", "href": f"{base_url}/status.atom"})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": f"{base_url}/status"})
    updated = max((v.notice.updated_at for v in views), default=now)
    _text(feed, "updated", _stamp(updated))
    author = ET.SubElement(feed, "author")
    _text(author, "name", _("IT-stöd"))
    for view in views:
        notice = view.notice
        entry = ET.SubElement(feed, "entry")
        state = _("Löst") if notice.ended_at else KIND_LABELS[notice.kind]
        _text(entry, "title", f"{state}: {notice.title}")
        _text(entry, "id", f"tag:{host},2026:outage-notice-{notice.id}")
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html",
                                      "href": f"{base_url}/status/notices/{notice.id}"})
        _text(entry, "published", _stamp(notice.created_at))
        _text(entry, "updated", _stamp(notice.updated_at))
        systems = _("Alla system") if notice.all_systems else ", ".join(view.system_names)
        lines = [f"{_('System')}: {systems}"]
        if notice.broken_text:
            lines.append(f"{_('Det här fungerar inte')}: {notice.broken_text}")
        if notice.works_text:
            lines.append(f"{_('Det här fungerar')}: {notice.works_text}")
        if view.latest is not None:
            lines.append(f"{_('Senaste uppdatering')}: {view.latest.body}")
        if notice.ended_at:
            lines.append(f"{_('Lösning')}: {notice.resolution}")
        _text(entry, "summary", "\n".join(lines))
        for name in view.system_names:
            ET.SubElement(entry, "category", {"term": name})
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
