"""Display names of problem values."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {"open": _l("Utreds"), "known_error": _l("Känt fel"), "resolved": _l("Åtgärdat"),
                 "closed": _l("Stängt")}
