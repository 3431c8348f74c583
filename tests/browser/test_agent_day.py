"""The agent's day in a real browser: a typical ticket handled with one submit; shortcuts; Swedish file button."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from helpdesk.replies.models import CannedReply

from .conftest import screenshot
from .test_accessibility import check

pytestmark = pytest.mark.browser


def new_ticket(app, subject, *, with_reply=None):
    """An unassigned e-mail fault reported by Anna (and optionally Erik's canned reply)."""
    from helpdesk.auth.models import User
    from helpdesk.catalogue.models import System
    from helpdesk.tickets import services

    with app.app_context():
        clock = app.extensions["helpdesk.clock"]
        with unit_of_work():
            anna = db.session.scalar(sa.select(User).where(User.username == "anna"))
            system = db.session.scalar(sa.select(System).where(System.name == "E-post och kalender"))
            ticket = services.create_ticket(requester=anna, subject=subject, body="Outlook visar inga möten.",
                                            actor=anna, now=clock.now(), system=system)
            if with_reply:
                erik = db.session.scalar(sa.select(User).where(User.username == "erik"))
                db.session.add(CannedReply(title=with_reply, owner_id=erik.id, set_status="solved", is_active=True,
                                           body="Hej {anmälare}! Vi har åtgärdat {system} i ärende {ärendenummer}. /{handläggare}",
                                           created_at=clock.now(), updated_at=clock.now()))
        number = ticket.id
        db.session.remove()
    return number


def ticket_state(app, number):
    from helpdesk.tickets.models import Message, Ticket

    with app.app_context():
        ticket = db.session.get(Ticket, number)
        state = (ticket.status, ticket.assignee.username if ticket.assignee else None,
                 db.session.scalar(sa.select(Message.body).where(Message.ticket_id == number).order_by(Message.id.desc())))
        db.session.remove()
    return state


def test_typical_ticket_with_one_submit(app, as_user, axe_source):
    number = new_ticket(app, "Kalendern är tom i Outlook", with_reply="Kalendern åtgärdad")
    erik = as_user("erik")
    erik.goto(f"/tickets/{number}")
    check(erik, "agent-ticket-update-form", axe_source)
    posts = []
    erik.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    erik.get_by_label("Handläggare").select_option(label="Erik Johansson")  # take it
    erik.get_by_label("Svarsmall").select_option(label="Kalendern åtgärdad")
    body = erik.get_by_label("Meddelande")
    expect(body).to_have_value(re.compile(rf"^Hej Anna .*E-post och kalender i ärende #{number}\. /Erik Johansson$"))
    expect(erik.get_by_label("Status", exact=True)).to_have_value("solved")  # the template's status
    erik.get_by_role("button", name="Uppdatera", exact=True).click()

    erik.wait_for_url(re.compile(rf"/tickets/{number}$"))
    expect(erik.locator(".flash-success")).to_contain_text("Ärendet är uppdaterat.")
    assert len(posts) == 1, posts
    status, assignee, last_body = ticket_state(app, number)
    assert (status, assignee) == ("solved", "erik")
    assert last_body.startswith("Hej Anna") and f"#{number}" in last_body
    expect(erik.locator(".facts")).to_contain_text("Löst")
    check(erik, "agent-ticket-after-update", axe_source)


def test_take_is_a_few_tabs_away_and_shortcuts_have_a_help_overlay(app, as_user):
    number = new_ticket(app, "Mobilen synkar inte posten")
    erik = as_user("erik")
    erik.goto(f"/tickets/{number}")
    erik.keyboard.press("Tab")  # the skip link
    erik.keyboard.press("Enter")
    for _presses in range(3):
        erik.keyboard.press("Tab")
        if erik.evaluate("() => document.activeElement.textContent.trim()") == "Ta ärendet":
            break
    assert erik.evaluate("() => document.activeElement.textContent.trim()") == "Ta ärendet"
    # Typing in the message box never triggers a shortcut.
    erik.get_by_label("Meddelande").fill("")
    erik.get_by_label("Meddelande").press("t")
    expect(erik.get_by_label("Meddelande")).to_have_value("t")
    erik.locator("body").click(position={"x": 1, "y": 1})
    erik.keyboard.press("?")
    expect(erik.get_by_role("dialog")).to_be_visible()
    expect(erik.get_by_role("dialog")).to_contain_text("Nästa ärende i kön")
    erik.keyboard.press("Escape")
    expect(erik.get_by_role("dialog")).to_be_hidden()
    erik.keyboard.press("n")
    expect(erik.get_by_label("Intern anteckning")).to_be_checked()
    expect(erik.get_by_label("Meddelande")).to_be_focused()
    erik.locator("body").click(position={"x": 1, "y": 1})
    erik.keyboard.press("t")
    expect(erik.locator(".claim")).to_contain_text("Du handlägger ärendet.")


def test_the_file_button_speaks_swedish_with_and_without_javascript(app, as_user, new_context):
    from .conftest import login

    number = new_ticket(app, "Bifogad skärmbild")
    for page in (as_user("erik"), login(new_context(java_script_enabled=False), "erik")):
        page.goto(f"/tickets/{number}")
        expect(page.locator("label.file-button")).to_be_visible()
        expect(page.locator("label.file-button")).to_have_text("Välj filer")
    screenshot(page, "agent-file-button-no-js")


def test_phone_width_facts_fit_and_the_form_comes_before_the_history(app, as_user):
    number = new_ticket(app, "Smal skärm")
    erik = as_user("erik", viewport={"width": 390, "height": 800})
    erik.goto(f"/tickets/{number}")
    assert erik.evaluate("() => document.documentElement.scrollWidth") <= 390
    form_top = erik.locator("#update").bounding_box()["y"]
    history_top = erik.locator("#history-heading").bounding_box()["y"]
    assert form_top < history_top
    screenshot(erik, "agent-ticket-390")


def test_employee_start_page_on_a_phone_shows_status_and_puts_rating_below_open_tickets(app, as_user):
    anna = as_user("anna", viewport={"width": 390, "height": 800})
    anna.goto("/")
    assert anna.evaluate("() => document.documentElement.scrollWidth") <= 390
    status = anna.locator("table.my-tickets").first.locator("tbody tr").first.locator(".badge")
    expect(status).to_be_visible()
    box = status.bounding_box()
    assert box["x"] + box["width"] <= 390
    open_top = anna.locator("#open-heading").bounding_box()["y"]
    rate = anna.locator("#rate-heading")
    if rate.count():
        assert rate.bounding_box()["y"] > open_top


def test_system_picker_finds_by_keyword_with_javascript(app, as_user):
    anna = as_user("anna")
    anna.goto("/tickets/new")
    anna.get_by_label("Sök bland system och tjänster").fill("Treserva")
    options = anna.get_by_label("Vilket system eller vilken tjänst gäller det?").locator("option")
    expect(options).to_have_text(["Vet inte / annat", "Verksamhetssystem socialtjänst"])
    anna.get_by_label("Vilket system eller vilken tjänst gäller det?").select_option(label="Verksamhetssystem socialtjänst")
    expect(anna.locator("#system-description")).to_have_text("Dokumentation och beslut inom socialtjänsten.")
    anna.get_by_label("Sök bland system och tjänster").fill("zzzfinnsinte")
    expect(anna.locator("#system-search-result")).to_contain_text("Inget system matchar")
