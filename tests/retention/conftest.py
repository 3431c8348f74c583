"""Builders for retention tests: closed tickets with files and mail, rules, runs."""

import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.intake import store
from helpdesk.intake.models import InboundMessage
from helpdesk.org.models import Organisation
from helpdesk.retention import services as retention
from helpdesk.tickets import attachments as files
from helpdesk.tickets import services
from helpdesk.tickets.loaders import Upload
from helpdesk.tickets.models import Attachment, Status
from tests import factories as f

LONG_AGO = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)  # 32 months before the tests' now (2026-11-18)
LATELY = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # under six months ago


def organisation(name="Exempelby kommun"):
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def closed_ticket(requester, *, closed_at, created_at=None, uploads=(), **kwargs):
    """A ticket reported shortly before closed_at and closed then."""
    created_at = created_at or closed_at.replace(day=1)
    ticket = f.ticket(requester, now=created_at, uploads=[Upload(n, d) for n, d in uploads], **kwargs)
    services.change_status(ticket, Status.CLOSED, actor=requester, now=closed_at)
    db.session.flush()
    return ticket


def inbound_mail(ticket, raw: bytes, *, sender="anna@exempelby.se", at=LONG_AGO):
    """The raw e-mail a ticket came from, kept in the mail store."""
    digest = store.keep(raw)
    row = InboundMessage(received_at=at, message_id=f"{digest[:12]}@exempelby.se", raw_sha256=digest,
                         raw_size=len(raw), sender=sender, subject="Ämne", outcome="created", ticket_id=ticket.id)
    db.session.add(row)
    db.session.flush()
    return row


def attachment_paths(ticket):
    return [files.path_of(key) for key in db.session.scalars(
        sa.select(Attachment.storage_key).where(Attachment.ticket_id == ticket.id))]


def exists(path) -> bool:
    return os.path.exists(path)


@pytest.fixture
def make_rule(users, clock):
    def make(ticket_type="incident", *, months=12, action="destroy", automatic=False, org="Exempelby kommun",
             reference="KS 2026/123 § 45"):
        return retention.create_rule(
            {"organisation_id": organisation(org).id, "ticket_type": ticket_type, "months": months,
             "action": action, "decision_reference": reference, "automatic": automatic, "is_active": True,
             "note": ""}, actor=users["admin"], now=clock.now())
    return make
