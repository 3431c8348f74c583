"""Registers, report figures and admin writes through the API: the same roles and services as the web."""

import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.extensions import db
from helpdesk.org.models import SupportGroup
from helpdesk.security.services import report_incident
from tests import factories


def test_security_incidents_only_for_the_security_role(client, users, clock):
    incident = report_incident(reporter=users["goran"], subject="Stulen dator", description="I bilen.", now=clock.now())
    officer = factories.api_token(users["ines"], now=clock.now(), scope="read")
    agent = factories.api_token(users["erik"], now=clock.now(), scope="read")
    db.session.commit()
    listed = client.get("/api/v1/security-incidents", headers=factories.bearer(officer)).get_json()
    assert incident.id in [i["id"] for i in listed]
    assert client.get("/api/v1/security-incidents", headers=factories.bearer(agent)).status_code == 403


def test_monthly_report_figures_as_json(client, users, clock):
    secret = factories.api_token(users["maria"], now=clock.now(), scope="read")
    requester = factories.api_token(users["anna"], now=clock.now(), scope="read")
    db.session.commit()
    answer = client.get("/api/v1/reports/monthly?month=2026-10", headers=factories.bearer(secret))
    assert answer.status_code == 200 and answer.get_json()["month"] == "2026-10"
    assert "values" in answer.get_json()["total"]
    bad = client.get("/api/v1/reports/monthly?month=2031-01", headers=factories.bearer(secret))
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "month"
    assert client.get("/api/v1/reports/monthly", headers=factories.bearer(requester)).status_code == 403


def test_admin_creates_a_group_through_the_service_and_others_may_not(client, users, clock):
    admin = factories.api_token(users["admin"], now=clock.now(), scope="admin")
    writer = factories.api_token(users["admin"], now=clock.now(), scope="write")
    agent = factories.api_token(users["erik"], now=clock.now(), scope="admin")
    db.session.commit()
    organisation_id = factories.group("Servicedesk").organisation_id if factories.group("Servicedesk") else \
        db.session.scalar(sa.select(SupportGroup.organisation_id).limit(1))
    body = {"organisation_id": organisation_id, "name": "GIS-gruppen", "is_service_desk": False}
    assert client.post("/api/v1/groups", headers=factories.bearer(writer), json=body).status_code == 403
    assert client.post("/api/v1/groups", headers=factories.bearer(agent), json=body).status_code == 403
    created = client.post("/api/v1/groups", headers=factories.bearer(admin), json=body)
    assert created.status_code == 201 and created.get_json()["name"] == "GIS-gruppen"
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "support_group_created"))
    twice = client.post("/api/v1/groups", headers=factories.bearer(admin), json=body)
    assert twice.status_code == 422 and twice.get_json()["errors"][0]["field"] == "name"
