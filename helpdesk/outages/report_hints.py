"""What the start page and the report form show of outages and knowledge (view helpers, no rules)."""

from ..knowledge.queries import suggestions
from ..outages.forms import MeTooForm
from . import queries

CONFIRM_FIELD = "seen_hints"


def start_page(user, *, now) -> dict:
    """Current notices, planned ones, and the major incidents the user is affected by."""
    current, planned = queries.open_notices(now=now, limit=10)
    return {"current_notices": current, "planned_notices": planned,
            "my_majors": queries.my_major_incidents(user, now=now),
            "affected": queries.affected_notice_ids(user, [v.notice.id for v in current]),
            "me_too_form": MeTooForm(formdata=None)}


def for_report(user, form, *, now, system_id=None, text=None) -> dict:
    """Known faults on the chosen system and articles for its words, beside the report form."""
    if system_id is None:
        system_id = form.system_id.data if isinstance(form.system_id.data, int) else None
    system_id = system_id or None
    if text is None:
        text = f"{form.subject.data or ''} {form.description.data or ''}"
    hints = queries.notices(now=now, system_id=system_id, limit=5) if system_id else []
    return {"hints": hints, "suggestions": suggestions(user, system_id=system_id, text=text),
            "affected": queries.affected_notice_ids(user, [v.notice.id for v in hints]),
            "system_id": system_id, "me_too_form": MeTooForm(formdata=None)}


def needs_confirmation(hints, formdata, files=None) -> bool:
    """Without JavaScript the first submit shows the known faults and articles; the second sends.

    A report with attachments goes straight through: a browser cannot keep chosen files across
    a confirmation step, and the employee would lose them.
    """
    if files is not None and any(f and f.filename for f in files.getlist("attachments")):
        return False
    return bool(hints["hints"] or hints["suggestions"]) and not formdata.get(CONFIRM_FIELD)
