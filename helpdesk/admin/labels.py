"""Translated labels for the administration pages."""

from flask_babel import lazy_gettext as _l

from ..auth.models import Role
from ..org.models import OrgKind
from ..routing.models import RuleField

ROLE_LABELS = {
    Role.AGENT: _l("Handläggare"),
    Role.SYSTEM_ADMIN: _l("Systemförvaltare"),
    Role.SYSTEM_OWNER: _l("Systemägare"),
    Role.SECURITY_OFFICER: _l("Informationssäkerhetssamordnare"),
    Role.MANAGER: _l("Chef"),
    Role.ADMIN: _l("Administratör"),
}

ROLE_HINTS = {
    Role.AGENT: _l("arbetar med ärenden i sina supportgruppers kö"),
    Role.SYSTEM_ADMIN: _l("andra linjen för de system där personen är systemförvaltare eller ersättare"),
    Role.SYSTEM_OWNER: _l("ser ärenden och siffror för de system personen äger"),
    Role.SECURITY_OFFICER: _l("ser och hanterar alla säkerhetsincidenter och loggen"),
    Role.MANAGER: _l("följer upp servicenivåer för sin förvaltning"),
    Role.ADMIN: _l("sköter organisation, katalog, regler och konton"),
}

ORG_KIND_LABELS = {OrgKind.KOMMUN: _l("Kommun"), OrgKind.BOLAG: _l("Bolag")}

RULE_FIELD_LABELS = {
    RuleField.REQUESTER_DEPARTMENT: _l("Anmälarens förvaltning"),
    RuleField.KEYWORD: _l("Nyckelord i ärendets text"),
    RuleField.CHANNEL: _l("Kanal"),
    RuleField.MAILBOX: _l("Brevlåda"),
}
