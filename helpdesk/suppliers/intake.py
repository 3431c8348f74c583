"""Recognising a supplier's answer to an escalation in incoming mail.

Threading is by the supplier tag in the subject ([#N/LEV-K]) or by our
Message-ID of the escalation mail, and only when the sender is the
supplier's contact address or domain: anyone else falls through to the
ordinary intake.
"""

import sqlalchemy as sa

from ..extensions import db
from .models import SupplierEscalation
from .services import TAG, sender_is_supplier


def escalation_for(mail) -> SupplierEscalation | None:
    """The escalation a mail answers, if it comes from that escalation's supplier."""
    escalation = None
    match = TAG.search(mail.subject or "")
    if match:
        found = db.session.get(SupplierEscalation, int(match.group(2)))
        if found is not None and found.ticket_id == int(match.group(1)):
            escalation = found
    if escalation is None:
        ids = [m.strip().strip("<>") for m in (*mail.in_reply_to, *mail.references)]
        if ids:
            escalation = db.session.scalar(sa.select(SupplierEscalation).where(
                SupplierEscalation.outbound_message_id.in_(ids)).order_by(SupplierEscalation.id.desc()).limit(1))
    if escalation is None or not sender_is_supplier(escalation.supplier, mail.sender):
        return None
    return escalation
