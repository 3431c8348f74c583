"""The retention, disclosure and audit pages pass axe-core's WCAG 2.1 A/AA rules, errors shown too."""

import pytest
from playwright.sync_api import expect

from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from tests.browser.conftest import ticket_number
from tests.browser.test_accessibility import DEMO_TICKET, check

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def rule_id(app):
    """A retention rule in the served database (committed for real)."""
    from helpdesk.auth.models import User
    from helpdesk.retention import services
    from helpdesk.retention.models import RetentionRule

    with app.app_context():
        rule = db.session.query(RetentionRule).first()
        if rule is None:
            admin = db.session.query(User).filter_by(username="admin").one()
            with unit_of_work():
                rule = services.create_rule({"organisation_id": 1, "ticket_type": "incident", "months": 36,
                                             "action": "pseudonymise", "decision_reference": "KS 2026/123 § 45",
                                             "automatic": False, "is_active": True, "note": ""},
                                            actor=admin, now=app.extensions["helpdesk.clock"].now())
        number = rule.id
        db.session.remove()
    return number


def test_retention_admin_pages(as_user, axe_source, rule_id):
    page = as_user("admin")
    for url, name in [("/admin/retention/", "retention-rules"), (f"/admin/retention/{rule_id}", "retention-rule"),
                      (f"/admin/retention/{rule_id}/approve", "retention-approve"),
                      ("/admin/retention/runs", "retention-runs")]:
        page.goto(url)
        check(page, name, axe_source)
    page.goto("/admin/retention/new")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "retention-rule-errors", axe_source)


def test_hold_and_disclosure_pages(app, as_user, axe_source):
    number = ticket_number(app, DEMO_TICKET)
    page = as_user("ines")
    page.goto(f"/tickets/{number}/hold")
    page.get_by_role("button", name="Inför gallringsstopp").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "legal-hold-errors", axe_source)
    page.goto(f"/tickets/{number}/disclosure")
    check(page, "disclosure-form", axe_source)


def test_audit_log(as_user, axe_source):
    page = as_user("ines")
    page.goto("/audit/")
    check(page, "audit-log", axe_source)
    page.goto("/audit/?date_from=igår")
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "audit-log-errors", axe_source)
