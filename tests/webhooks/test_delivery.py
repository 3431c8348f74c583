"""Webhooks delivered to a real HTTP receiver on loopback: signed, one per event, retried, paused."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from helpdesk.notifications.models import OutboundMessage
from helpdesk.tickets import services
from helpdesk.tickets.models import Status
from helpdesk.webhooks import services as webhooks
from helpdesk.webhooks.jobs import deliver_webhooks
from helpdesk.webhooks.models import DeliveryStatus, WebhookDelivery
from helpdesk.webhooks.targets import TargetRefused
from tests import factories


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it gets and answers with the next planned status."""

    def __init__(self):
        self.received = []
        self.plan = []  # statuses to answer with, in order; 204 once exhausted
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.plan.pop(0) if receiver.plan else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://localhost:{self.server.server_address[1]}/hooks"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(app):
    server = Receiver()
    app.config.update(WEBHOOK_ALLOWED_HOSTS=("localhost",), WEBHOOK_ALLOW_PRIVATE=True,
                      WEBHOOK_PAUSE_AFTER_FAILURES=3)
    yield server
    server.close()
    app.config.update(WEBHOOK_ALLOWED_HOSTS=(), WEBHOOK_ALLOW_PRIVATE=False, WEBHOOK_PAUSE_AFTER_FAILURES=10)


def subscribe(receiver, users, clock, events, **extra):
    with unit_of_work():
        return webhooks.create_subscription({"name": "Teams-bryggan", "url": receiver.url, "events": events, **extra},
                                            actor=users["admin"], now=clock.now())


def verified(subscription, headers, body):
    """What a receiver does: recompute the Standard Webhooks signature and compare."""
    expected = Webhook(subscription.secret).sign(headers["webhook-id"], _at(headers), body)
    return expected in headers["webhook-signature"].split(" ")


def _at(headers):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)


def test_one_signed_delivery_per_event(receiver, users, clock):
    subscription = subscribe(receiver, users, clock, ["ticket.created", "ticket.updated", "ticket.solved"])
    with unit_of_work():
        ticket = factories.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    clock.advance(minutes=5)
    with unit_of_work():
        services.assign(ticket, users["erik"], actor=users["erik"], now=clock.now())  # assign + open: one update
        services.change_priority(ticket, impact=1, urgency=2, actor=users["erik"], now=clock.now())
    clock.advance(minutes=5)
    with unit_of_work():
        services.change_status(ticket, Status.SOLVED, actor=users["erik"], now=clock.now())

    assert deliver_webhooks(clock) == 3
    kinds = [json.loads(body)["type"] for _, body in receiver.received]
    assert kinds == ["ticket.created", "ticket.updated", "ticket.solved"]
    assert json.loads(receiver.received[1][1])["data"]["changes"] == ["assignee", "priority", "status"]
    for headers, body in receiver.received:
        assert verified(subscription, headers, body)
        assert json.loads(body)["data"]["number"] == ticket.id
    assert deliver_webhooks(clock) == 0  # nothing twice
    logged = db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert {d.status for d in logged} == {DeliveryStatus.DELIVERED}
    assert all(d.response_status == 204 and d.response_ms is not None for d in logged)


def test_failed_delivery_is_retried_after_back_off(receiver, users, clock):
    subscribe(receiver, users, clock, ["ticket.created"])
    receiver.plan = [500]
    with unit_of_work():
        factories.ticket(users["anna"], now=clock.now())
    assert deliver_webhooks(clock) == 0
    delivery = db.session.scalar(sa.select(WebhookDelivery))
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_status == 500 and delivery.attempts == 1
    assert deliver_webhooks(clock) == 0  # not due yet
    clock.advance(minutes=1)
    assert deliver_webhooks(clock) == 1
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert len(receiver.received) == 2
    assert receiver.received[0][0]["webhook-id"] == receiver.received[1][0]["webhook-id"]  # same message, retried


def test_subscription_pauses_after_repeated_failures_and_admins_are_told(receiver, users, clock):
    subscription = subscribe(receiver, users, clock, ["ticket.created"])
    receiver.plan = [503] * 10
    with unit_of_work():
        for _ in range(3):
            factories.ticket(users["anna"], now=clock.now())
    deliver_webhooks(clock)
    db.session.refresh(subscription)
    assert subscription.paused_at is not None and subscription.consecutive_failures == 3
    notice = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.kind == "webhook_paused"))
    assert notice is not None and "admin@exempelby.se" in notice.recipients
    with unit_of_work():
        factories.ticket(users["anna"], now=clock.now())
    clock.advance(hours=2)
    sent_before = len(receiver.received)
    assert deliver_webhooks(clock) == 0 and len(receiver.received) == sent_before  # paused: nothing goes out
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)) == 3  # none queued while paused
    with unit_of_work():
        webhooks.resume_subscription(subscription, actor=users["admin"], now=clock.now())
    receiver.plan = []
    assert deliver_webhooks(clock) == 3


