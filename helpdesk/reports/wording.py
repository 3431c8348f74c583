"""Whose tickets a report counts, in the one wording the web page, the PDF and the Excel file share.

"Alla organisationer" is said only when the reader's report really counts every
organisation's tickets; a report limited to the reader's groups and systems says
which, and a report narrowed to one organisation names it.
"""

from flask_babel import gettext as _

from ..auth.permissions import reach_of


def covers_everything(user) -> bool:
    """Whether the user's report counts every organisation's tickets (else only the user's area)."""
    reach = reach_of(user)
    return reach.is_security or reach.sees_all_open_cases


def scope_line(organisation, scope_text: str = "", *, everything: bool) -> str:
    """"Exempelby kommun. Ärenden hos grupperna …" — the organisation (or all of them) and the scope sentence."""
    name = getattr(organisation, "name", organisation)  # an Organisation, or its name (the yearly document)
    parts = [f"{name}."] if name else [_("Alla organisationer") + "."] if everything else []
    if scope_text:
        parts.append(scope_text)
    return " ".join(parts)
