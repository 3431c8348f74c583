"""End-to-end flows in a real browser: report, route, reply; without JavaScript; on a phone."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import login, screenshot, ticket_number

pytestmark = pytest.mark.browser

SOC_SYSTEM = "Verksamhetssystem socialtjänst"
SOC_GROUP = "Verksamhetssystem Socialförvaltningen"


def report(page, *, subject, body, system=SOC_SYSTEM):
    """Fill in and send the report form the page shows; returns the new ticket's number."""
    page.get_by_label("Något fungerar inte (felanmälan)").check()
    page.get_by_label("Vilket system eller vilken tjänst gäller det?").select_option(label=system)
    page.get_by_label("Rubrik").fill(subject)
    page.get_by_label("Beskrivning").fill(body)
    page.get_by_role("button", name="Skicka ärendet").click()
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    expect(page.locator(".flash-success")).to_contain_text("Tack! Ditt ärende har nummer")
    return int(page.url.rsplit("/", 1)[1])


def queue_numbers(page):
    """The ticket numbers listed in the queue table."""
    return {int(t.lstrip("#")) for t in page.locator("table.queue tbody td:nth-child(2) a").all_inner_texts()}


def test_report_reaches_owning_department_and_reply_reaches_requester(app, as_user):
    anna = as_user("anna")
    anna.goto("/tickets/new")
    anna.get_by_label("Sök bland system och tjänster").fill("socialtjänst")  # narrows the list as she types
    options = anna.get_by_label("Vilket system eller vilken tjänst gäller det?").locator("option")
    expect(options).to_have_text(["Vet inte / annat", SOC_SYSTEM])
    subject = "Journalen låser sig vid utskrift"
    number = report(anna, subject=subject, body="Programmet hänger sig när jag skriver ut en journalanteckning.")
    assert number == ticket_number(app, subject)
    expect(anna.get_by_role("heading", level=1)).to_contain_text(subject)
    expect(anna.locator(".facts")).to_contain_text(SOC_GROUP)

    sara = as_user("sara")
    sara.goto("/queue")
    row = sara.locator("table.queue tbody tr", has=sara.get_by_role("link", name=f"#{number}", exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(SOC_GROUP)
    expect(row).to_contain_text(subject)

    erik = as_user("erik")
    erik.goto("/queue")
    expect(erik.locator("table.queue")).to_be_visible()
    assert number not in queue_numbers(erik), "a Socialförvaltningen ticket landed in the service desk's queue"

    sara.get_by_role("link", name=f"#{number}", exact=True).click()
    sara.wait_for_url(re.compile(rf"/tickets/{number}$"))
    sara.get_by_label("Svar till anmälaren").check()
    reply = "Hej Anna! Vi har startat om utskriftstjänsten. Prova igen."
    sara.get_by_label("Meddelande").fill(reply)
    sara.get_by_role("button", name="Uppdatera", exact=True).click()
    expect(sara.locator(".flash-success")).to_contain_text("Ärendet är uppdaterat.")

    anna.goto(f"/tickets/{number}")
    message = anna.locator(".message", has_text=reply)
    expect(message).to_have_count(1)
    expect(message).to_contain_text("Sara Nilsson")
    screenshot(anna, "flow-requester-sees-reply")


def test_report_works_without_javascript(app, new_context):
    page = login(new_context(java_script_enabled=False), "anna")
    page.goto("/tickets/new")
    # Without JavaScript the search box narrows the list by a round trip.
    page.get_by_label("Sök bland system och tjänster").fill("socialtjänst")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.wait_for_url(re.compile(r"q=socialtj"))
    options = page.get_by_label("Vilket system eller vilken tjänst gäller det?").locator("option").all_inner_texts()
    assert SOC_SYSTEM in options
    assert "Skrivare och utskrift" not in options

    subject = "Kan inte logga in utan JavaScript"  # sent from the narrowed form
    number = report(page, subject=subject, body="Anmält från en webbläsare utan JavaScript.")
    assert number == ticket_number(app, subject)
    expect(page.get_by_role("heading", level=1)).to_contain_text(subject)


@pytest.mark.parametrize("path", ["/", "/tickets/new"])
def test_portal_fits_a_phone_screen(as_user, path):
    page = as_user("anna", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page.goto(path)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{path} scrolls sideways on a 375 px screen: {widths}"
    screenshot(page, "phone" + (path.replace("/", "-").rstrip("-") or "-start"))
