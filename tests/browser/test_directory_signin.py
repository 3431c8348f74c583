"""Signing in with the municipality's account through a real OpenID provider, in Chromium; axe on the new pages."""

from helpdesk.clock import SystemClock
import re

import pytest
from playwright.sync_api import expect

from tests.directory.oidc import PACKAGE, OidcProvider, node
from tests.directory.slapd import RULES

from .conftest import screenshot
from .test_accessibility import check

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(app, base_url, clock):
    if node() is None or not PACKAGE.exists():
        pytest.skip("node or the npm package oidc-provider is missing (run `npm ci` in the repository root)")
    provider = OidcProvider(redirect_uris=(f"{base_url}/login/oidc/callback",)).start()
    keys = (*provider.settings(), "AUTH_METHODS", "DIRECTORY_GROUP_RULES")
    saved, before = {key: app.config.get(key) for key in keys}, clock.now()
    app.config.update(provider.settings(OIDC_REDIRECT_URI=f"{base_url}/login/oidc/callback"),
                      AUTH_METHODS=["oidc", "local"], DIRECTORY_GROUP_RULES=RULES)
    clock.set(SystemClock().now().replace(microsecond=0))  # the provider's tokens carry the real time
    yield provider
    app.config.update(saved)
    clock.set(before)
    provider.stop()


def test_employee_signs_in_through_the_provider_and_lands_on_the_start_page(provider, new_context, axe_source):
    page = new_context().new_page()
    page.goto("/login")
    check(page, "login-with-municipal-account", axe_source)
    first = page.get_by_role("main").locator("a.button, button").first
    expect(first).to_have_text("Logga in med kommunens konto")  # offered first
    first.click()
    page.wait_for_url(re.compile(r"/interaction/"))
    page.get_by_label("Login").fill("sofia")
    page.get_by_label("Password").fill("sofia-lösen")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/queue$"))  # the group rules make her an agent: staff start in the queue
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Sofia!")
    screenshot(page, "signed-in-through-oidc")
    page.get_by_role("link", name="Anmäl ett fel eller beställ").click()
    expect(page).to_have_url(re.compile(r"/tickets/new$"))


def test_a_refused_answer_comes_back_to_the_login_page_with_a_message(provider, new_context, axe_source, base_url):
    page = new_context().new_page()
    page.goto("/login/oidc/callback?code=abc&state=not-ours")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_contain_text("svaret hörde inte till den här inloggningen")
    check(page, "login-refused-oidc", axe_source)


def test_mfa_enrolment_page_is_accessible(app, new_context, axe_source):
    app.config["MFA_REQUIRED_ROLES"] = ["security_officer"]
    try:
        page = new_context().new_page()
        page.goto("/login")
        page.get_by_label("Användarnamn").fill("ines")
        page.get_by_label("Lösenord").fill("demo")
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(re.compile(r"/login/mfa/setup$"))
        expect(page.get_by_role("img", name="QR-kod för autentiseringsappen")).to_be_visible()
        check(page, "mfa-setup", axe_source)
        page.get_by_label("Kod").fill("000000")
        page.get_by_role("button", name="Fortsätt").click()
        expect(page.locator(".error")).to_be_visible()
        check(page, "mfa-setup-error", axe_source)
    finally:
        app.config["MFA_REQUIRED_ROLES"] = []
