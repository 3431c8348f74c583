"""The Content-Security-Policy is sent and keeps injected script from running."""

import re

import pytest
from playwright.sync_api import expect

from helpdesk.web import CSP

from .conftest import login, ticket_number

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'


def test_every_page_sends_the_content_security_policy(new_context):
    page = new_context().new_page()
    response = page.goto("/login")
    policy = response.headers.get("content-security-policy", "")
    assert policy == CSP
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_script_in_a_ticket_is_shown_as_text_and_never_runs(app, new_context):
    page = login(new_context(), "anna")
    page.goto("/tickets/new")
    subject = f"Konstig rubrik {SCRIPT}"
    body = f"Texten innehåller {IMG} och {SCRIPT}"
    page.get_by_label("Rubrik").fill(subject)
    page.get_by_label("Beskrivning").fill(body)
    page.get_by_role("button", name="Skicka ärendet").click()
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    number = ticket_number(app, subject)

    for user in ("anna", "erik"):  # the requester's page and the service desk's work view
        viewer = page if user == "anna" else login(new_context(), user)
        viewer.goto(f"/tickets/{number}")
        expect(viewer.get_by_role("heading", level=1)).to_contain_text(SCRIPT)
        expect(viewer.locator(".message-body").first).to_contain_text(IMG)
        assert viewer.locator(".message-body img").count() == 0
        assert viewer.evaluate("() => typeof window.__pwned") == "undefined"


def test_csp_blocks_inline_script_even_if_it_reached_the_page(new_context):
    """Defence in depth: an inline script slipped into a served page is refused by the browser."""
    context = new_context()
    page = context.new_page()

    def inject(route):
        response = route.fetch()
        html = response.text().replace("</main>", f"{SCRIPT}{IMG}</main>")
        route.fulfill(response=response, body=html)

    page.route(re.compile(r"/login$"), inject)
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto("/login")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    assert page.locator("main script").count() == 1  # the script is in the page ...
    assert page.evaluate("() => typeof window.__pwned") == "undefined"  # ... but never ran
    assert violations, "the browser reported no CSP violation"
