"""Display names of knowledge values."""

from flask_babel import lazy_gettext as _l

AUDIENCE_LABELS = {"employees": _l("Alla medarbetare"), "agents": _l("Bara handläggare")}
STATUS_LABELS = {"published": _l("Publicerad"), "draft": _l("Utkast"), "archived": _l("Arkiverad")}
