"""Access fixtures: requests and grants on the demo catalogue.

Verksamhetssystem socialtjänst: K4, administrator Olle, deputy Sara (who works its group), owner Karin.
Bygglovssystem: K2, administrator Ahmed, no deputy, no owner.
"""

import pytest
import sqlalchemy as sa

from helpdesk.access import services
from helpdesk.notifications.models import OutboundMessage
from tests import factories as f

SOC = "Verksamhetssystem socialtjänst"
BYGG = "Bygglovssystem"


def ask(users, clock, *, who="anna", person=None, system=SOC, role="Handläggare", valid_until=None):
    """A request by who for person (themselves by default)."""
    return services.request_access(
        system=f.system(system), user=users[person or who], role=role, reason="Ny tjänst som handläggare.",
        valid_until=valid_until, actor=users[who], now=clock.now())


def grant(users, clock, *, person="anna", system=SOC, approver="olle", provisioner="sara", role="Handläggare"):
    """A request approved and set up: the resulting grant."""
    access_request = ask(users, clock, person=person, system=system, role=role)
    services.decide_request(access_request, approve=True, reason="Behövs i tjänsten.",
                            actor=users[approver], now=clock.now())
    return services.provision_grant(access_request, actor=users[provisioner], now=clock.now())


def mails(session, kind):
    return session.scalars(sa.select(OutboundMessage).where(OutboundMessage.kind == kind)
                           .order_by(OutboundMessage.id)).all()


@pytest.fixture
def soc():
    return f.system(SOC)


@pytest.fixture
def bygg():
    return f.system(BYGG)
