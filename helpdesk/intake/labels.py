"""Translated names for intake outcomes."""

from flask_babel import lazy_gettext as _l

from ..notifications.models import OutboxStatus
from .models import Outcome

OUTCOME_LABELS = {
    Outcome.CREATED: _l("Nytt ärende"),
    Outcome.FOLLOWUP: _l("Lagt till ärende"),
    Outcome.DUPLICATE: _l("Dubblett"),
    Outcome.IGNORED: _l("Ignorerat"),
    Outcome.QUARANTINED: _l("Karantän"),
}

OUTBOX_STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Väntar"),
    OutboxStatus.SENDING: _l("Skickas"),
    OutboxStatus.SENT: _l("Skickat"),
    OutboxStatus.FAILED: _l("Misslyckat"),
    OutboxStatus.WITHHELD: _l("Stoppat (mottagarna får inte se ärendet)"),
}
