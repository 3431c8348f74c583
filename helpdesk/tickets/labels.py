"""Translated labels for the ticket vocabulary."""

from flask_babel import lazy_gettext as _l

from .models import Channel, MessageKind, Status, TicketType

STATUS_LABELS = {
    Status.NEW: _l("Ny"),
    Status.OPEN: _l("Pågående"),
    Status.WAITING_REQUESTER: _l("Väntar på anmälaren"),
    Status.WAITING_SUPPLIER: _l("Väntar på leverantör"),
    Status.SOLVED: _l("Löst"),
    Status.CLOSED: _l("Stängt"),
}

TYPE_LABELS = {
    TicketType.INCIDENT: _l("Felanmälan"),
    TicketType.REQUEST: _l("Beställning"),
    TicketType.ACCESS_REQUEST: _l("Behörighetsbeställning"),
    TicketType.SECURITY_INCIDENT: _l("Säkerhetsincident"),
}

CHANNEL_LABELS = {
    Channel.WEB: _l("Webb"),
    Channel.EMAIL: _l("E-post"),
    Channel.PHONE: _l("Telefon"),
    Channel.API: _l("API"),
}

PRIORITY_LABELS = {1: _l("Kritisk"), 2: _l("Hög"), 3: _l("Normal"), 4: _l("Låg")}

IMPACT_CHOICES = [
    (1, _l("Många – en hel verksamhet, skola eller fler än 20 personer")),
    (2, _l("Några – min arbetsgrupp eller en enhet")),
    (3, _l("Bara jag")),
]

URGENCY_CHOICES = [
    (1, _l("Nej, jag kan inte arbeta alls")),
    (2, _l("Delvis – arbetet går långsamt eller med omvägar")),
    (3, _l("Ja, det är inte bråttom")),
]

MESSAGE_KIND_LABELS = {
    MessageKind.PUBLIC: _l("Svar"),
    MessageKind.INTERNAL: _l("Intern anteckning"),
    MessageKind.PHONE: _l("Telefonsamtal"),
    MessageKind.AUTOMATIC: _l("Automatiskt meddelande"),
}
