"""Translated labels for the access vocabulary."""

from flask_babel import lazy_gettext as _l

from .models import ItemDecision, RequestStatus

REQUEST_STATUS_LABELS = {
    RequestStatus.PENDING: _l("Väntar på beslut"),
    RequestStatus.APPROVED: _l("Godkänd, läggs upp"),
    RequestStatus.REJECTED: _l("Avslagen"),
    RequestStatus.PROVISIONED: _l("Upplagd"),
}

DECISION_LABELS = {
    None: _l("Inte granskad"),
    ItemDecision.CONFIRMED: _l("Behålls"),
    ItemDecision.REVOKED: _l("Tas bort"),
}
