"""Monitoring alarms: one ticket per fingerprint, notes on resolve, routing through the catalogue."""

import sqlalchemy as sa

from helpdesk.api.models import Alarm
from helpdesk.auth.services import create_user
from helpdesk.extensions import db
from helpdesk.tickets.models import Message, MessageKind, Status, Ticket
from tests import factories


def service_account(clock):
    user = create_user(username="prometheus", full_name="Övervakning (Prometheus)", email="prometheus@exempelby.se",
                       roles=["agent"], actor=None, now=clock.now())
    return factories.api_token(user, now=clock.now(), scope="write", name="alertmanager")


def alertmanager(alerts, status="firing"):
    return {"version": "4", "status": status, "receiver": "helpdesk", "groupKey": "{}:{}", "alerts": alerts,
            "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am"}


def alert(n, status="firing", system="E-post och kalender"):
    return {"status": status, "fingerprint": f"fp{n:02d}",
            "labels": {"alertname": f"Disk{n}", "severity": "critical", "system": system, "instance": f"srv{n}"},
            "annotations": {"summary": f"Disken full på srv{n}"},
            "startsAt": "2026-11-18T07:59:00Z", "endsAt": "0001-01-01T00:00:00Z"}


def test_a_storm_of_1000_alarms_with_10_fingerprints_makes_10_tickets(client, clock):
    headers = factories.bearer(service_account(clock))
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.max(Ticket.id)))
    for _batch in range(100):  # 100 webhook calls of 10 alarms each, within one minute
        answer = client.post("/api/v1/alerts", headers=headers, json=alertmanager([alert(n) for n in range(10)]))
        assert answer.status_code == 200, answer.get_json()
    tickets = db.session.scalars(sa.select(Ticket).where(Ticket.id > before)).all()
    assert len(tickets) == 10
    assert {t.subject for t in tickets} == {f"Larm: Disken full på srv{n}" for n in range(10)}
    assert db.session.scalar(sa.select(sa.func.sum(Alarm.count))) == 1000
    system = factories.system("E-post och kalender")
    assert {t.system_id for t in tickets} == {system.id}
    assert {t.support_group_id for t in tickets} == {system.support_group_id}  # routed like any ticket


def test_resolved_alarm_adds_a_note_and_solves_when_configured(app, client, clock):
    headers = factories.bearer(service_account(clock))
    db.session.commit()
    generic = {"fingerprint": "ups-1", "system": "Telefoni och växel", "severity": "warning",
               "summary": "UPS på batteri"}
    number = client.post("/api/v1/alerts", headers=headers, json=generic).get_json()["results"][0]["ticket"]
    app.config["ALERT_SOLVE_ON_RESOLVED"] = True
    try:
        answer = client.post("/api/v1/alerts", headers=headers, json=generic | {"status": "resolved"})
    finally:
        app.config["ALERT_SOLVE_ON_RESOLVED"] = False
    assert answer.get_json()["results"][0] == {"fingerprint": "ups-1", "ticket": number, "action": "resolved"}
    ticket = db.session.get(Ticket, number)
    assert ticket.status == Status.SOLVED
    notes = db.session.scalars(sa.select(Message).where(Message.ticket_id == number,
                                                        Message.kind == MessageKind.INTERNAL)).all()
    assert any("upphört" in m.body for m in notes)
    again = client.post("/api/v1/alerts", headers=headers, json=generic).get_json()["results"][0]
    assert again["action"] == "opened" and again["ticket"] != number  # the solved ticket is not reopened by a new fire


def test_generic_alarm_without_fingerprint_names_the_field(client, clock):
    headers = factories.bearer(service_account(clock))
    db.session.commit()
    answer = client.post("/api/v1/alerts", headers=headers, json={"summary": "x"})
    assert answer.status_code == 422 and answer.get_json()["errors"][0]["field"] == "fingerprint"


def test_a_read_token_cannot_raise_alarms(client, users, clock):
    secret = factories.api_token(users["erik"], now=clock.now(), scope="read")
    db.session.commit()
    answer = client.post("/api/v1/alerts", headers=factories.bearer(secret),
                         json={"fingerprint": "a", "summary": "b"})
    assert answer.status_code == 403


def test_an_employee_token_cannot_raise_or_touch_alarms(client, users, clock):
    from helpdesk.extensions import db

    secret = factories.api_token(users["anna"], now=clock.now(), scope="write")
    db.session.commit()
    answer = client.post("/api/v1/alerts", headers=factories.bearer(secret),
                         json={"system": "Lönesystem", "severity": "critical", "summary": "Nere", "fingerprint": "x1"})
    assert answer.status_code == 403
    assert answer.headers["Content-Type"] == "application/problem+json"
