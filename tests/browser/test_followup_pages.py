"""The supplier, availability and effort pages pass axe-core's WCAG 2.1 A/AA rules and work without script."""

from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from helpdesk.extensions import db

from .conftest import ticket_number
from .test_accessibility import DEMO_TICKET, check

pytestmark = pytest.mark.browser


@pytest.fixture
def contract(app):
    """A supplier with a contract on the demo ticket's system (committed: the server sees it)."""
    from helpdesk.catalogue.models import System
    from helpdesk.database import unit_of_work
    from helpdesk.suppliers import services
    from helpdesk.suppliers.models import Supplier
    from helpdesk.tickets.models import Ticket

    with app.app_context():
        supplier = db.session.scalar(sa.select(Supplier).where(Supplier.name == "Omsorgssystem AB"))
        if supplier is None:
            with unit_of_work():
                system_id = db.session.scalar(sa.select(Ticket.system_id).where(Ticket.subject == DEMO_TICKET))
                supplier = services.save_supplier(None, name="Omsorgssystem AB", contact_email="support@omsorg.example")
                services.save_contract(
                    None, supplier=supplier, system=db.session.get(System, system_id), reference="AVT-1",
                    response_minutes=240, resolution_minutes=960, calendar=None, starts_on=date(2020, 1, 1), ends_on=None)
        db.session.remove()


def test_escalation_from_the_ticket_page_and_its_panel(app, as_user, axe_source, contract):
    page = as_user("sara")
    page.goto(f"/tickets/{ticket_number(app, DEMO_TICKET)}")
    page.get_by_role("button", name="Eskalera till leverantör").click()
    expect(page.locator(".error").first).to_be_visible()  # no text: refused, page kept
    check(page, "ticket-escalate-error", axe_source)
    page.get_by_label("Till leverantören").fill("Beslutet går inte att spara, se skärmbild.")
    page.get_by_role("button", name="Eskalera till leverantör").click()
    expect(page.get_by_text("Leverantör: Omsorgssystem AB").first).to_be_visible()
    page.get_by_label("Minuter").fill("20")
    page.get_by_role("button", name="Logga tid").click()
    expect(page.get_by_text("Totalt 20 minuter.")).to_be_visible()
    check(page, "ticket-supplier-panel", axe_source)


@pytest.mark.parametrize("path,name", [
    ("/reports/suppliers/2026-10", "supplier-follow-up"),
    ("/reports/availability/2026-10", "availability"),
    ("/reports/effort/2026-11", "effort"),
    ("/reports/definitions", "definitions-followup"),
    ("/reports/monthly/2026-11", "monthly-with-followup"),
])
def test_report_pages(as_user, axe_source, path, name):
    page = as_user("maria")
    page.goto(path)
    check(page, name, axe_source)


@pytest.mark.parametrize("path,name", [
    ("/admin/suppliers", "admin-suppliers"),
    ("/admin/suppliers/new", "admin-supplier-form"),
    ("/admin/rates", "admin-rates"),
    ("/admin/availability", "admin-availability"),
])
def test_admin_pages(as_user, axe_source, path, name, contract):
    page = as_user("admin")
    page.goto(path)
    check(page, name, axe_source)
