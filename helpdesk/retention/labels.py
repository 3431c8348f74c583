"""Translated labels for retention, legal holds and disclosure."""

from flask_babel import lazy_gettext as _l

from .models import RetentionAction, RunStatus

ACTION_LABELS = {
    RetentionAction.DESTROY: _l("Gallras"),
    RetentionAction.PSEUDONYMISE: _l("Avidentifieras"),
}

ACTION_HINTS = {
    RetentionAction.DESTROY: _l("ärendet med meddelanden, bilagor, historik och mottagen e-post tas bort"),
    RetentionAction.PSEUDONYMISE: _l("personuppgifter och texter tas bort, men ärendets typ, tider och "
                                     "status finns kvar för statistiken"),
}

RUN_STATUS_LABELS = {
    RunStatus.APPROVED: _l("Godkänd, väntar på schemaläggaren"),
    RunStatus.RUNNING: _l("Pågår"),
    RunStatus.DONE: _l("Klar"),
    RunStatus.FAILED: _l("Avbruten"),
}

# The ticket fields a disclosure form offers to redact, in the order the document shows them.
DISCLOSURE_FIELDS = {
    "subject": _l("Rubrik"),
    "requester": _l("Anmälare (namn och e-postadress)"),
    "department": _l("Anmälarens förvaltning"),
    "system": _l("Berört system"),
    "group": _l("Supportgrupp"),
    "assignee": _l("Handläggare"),
}
