"""Translated labels for the catalogue: service tiers and KLASSA levels."""

from flask_babel import lazy_gettext as _l

TIER_LABELS = {"guld": _l("Guld"), "silver": _l("Silver"), "brons": _l("Brons")}

# SKR's KLASSA consequence levels.
KLASSA_LEVEL_LABELS = {
    0: _l("Försumbar"),
    1: _l("Måttlig"),
    2: _l("Betydande"),
    3: _l("Allvarlig"),
    4: _l("Synnerligen allvarlig"),
}

KLASSA_ASPECT_LABELS = {
    "k": _l("Konfidentialitet (K)"),
    "r": _l("Riktighet (R)"),
    "t": _l("Tillgänglighet (T)"),
    "s": _l("Spårbarhet (S)"),
}
