"""One ticket as a document for a request to see a public record (begäran om allmän handling).

The officer chooses what the secrecy review keeps back; everything chosen is
left out of the document before it is rendered, so neither the HTML nor the
PDF can carry it. Both renderings are built from the same Document.
"""

import os
import re
from dataclasses import dataclass, field

from flask import render_template
from flask_babel import force_locale, gettext as _

from ..audit.services import record
from ..clock import local
from ..tickets.labels import MESSAGE_KIND_LABELS, STATUS_LABELS, TYPE_LABELS
from ..tickets.models import MessageKind
from ..tickets.queries import conversation
from .labels import DISCLOSURE_FIELDS



@dataclass(frozen=True)
class Redactions:
    fields: frozenset = frozenset()
    message_ids: frozenset = frozenset()
    attachments: bool = False
    terms: tuple = ()  # further words to mask wherever they occur
    osl_reference: str = ""

    @classmethod
    def default_for(cls, messages):
        """What the form proposes: internal notes kept back."""
        return cls(message_ids=frozenset(m.id for m in messages if m.kind == MessageKind.INTERNAL))

    def audit_details(self) -> dict:
        # The masked words themselves are secret: only their number goes to the audit log.
        return {"redacted_fields": sorted(self.fields), "redacted_messages": sorted(self.message_ids),
                "attachments_redacted": self.attachments, "masked_terms": len(self.terms),
                "osl_reference": self.osl_reference}


@dataclass
class Document:
    number: int
    marker: str
    facts: list = field(default_factory=list)  # (label, value)
    messages: list = field(default_factory=list)  # dicts: kind, at, author, body, redacted
    attachments: list | None = None  # None: the list itself is kept back
    produced: str = ""


def _masker(terms, marker):
    words = sorted({t.strip() for t in terms if len(t.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return lambda text: text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    return lambda text: pattern.sub(marker, text) if text else text


def _when(at) -> str:
    return local(at).strftime("%Y-%m-%d %H:%M") if at else ""


def build_document(ticket, redactions: Redactions, *, actor, now) -> Document:
    """The ticket as it may be disclosed (always in Swedish, the language of the record)."""
    with force_locale("sv"):
        return _build(ticket, redactions, actor=actor, now=now)


def _build(ticket, redactions, *, actor, now) -> Document:
    ref = redactions.osl_reference.strip()
    marker = _("[Sekretess enligt OSL %(ref)s]", ref=ref) if ref else _("[Sekretess enligt OSL]")
    requester = ticket.requester
    terms = list(redactions.terms)
    if "requester" in redactions.fields:
        terms += [requester.full_name, requester.email or "", requester.username]
    mask = _masker(terms, marker)
    values = {
        "subject": ticket.subject,
        "requester": f"{requester.full_name} <{requester.email}>" if requester.email else requester.full_name,
        "department": ticket.requester_department.name if ticket.requester_department else "–",
        "system": ticket.system.name if ticket.system else "–",
        "group": ticket.support_group.name,
        "assignee": ticket.assignee.full_name if ticket.assignee else "–",
    }
    doc = Document(number=ticket.id, marker=marker)
    doc.facts = [
        (_("Ärendenummer"), f"#{ticket.id}"), (_("Organisation"), ticket.organisation.name),
        (_("Ärendetyp"), str(TYPE_LABELS.get(ticket.type, ticket.type))),
        (_("Status"), str(STATUS_LABELS.get(ticket.status, ticket.status))),
        (_("Registrerat"), _when(ticket.created_at)),
    ]
    if ticket.closed_at:
        doc.facts.append((_("Stängt"), _when(ticket.closed_at)))
    for key, label in DISCLOSURE_FIELDS.items():
        doc.facts.append((str(label), marker if key in redactions.fields else mask(values[key])))
    files = []
    for message in conversation(ticket, internal=True):
        hidden = message.id in redactions.message_ids
        author = message.author.full_name if message.author else "–"
        if message.author_id == ticket.requester_id and "requester" in redactions.fields:
            author = marker
        doc.messages.append({
            "kind": str(MESSAGE_KIND_LABELS.get(message.kind, message.kind)), "at": _when(message.created_at),
            "author": mask(author), "redacted": hidden,
            # The new part of a mail only: quoted earlier messages would bring back what was kept back.
            "body": marker if hidden else mask(message.body_reply or message.body),
        })
        files += [marker if hidden else f"{mask(a.filename)} ({a.size} B)" for a in message.attachments]
    doc.attachments = None if redactions.attachments else files
    doc.produced = _("Sammanställd %(when)s av %(name)s", when=_when(now), name=actor.full_name)
    return doc


def render_html(doc: Document) -> str:
    with force_locale("sv"):
        return render_template("retention/disclosure_document.html", doc=doc)


def render_pdf(doc: Document) -> bytes:
    """The document as PDF (fpdf2, as the monthly report), in the DejaVu fonts matplotlib ships."""
    from fpdf import FPDF

    with force_locale("sv"):
        title = _("Utlämnande av allmän handling: ärende #%(n)s", n=doc.number)
        pdf = FPDF(format="A4")
        pdf.set_title(title)
        pdf.set_lang("sv")
        pdf.set_auto_page_break(True, margin=15)
        pdf.add_page()
        font = _font(pdf)

        def line(value, size=10, style="", gap=1):
            pdf.set_font(font, style=style, size=size)
            pdf.multi_cell(0, size * 0.5, value, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(gap)

        line(title, size=15, style="B", gap=3)
        for label, value in doc.facts:
            line(f"{label}: {value}")
        line(_("Meddelanden"), size=12, style="B", gap=2)
        for item in doc.messages:
            line(f"{item['kind']} – {item['at']} – {item['author']}", style="B")
            line(item["body"], gap=3)
        line(_("Bilagor"), size=12, style="B", gap=2)
        entries = doc.attachments if doc.attachments is not None else [doc.marker]
        for entry in entries or [_("Inga bilagor.")]:
            line(entry)
        line(doc.produced, size=8)
        return bytes(pdf.output())


def _font(pdf):
    """DejaVu Sans, which has every Swedish letter and the § sign (matplotlib's copy, as the report uses)."""
    import matplotlib

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    pdf.add_font("DejaVu", "", os.path.join(folder, "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", os.path.join(folder, "DejaVuSans-Bold.ttf"))
    return "DejaVu"


def record_disclosure(ticket, redactions: Redactions, *, fmt: str, actor, now, address=None):
    """Audit who disclosed which ticket, in which format, with which redactions."""
    return record("ticket_disclosed", actor=actor, now=now, object_type="ticket", object_id=ticket.id,
                  address=address, format=fmt, **redactions.audit_details())
