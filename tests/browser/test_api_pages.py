"""The API token settings page, the webhook admin pages and the API documentation in a real browser."""

import pytest
from playwright.sync_api import expect

from .test_accessibility import check

pytestmark = pytest.mark.browser


def test_token_page_creates_a_token_shown_once(as_user, axe_source):
    page = as_user("erik")
    page.goto("/settings/api-tokens/")
    check(page, "api-tokens", axe_source)
    page.get_by_label("Vad nyckeln används till").fill("Rapportskript")
    page.get_by_label("Behörighet").select_option("read")
    page.get_by_role("button", name="Skapa nyckel").click()
    expect(page.get_by_role("heading", name="Din nya nyckel")).to_be_visible()
    expect(page.locator(".notice code")).to_contain_text("hd_")
    check(page, "api-tokens-created", axe_source)
    page.goto("/settings/api-tokens/")
    expect(page.locator(".notice")).to_have_count(0)  # never shown again


def test_webhook_admin_pages(app, as_user, axe_source):
    page = as_user("admin")
    page.goto("/admin/webhooks/")
    check(page, "webhooks", axe_source)
    page.get_by_role("link", name="Ny webhook").click()
    page.get_by_label("Namn").fill("Teams")
    page.get_by_label("Mottagarens adress (URL)").fill("https://hooks.example.org/x")
    page.get_by_label("Ärende skapat").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".error").first).to_contain_text("tillåtna mottagarna")  # not an allowed host
    check(page, "webhook-refused", axe_source)


def test_api_docs_render_under_the_csp(new_context):
    page = new_context().new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/v1/tickets/{number}/replies")).to_be_visible()
    assert blocked == []
