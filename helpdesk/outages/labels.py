"""Display names of outage values."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {"unplanned": _l("Driftstörning"), "planned": _l("Planerat underhåll")}
EXTENT_LABELS = {"whole": _l("Fungerar inte alls"), "partial": _l("Fungerar delvis")}
SOURCE_LABELS = {"me_too": _l("Jag berörs också"), "ticket": _l("Eget ärende"), "agent": _l("Tillagd av handläggare")}
