"""The mail-hardening additions in Chromium: WCAG 2.1 AA by axe-core (issue 8)."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.test_accessibility import check

pytestmark = pytest.mark.browser
FORGED = "mx.exempelby.se; spf=fail smtp.mailfrom=evil.example; dkim=none; dmarc=fail header.from=exempelby.se"


def _ingest(app, clock, raw):
    from helpdesk.database import unit_of_work
    from helpdesk.extensions import db
    from helpdesk.intake.models import Mailbox
    from helpdesk.intake.services import ingest

    with app.app_context(), unit_of_work():
        box = db.session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
        return ingest(raw, box, now=clock.now()).ticket_id


def test_unverified_sender_and_unshown_html_on_the_ticket_page(app, clock, as_user, axe_source):
    from tests.intake.builders import mail

    app.config["MAIL_TRUSTED_AUTHSERV_IDS"] = ["mx.exempelby.se"]
    try:
        number = _ingest(app, clock, mail(subject="Byt mitt lösenord", headers={"Authentication-Results": FORGED},
                                          html="<p>" + "x" * 2_100_000 + "</p>"))
    finally:
        app.config["MAIL_TRUSTED_AUTHSERV_IDS"] = ()
    page = as_user("erik")
    page.goto(f"/tickets/{number}")
    expect(page.get_by_text("Avsändaren är inte verifierad")).to_be_visible()
    expect(page.get_by_text("E-postmeddelandets HTML-version visas inte.")).to_be_visible()
    check(page, "ticket-unverified-sender", axe_source)


def test_mail_log_with_tolerated_faults(app, clock, as_user, axe_source):
    from tests.intake.builders import mail

    _ingest(app, clock, mail(attachments=[("winmail.dat", b"not TNEF", "application/ms-tnef")]))
    page = as_user("admin")
    page.goto("/admin/mail")
    expect(page.get_by_role("heading", name="Fel som tolkningen har tålt")).to_be_visible()
    expect(page.get_by_text("mime.tnef")).to_be_visible()
    check(page, "admin-mail-log-faults", axe_source)
