"""Translated labels for calendars, service levels and clock rules."""

from flask_babel import lazy_gettext as _l

WEEKDAY_LABELS = (_l("Måndag"), _l("Tisdag"), _l("Onsdag"), _l("Torsdag"), _l("Fredag"), _l("Lördag"), _l("Söndag"))
WEEKDAY_SHORT = (_l("mån"), _l("tis"), _l("ons"), _l("tors"), _l("fre"), _l("lör"), _l("sön"))
MONTH_LABELS = (_l("Januari"), _l("Februari"), _l("Mars"), _l("April"), _l("Maj"), _l("Juni"), _l("Juli"),
                _l("Augusti"), _l("September"), _l("Oktober"), _l("November"), _l("December"))

# The year view: a short code in the grid, the full text for screen readers and the legend.
DAY_STATE_CODES = {"open": _l("Ö"), "short": _l("K"), "extra": _l("E"), "closed": _l("S")}
DAY_STATE_LABELS = {"open": _l("Öppet"), "short": _l("Kort dag"), "extra": _l("Extra öppet"), "closed": _l("Stängt")}
DAY_STATE_HINTS = {
    "open": _l("vanliga öppettider"),
    "short": _l("färre timmar än vanligt, till exempel en halvdag"),
    "extra": _l("öppet en dag som annars är stängd, eller längre än vanligt"),
    "closed": _l("helg, helgdag, klämdag eller annan stängning"),
}

TARGET_LABELS = {"first_response_minutes": _l("Första svar"), "update_minutes": _l("Uppdatering"),
                 "resolution_minutes": _l("Lösningstid")}
ACTION_LABELS = {"run": _l("Går"), "pause": _l("Pausas"), "stop": _l("Stoppas")}
CLOCK_LABELS = {"first_response": _l("klockan för första svar"), "resolution": _l("klockan för lösningstid")}
