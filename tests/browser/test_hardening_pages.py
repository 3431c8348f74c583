"""The throttled login page and the SLA recomputation status pass axe-core's WCAG 2.1 A/AA rules."""

import pytest
from playwright.sync_api import expect

from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from tests.browser.test_accessibility import check

pytestmark = pytest.mark.browser


def test_throttled_login_page(new_context, axe_source):
    page = new_context().new_page()
    page.goto("/login")
    for _attempt in range(4):  # three free failures, then a wait (an unknown name: no demo user is slowed)
        page.get_by_label("Användarnamn").fill("gast-utan-konto")
        page.get_by_label("Lösenord").fill("fel-lösenord")
        page.get_by_role("button", name="Logga in").click()
        expect(page.locator(".error")).to_be_visible()
    expect(page.locator(".error")).to_contain_text("För många misslyckade inloggningar. Försök igen om")
    check(page, "login-throttled", axe_source)


def test_sla_recomputation_status(app, as_user, axe_source):
    from helpdesk.sla.jobs_refresh import request_refresh

    with app.app_context():
        with unit_of_work():
            request_refresh(actor=None, now=app.extensions["helpdesk.clock"].now(), reason="calendar_updated")
        db.session.remove()
    page = as_user("admin")
    page.goto("/admin/service-levels")
    expect(page.locator("#sla-refresh")).to_contain_text("väntar på att räknas om av schemaläggaren")
    check(page, "sla-refresh-pending", axe_source)
