"""Translated labels for the directory pages."""

from flask_babel import lazy_gettext as _l

from .models import SyncStatus

STATUS_LABELS = {
    SyncStatus.COMPLETED: _l("Genomförd"),
    SyncStatus.DRY_RUN: _l("Provkörning (inget ändrades)"),
    SyncStatus.STOPPED: _l("Stoppad av spärren (inget ändrades)"),
    SyncStatus.FAILED: _l("Misslyckades (inget ändrades)"),
}

ACTION_LABELS = {
    "created": _l("Ny"),
    "updated": _l("Ändrad"),
    "deactivated": _l("Inaktiverad"),
    "deactivate": _l("Skulle inaktiveras"),
    "reactivated": _l("Återaktiverad"),
    "conflict": _l("Konflikt (inte ändrad)"),
}

SOURCE_LABELS = {"local": _l("Lokalt konto"), "ldap": _l("Katalogen (LDAP)"), "oidc": _l("Kommunens inloggning (OpenID Connect)")}
