"""Mailbox set-up in Chromium: channel step, the IMAP form, its errors and "Testa anslutningen" against the
test Dovecot, each page checked by axe-core for WCAG 2.1 AA (issue 10)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import check
from tests.intake.conftest import dovecot, imap  # noqa: F401  (the real Dovecot on 127.0.0.1)

pytestmark = pytest.mark.browser


def test_new_imap_mailbox_step_form_errors_and_connection_test(as_user, axe_source, imap):  # noqa: F811
    page = as_user("admin")
    page.goto("/admin/mailboxes")
    check(page, "admin-mailboxes", axe_source)
    page.get_by_role("link", name="Ny brevlåda").click()
    expect(page.get_by_role("group", name="Hur hämtas e-posten?")).to_be_visible()
    check(page, "admin-mailbox-channel", axe_source)
    page.get_by_label("IMAP", exact=True).check()
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("group", name="Anslutning")).to_be_visible()
    check(page, "admin-mailbox-imap", axe_source)

    page.get_by_role("button", name="Spara").click()  # nothing filled in
    expect(page.locator(".error-summary")).to_contain_text("Ange IMAP-serverns namn.")
    check(page, "admin-mailbox-imap-errors", axe_source)

    page.locator("#name").fill("provbox")
    page.locator("#address").fill("provbox@exempelby.se")
    page.locator("#host").fill(imap.host)
    page.get_by_label("Ingen (bara mot en server på samma dator eller i ett skyddat nät)").check()
    page.locator("#port").fill(str(imap.port))
    page.locator("#username").fill(imap.user)
    page.locator("#secret").fill(imap.password)
    page.get_by_role("button", name="Testa anslutningen").click()
    expect(page.get_by_role("status")).to_contain_text(f"Ansluten till 127.0.0.1 som {imap.user}.")
    expect(page.locator("#secret")).to_have_value("")  # the typed secret is not sent back
    check(page, "admin-mailbox-imap-tested", axe_source)

    page.locator("#organisation_id").select_option(index=1)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("link", name="provbox")).to_be_visible()
    page.get_by_role("button", name="Testa anslutningen för provbox").click()  # saved settings, no secret configured
    expect(page.get_by_role("alert")).to_contain_text("HELPDESK_MAILBOX_PROVBOX_PASSWORD")
    check(page, "admin-mailboxes-tested", axe_source)
