"""Small builders for test data on top of the demo organisation."""

from datetime import timedelta

import sqlalchemy as sa

from helpdesk.catalogue.models import System
from helpdesk.extensions import db
from helpdesk.org.models import SupportGroup
from helpdesk.tickets import services
from helpdesk.tickets.models import TicketType


def system(name):
    return db.session.scalar(sa.select(System).where(System.name == name))


def group(name):
    return db.session.scalar(sa.select(SupportGroup).where(SupportGroup.name == name))


def ticket(requester, *, now, subject="Något fungerar inte", body="Beskrivning av felet.",
           system_name=None, impact=3, urgency=3, type=TicketType.INCIDENT, **kwargs):
    """A ticket reported by requester on the given system (by name)."""
    t = services.create_ticket(
        requester=requester, subject=subject, body=body, actor=kwargs.pop("actor", requester), now=now,
        system=system(system_name) if system_name else None, impact=impact, urgency=urgency, type=type,
        **kwargs,
    )
    db.session.flush()
    return t


def later(now, **kwargs):
    return now + timedelta(**kwargs)


def api_token(user, *, now, scope="write", name="test"):
    """A fresh API token for user; returns the secret to send as the bearer token."""
    from helpdesk.api.tokens import create_token

    _token, secret = create_token(user=user, name=name, scope=scope, expires_at=None, actor=user, now=now)
    db.session.flush()
    return secret


def bearer(secret, **headers):
    return {"Authorization": f"Bearer {secret}", **headers}
