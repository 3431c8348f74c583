"""Which webhook events a transaction's ticket changes amount to, and the SLA job's events."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from helpdesk.database import unit_of_work
from helpdesk.sla.jobs import sla_alerts
from helpdesk.tickets import services
from helpdesk.webhooks import services as webhooks
from helpdesk.webhooks.events import emit_event, ticket_events
from helpdesk.webhooks.models import WebhookDelivery
from tests import factories


def test_changes_map_to_events():
    assert ticket_events([("created", "api"), ("group", "1"), ("priority", "3")]) == ["ticket.created"]
    assert ticket_events([("reply", "5"), ("status", "solved")]) == ["ticket.solved"]
    assert ticket_events([("assignee", "2"), ("status", "open")]) == ["ticket.updated"]
    assert ticket_events([("sla_alert", "resolution:75")]) == ["ticket.sla_warning"]
    assert ticket_events([("sla_alert", "first_response:100"), ("sla_breach", "first_response")]) == \
        ["ticket.sla_breached"]
    assert ticket_events([("sla_breach", "first_response"), ("sla_alert", "resolution:75")]) == \
        ["ticket.sla_breached", "ticket.sla_warning"]


def sent(session):
    return [(d.event_type, json.loads(d.payload)["data"]) for d in
            session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id))]


def test_sla_warning_and_breach_reach_subscribers(app, session, users, clock):
    app.config.update(WEBHOOK_ALLOWED_HOSTS=("localhost",), WEBHOOK_ALLOW_PRIVATE=True)
    try:
        with unit_of_work():
            webhooks.create_subscription({"name": "Larm", "url": "http://localhost:9/hook",
                                          "events": ["ticket.sla_warning", "ticket.sla_breached"]},
                                         actor=users["admin"], now=clock.now())
    finally:
        app.config.update(WEBHOOK_ALLOWED_HOSTS=(), WEBHOOK_ALLOW_PRIVATE=False)
    ticket = factories.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender", impact=1, urgency=1)
    services.assign(ticket, users["erik"], actor=users["erik"], now=clock.now())
    session.commit()
    assert sent(session) == []  # creation and assignment are not what this subscriber asked for
    clock.set(datetime(2026, 11, 18, 12, 1, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC))
    sla_alerts(clock)
    events = [(e, data) for e, data in sent(session) if data["number"] == ticket.id]
    # First response breached at 09:30, the resolution clock past 75 %: one event of each, in one run.
    assert [e for e, _ in events] == ["ticket.sla_breached", "ticket.sla_warning"]
    assert events[0][1]["subject"] == ticket.subject


def test_emit_event_for_other_domains(app, session, users, clock):
    """What the outages package calls: one line, written in the caller's transaction."""
    app.config.update(WEBHOOK_ALLOWED_HOSTS=("localhost",), WEBHOOK_ALLOW_PRIVATE=True)
    try:
        with unit_of_work():
            webhooks.create_subscription({"name": "Teams", "url": "http://localhost:9/hook",
                                          "events": ["outage.published"]}, actor=users["admin"], now=clock.now())
    finally:
        app.config.update(WEBHOOK_ALLOWED_HOSTS=(), WEBHOOK_ALLOW_PRIVATE=False)
    with unit_of_work():
        assert emit_event("outage.published", {"id": 7, "title": "E-post ligger nere"}, now=clock.now()) == 1
        assert emit_event("outage.updated", {"id": 7}, now=clock.now()) == 0
    assert sent(session) == [("outage.published", {"id": 7, "title": "E-post ligger nere"})]


def test_outage_notices_and_major_incidents_reach_subscribers(app, session, users, clock):
    from helpdesk.outages import services as outages

    app.config.update(WEBHOOK_ALLOWED_HOSTS=("localhost",), WEBHOOK_ALLOW_PRIVATE=True)
    try:
        with unit_of_work():
            webhooks.create_subscription({"name": "Teams", "url": "http://localhost:9/hook",
                                          "events": ["outage.published", "outage.updated",
                                                     "major_incident.declared"]},
                                         actor=users["admin"], now=clock.now())
    finally:
        app.config.update(WEBHOOK_ALLOWED_HOSTS=(), WEBHOOK_ALLOW_PRIVATE=False)
    system = factories.system("Lönesystem")
    notice = outages.publish_notice(title="Lönesystemet ligger nere", systems=[system], starts_at=clock.now(),
                                    broken_text="Det går inte att logga in.", actor=users["sara"], now=clock.now())
    outages.post_update(notice=notice, body="Leverantören felsöker.", actor=users["sara"], now=clock.now())
    outages.close_notice(notice, resolution="Servern är omstartad.", actor=users["sara"], now=clock.now())
    events = [(event, data.get("notice"), data.get("ticket")) for event, data in sent(session)]
    major = notice.major_incident_ticket_id
    assert events[0] == ("major_incident.declared", None, major)
    assert events[1] == ("outage.published", notice.id, None)
    assert [e for e, _n, _t in events[2:]] == ["outage.updated", "outage.updated"]
    published = sent(session)[1][1]
    assert published["systems"] == [system.id] and published["title"] == "Lönesystemet ligger nere"


def test_outage_updates_stop_reaching_ordinary_subscribers_once_the_major_incident_is_confidential(
        app, session, users, clock):
    from helpdesk.outages import services as outages

    app.config.update(WEBHOOK_ALLOWED_HOSTS=("localhost",), WEBHOOK_ALLOW_PRIVATE=True)
    try:
        with unit_of_work():
            webhooks.create_subscription({"name": "Teams", "url": "http://localhost:9/hook",
                                          "events": ["outage.updated"]}, actor=users["admin"], now=clock.now())
    finally:
        app.config.update(WEBHOOK_ALLOWED_HOSTS=(), WEBHOOK_ALLOW_PRIVATE=False)
    notice = outages.publish_notice(title="Konstigt beteende i Lönesystemet", systems=[factories.system("Lönesystem")],
                                    starts_at=clock.now(), actor=users["sara"], now=clock.now())
    notice.major_incident_ticket.is_confidential = True  # it turned out to be an attack
    outages.post_update(notice=notice, body="Vi utreder.", actor=users["sara"], now=clock.now())
    assert sent(session) == []
