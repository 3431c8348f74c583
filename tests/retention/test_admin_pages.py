"""Retention administration through HTTP: rules, approval, protocols, holds."""

import pytest
import sqlalchemy as sa

from helpdesk.retention.jobs import apply_retention
from helpdesk.retention.models import LegalHold, RetentionRule, RetentionRun
from tests.retention.conftest import closed_ticket
from tests.retention.test_runs import OLD_CLOSE

RULE = {"organisation_id": 1, "ticket_type": "incident", "months": "24", "action": "destroy",
        "decision_reference": "KS 2026/123 § 45", "is_active": "y"}


def test_admin_pages_answer_and_others_are_refused(client, auth, make_rule, session):
    rule = make_rule("incident")
    session.commit()
    urls = ["/admin/retention/", "/admin/retention/new", f"/admin/retention/{rule.id}",
            f"/admin/retention/{rule.id}/approve", "/admin/retention/runs", "/admin/retention/runs.csv"]
    auth.login("admin")
    for url in urls:
        assert client.get(url).status_code == 200, url
    auth.logout()
    auth.login("ines")
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_a_rule_without_a_decision_is_not_saved(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/retention/new", data=RULE | {"decision_reference": "  "})
    assert response.status_code == 400
    assert "Utan beslut kan regeln inte sparas" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(RetentionRule)) == 0
    assert client.post("/admin/retention/new", data=RULE).status_code == 302
    assert session.scalar(sa.select(RetentionRule)).months == 24


def test_approving_a_run_from_the_page(users, client, auth, clock, make_rule, session):
    number = closed_ticket(users["anna"], closed_at=OLD_CLOSE).id
    rule = make_rule("incident", months=12)
    session.commit()
    auth.login("admin")
    page = client.get(f"/admin/retention/{rule.id}/approve").get_data(as_text=True)
    assert str(number) in page and "KS 2026/123 § 45" in page

    response = client.post(f"/admin/retention/{rule.id}/approve")

    assert response.status_code == 302
    run = session.scalar(sa.select(RetentionRun))
    assert run.status == "approved" and run.approved_by_id == users["admin"].id
    assert apply_retention(clock) == 1
    page = client.get(f"/admin/retention/runs/{run.id}").get_data(as_text=True)
    assert str(number) in page and "Systemadministratör" in page
    csv_text = client.get(f"/admin/retention/runs/{run.id}.csv").get_data(as_text=True)
    assert f";{number};" in csv_text and "KS 2026/123 § 45" in csv_text


@pytest.mark.parametrize("username, status", [("ines", 302), ("admin", 302), ("erik", 403)])
def test_legal_hold_is_for_admins_and_security_officers(users, client, auth, clock, username, status, session):
    number = closed_ticket(users["anna"], closed_at=OLD_CLOSE).id
    session.commit()
    auth.login(username)
    response = client.post(f"/tickets/{number}/hold", data={"reason": "Rättslig process"})
    assert response.status_code == status
    held = session.scalar(sa.select(LegalHold).where(LegalHold.ticket_id == number))
    assert (held is not None) == (status == 302)
    if held:
        page = client.get(f"/tickets/{number}").get_data(as_text=True)
        assert "Gallringsstopp sedan" in page and "införde gallringsstopp" in page
        assert client.post(f"/tickets/{number}/hold", data={"reason": ""}).status_code == 400
        assert client.post(f"/tickets/{number}/hold", data={"reason": "Klart"}).status_code == 302
        session.expire_all()
        assert session.scalar(sa.select(LegalHold)).lifted_at is not None
