"""Outages in a real browser: publish, "Jag berörs också" from the report form, update, solve; axe on each page."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from helpdesk.extensions import db
from helpdesk.notifications.models import OutboundMessage

from .conftest import screenshot
from .test_accessibility import check

pytestmark = pytest.mark.browser

SYSTEM = "Lönesystem"


def outbox_kinds(app, email):
    """The kinds of mail queued for one address, oldest first (straight from the database)."""
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboundMessage).order_by(OutboundMessage.id)).all()
        kinds = [r.kind for r in rows if email in r.recipients + r.cc]
        db.session.remove()
    return kinds


def test_notice_me_too_update_and_resolution(app, as_user, axe_source):
    per = as_user("per")
    per.goto("/outages/new")
    check(per, "outage-new", axe_source)
    per.get_by_label("Rubrik").fill("Lönesystemet går inte att nå")
    per.get_by_label("Berörda system").select_option(label=SYSTEM)
    per.get_by_label("Det här fungerar inte", exact=True).fill("Inloggningen ger ett felmeddelande.")
    per.get_by_label("Det här fungerar", exact=True).fill("Lönespecifikationer i e-post.")
    per.get_by_role("button", name="Publicera").click()
    per.wait_for_url(re.compile(r"/outages/\d+$"))
    expect(per.locator(".flash-success")).to_contain_text("Driftinformationen är publicerad")
    check(per, "outage-agent", axe_source)
    notice_url = per.url

    helena = as_user("helena")
    before = outbox_kinds(app, "helena@exempelby.se")
    helena.goto("/tickets/new")
    helena.get_by_label("Vilket system eller vilken tjänst gäller det?").select_option(label=SYSTEM)
    hints = helena.locator("#report-hints")
    expect(hints).to_contain_text("Vi känner till felet")  # fetched by outages.js, before she writes anything
    expect(hints).to_contain_text("Lönesystemet går inte att nå")
    check(helena, "report-form-known-fault", axe_source)
    screenshot(helena, "report-form-known-fault")
    hints.get_by_role("button", name="Jag berörs också").click()
    helena.wait_for_url(re.compile(r"/$"))
    expect(helena.locator(".flash-success")).to_contain_text("Du står nu med bland dem som berörs")
    expect(helena.get_by_role("heading", name="Störningar som berör dig")).to_be_visible()
    expect(helena.locator(".outage-mine")).to_contain_text("Lönesystemet går inte att nå")
    check(helena, "start-affected", axe_source)

    per.goto(notice_url)
    per.get_by_role("textbox", name="Lägesuppdatering").fill("Leverantören startar om servern.")
    per.get_by_role("button", name="Publicera uppdateringen").click()
    expect(per.locator(".flash-success")).to_contain_text("Uppdateringen är publicerad")
    per.get_by_role("link", name=re.compile("Storstörning #")).first.click()
    per.wait_for_url(re.compile(r"/major-incidents/\d+$"))
    expect(per.locator(".facts")).to_contain_text("1")
    check(per, "major-incident", axe_source)
    per.get_by_role("textbox", name="Lösning").fill("Servern är omstartad och fungerar igen.")
    per.get_by_role("button", name="Avsluta med lösning").click()
    expect(per.locator(".flash-success")).to_contain_text("Storstörningen är löst")

    helena.goto("/")
    expect(helena.locator(".outage-mine")).to_contain_text("Servern är omstartad")
    after = outbox_kinds(app, "helena@exempelby.se")[len(before):]
    assert after.count("outage_update") == 1
    assert after.count("outage_resolved") == 1
    assert len(after) == 2

    helena.goto("/status")
    expect(helena.get_by_role("heading", name="Lösta den senaste veckan")).to_be_visible()
    check(helena, "status-page", axe_source)


def test_knowledge_pages_are_accessible(as_user, axe_source):
    erik = as_user("erik")
    erik.goto("/kb/new")
    check(erik, "kb-new", axe_source)
    # Words no other browser test reports with, so the article never turns up beside their reports.
    erik.get_by_label("Rubrik (svenska)").fill("Projektorn i sessionssalen visar ingen bild")
    erik.get_by_label("Text (svenska)").fill("## Så gör du\n\n1. Välj **HDMI 2**.\n2. Starta om *projektorn*.")
    erik.get_by_role("button", name="Spara artikeln").click()
    erik.wait_for_url(re.compile(r"/kb/\d+$"))
    check(erik, "kb-article", axe_source)
    erik.goto("/kb?q=sessionssalarna")  # another inflection of the title's word
    expect(erik.locator(".kb-list")).to_contain_text("Projektorn i sessionssalen visar ingen bild")
    check(erik, "kb-search", axe_source)
    erik.goto("/problems/new")
    check(erik, "problem-new", axe_source)
