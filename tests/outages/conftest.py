"""Builders for outage tests."""

import sqlalchemy as sa
import pytest

from helpdesk.auth.services import create_user
from helpdesk.extensions import db
from helpdesk.notifications.models import OutboundMessage
from helpdesk.outages import services
from tests import factories

SOCIAL = "Verksamhetssystem socialtjänst"


def mails_to(email, kind=None):
    """Outbox rows addressed to one person (optionally of one template)."""
    rows = db.session.scalars(sa.select(OutboundMessage).order_by(OutboundMessage.id)).all()
    return [r for r in rows if email in r.recipients + r.cc and (kind is None or r.kind == kind)]


def employees(count, *, now, department=None, prefix="anst"):
    """count new employees with e-mail addresses."""
    people = [create_user(username=f"{prefix}{i}", full_name=f"Anställd {i}", email=f"{prefix}{i}@exempelby.se",
                          department=department, actor=None, now=now) for i in range(count)]
    db.session.flush()
    return people


@pytest.fixture
def notice(users, clock):
    """An unplanned whole outage of the social-care system, published by Sara."""
    return services.publish_notice(
        title="Verksamhetssystemet går inte att logga in i", systems=[factories.system(SOCIAL)],
        broken_text="Inloggningen misslyckas.", works_text="Utskrift av beslut fungerar.",
        starts_at=clock.now(), actor=users["sara"], now=clock.now())