def test_security_incident_only_to_allowed_subscriptions_with_minimal_payload(receiver, users, clock):
    plain = subscribe(receiver, users, clock, ["ticket.created", "security_incident.registered"])
    allowed = subscribe(receiver, users, clock, ["security_incident.registered"], allow_confidential=True)
    from helpdesk.security.services import report_incident

    with unit_of_work():
        incident = report_incident(reporter=users["goran"], subject="Phishing", description="Klickade på en länk.",
                                   now=clock.now())
    rows = db.session.scalars(sa.select(WebhookDelivery)).all()
    assert [(r.subscription_id, r.event_type) for r in rows] == [(allowed.id, "security_incident.registered")]
    assert plain.id not in {r.subscription_id for r in rows}
    data = json.loads(rows[0].payload)["data"]
    assert data == {"ticket": incident.ticket_id, "incident": incident.id}


def test_urls_outside_the_allowed_hosts_or_to_private_addresses_are_refused(app, users, clock):
    app.config.update(WEBHOOK_ALLOWED_HOSTS=("localhost",), WEBHOOK_ALLOW_PRIVATE=False)
    try:
        for url in ("ftp://localhost/x", "http://127.0.0.1/x", "http://localhost/x", "http://user:pw@localhost/"):
            with pytest.raises(TargetRefused):
                webhooks.create_subscription({"name": "x", "url": url, "events": ["ticket.created"]},
                                             actor=users["admin"], now=clock.now())
    finally:
        app.config.update(WEBHOOK_ALLOWED_HOSTS=())


def test_redirects_are_not_followed(receiver, users, clock):
    subscribe(receiver, users, clock, ["ticket.created"])
    receiver.plan = [302]
    with unit_of_work():
        factories.ticket(users["anna"], now=clock.now())
    assert deliver_webhooks(clock) == 0
    delivery = db.session.scalar(sa.select(WebhookDelivery))
    assert delivery.response_status == 302 and "omdirigeringar" in delivery.last_error


def test_admin_page_saves_a_subscription_and_rotates_its_secret(app, client, auth, users, clock):
    app.config.update(WEBHOOK_ALLOWED_HOSTS=("localhost",), WEBHOOK_ALLOW_PRIVATE=True)
    try:
        auth.login("admin")
        saved = client.post("/admin/webhooks/new", data={"name": "Teams", "url": "http://localhost:8/x",
                                                          "events": ["ticket.created", "ticket.solved"],
                                                          "is_active": "y"})
        assert saved.status_code == 302
        subscription = db.session.scalar(sa.select(webhooks.WebhookSubscription))
        assert subscription.events == ["ticket.created", "ticket.solved"] and subscription.secret.startswith("whsec_")
        old = subscription.secret
        assert client.post(f"/admin/webhooks/{subscription.id}/secret").status_code == 302
        db.session.refresh(subscription)
        assert subscription.secret != old
        assert client.get(f"/admin/webhooks/{subscription.id}").status_code == 200
        auth.logout()
        auth.login("erik")
        assert client.get("/admin/webhooks/").status_code == 403
    finally:
        app.config.update(WEBHOOK_ALLOWED_HOSTS=(), WEBHOOK_ALLOW_PRIVATE=False)


def test_a_delivery_written_before_the_ticket_was_raised_does_not_carry_its_subject(receiver, users, clock):
    from helpdesk.security.services import raise_to_incident

    subscribe(receiver, users, clock, ["ticket.created", "ticket.updated"])
    with unit_of_work():
        ticket = factories.ticket(users["anna"], now=clock.now(), subject="Misstänkt intrång Zebrafink")
    clock.advance(minutes=1)
    with unit_of_work():
        raise_to_incident(ticket, actor=users["ines"], now=clock.now())
    deliver_webhooks(clock)
    assert all(b"Zebrafink" not in body for _headers, body in receiver.received)
    withheld = db.session.scalars(sa.select(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.WITHHELD))
    assert len(withheld.all()) == 1
