"""The supplier, effort and availability pages through the web."""

import sqlalchemy as sa

from helpdesk.effort.models import GroupRate, TimeEntry
from helpdesk.availability.models import AvailabilityTarget
from helpdesk.suppliers.models import Supplier, SupplierEscalation
from tests import factories
from tests.suppliers.builders import supplier_with_contract


def test_agent_escalates_from_the_ticket_page(session, clock, users, client, auth):
    _supplier, contract = supplier_with_contract(system=factories.system("Lönesystem"))
    ticket = factories.ticket(users["anna"], now=clock.now(), system_name="Lönesystem")
    session.commit()
    auth.login("per")
    page = client.get(f"/tickets/{ticket.id}")
    assert page.status_code == 200 and "Eskalera till leverantör" in page.text
    refused = client.post(f"/tickets/{ticket.id}/supplier/escalate",
                          data={"supplier-contract_id": contract.id, "supplier-body": ""})
    assert refused.status_code == 400 and "Skriv vad leverantören ska göra." in refused.text
    done = client.post(f"/tickets/{ticket.id}/supplier/escalate",
                       data={"supplier-contract_id": contract.id, "supplier-body": "Se loggen."})
    assert done.status_code == 302
    escalation = session.scalar(sa.select(SupplierEscalation).where(SupplierEscalation.ticket_id == ticket.id))
    assert escalation is not None
    page = client.get(f"/tickets/{ticket.id}")
    assert "Leverantören AB – AVT-2026-17" in page.text and "Leverantör: Leverantören AB" in page.text
    assert client.post(f"/tickets/{ticket.id}/supplier/{escalation.id}/case",
                       data={f"case{escalation.id}-case_number": "INC-9"}).status_code == 302
    assert escalation.case_number == "INC-9"
    assert client.post(f"/tickets/{ticket.id}/supplier/{escalation.id}/resolved", data={}).status_code == 302
    assert client.get("/reports/suppliers/2026-11").status_code == 200


def test_requester_cannot_escalate_or_log_time(session, clock, users, client, auth):
    _supplier, contract = supplier_with_contract()
    ticket = factories.ticket(users["anna"], now=clock.now())
    session.commit()
    auth.login("anna")
    assert client.post(f"/tickets/{ticket.id}/supplier/escalate",
                       data={"supplier-contract_id": contract.id, "supplier-body": "x"}).status_code == 403
    assert client.post(f"/tickets/{ticket.id}/time", data={"time-minutes": 5}).status_code == 403
    assert client.get("/reports/effort/2026-11").status_code == 403


def test_time_logged_on_the_ticket_page_and_exported_safely(session, clock, users, client, auth):
    ticket = factories.ticket(users["anna"], now=clock.now(), subject="=HYPERLINK(\"x\")")
    session.add(GroupRate(support_group_id=ticket.support_group_id, hourly_cost=720, updated_at=clock.now()))
    session.commit()
    auth.login("erik")
    assert client.post(f"/tickets/{ticket.id}/time", data={"time-minutes": "abc"}).status_code == 400
    assert client.post(f"/tickets/{ticket.id}/time", data={"time-minutes": 25, "time-note": "Felsökte"}).status_code == 302
    entry = session.scalar(sa.select(TimeEntry).where(TimeEntry.ticket_id == ticket.id))
    assert entry.minutes == 25 and entry.hourly_cost == 720
    assert client.get("/reports/effort/2026-11").status_code == 200
    assert client.get("/reports/effort/2026-11/type?value=incident").status_code == 200
    assert client.get("/reports/effort/2026-11/nonsense").status_code == 404
    assert client.get("/reports/effort/2026-11/system?value=x").status_code == 404
    csv = client.get("/reports/effort/2026-11/export.csv")
    assert csv.status_code == 200 and "300.0" in csv.get_data(as_text=True)
    assert client.get("/reports/effort/2026-11/export.xlsx").status_code == 200
    assert client.get("/reports/effort/bad/export.csv").status_code == 400


def test_formula_cells_are_neutralised():
    from helpdesk.spreadsheet import safe_cell as cell  # the effort export's own copy went (helpdesk.spreadsheet)

    assert [cell(v) for v in ("=1+1", "+4", "-2", "@SUM(A1)", "Lön", 5)] == ["'=1+1", "'+4", "'-2", "'@SUM(A1)", "Lön", 5]


def test_admin_keeps_suppliers_rates_and_targets(session, client, auth):
    auth.login("admin")
    assert client.get("/admin/suppliers").status_code == 200
    bad = client.post("/admin/suppliers/new", data={"name": "X", "contact_email": "x@y.se", "case_pattern": "(("})
    assert bad.status_code == 400
    ok = client.post("/admin/suppliers/new", data={"name": "Tieto", "contact_email": "Support@Tieto.se",
                                                   "is_active": "y"})
    assert ok.status_code == 302
    supplier = session.scalar(sa.select(Supplier).where(Supplier.name == "Tieto"))
    assert supplier.contact_email == "support@tieto.se"
    form = {"reference": "A-1", "system_id": 0, "response_minutes": 240, "resolution_minutes": 120,
            "calendar_id": 0, "starts_on": "2026-01-01", "is_active": "y"}
    assert client.post(f"/admin/suppliers/{supplier.id}/contracts/new", data=form).status_code == 400
    form["resolution_minutes"] = 960
    assert client.post(f"/admin/suppliers/{supplier.id}/contracts/new", data=form).status_code == 302
    assert client.get(f"/admin/suppliers/{supplier.id}/contracts/new").status_code == 200
    assert client.get("/admin/rates").status_code == 200
    assert client.post("/admin/rates?group=999999", data={"hourly_cost": 5}).status_code == 404
    group_id = factories.group("Servicedesk").id
    assert client.post(f"/admin/rates?group={group_id}", data={"hourly_cost": -1}).status_code == 400
    assert client.post(f"/admin/rates?group={group_id}", data={"hourly_cost": 650}).status_code == 302
    assert session.get(GroupRate, group_id).hourly_cost == 650
    assert client.get("/admin/availability").status_code == 200
    assert client.post("/admin/availability", data={"tier": "guld", "percent": "nittio"}).status_code == 400
    assert client.post("/admin/availability", data={"tier": "guld", "percent": "99,9"}).status_code == 302
    assert session.scalar(sa.select(AvailabilityTarget.basis_points).where(AvailabilityTarget.tier == "guld")) == 9990
    assert client.post("/admin/availability", data={"tier": "guld", "percent": ""}).status_code == 302
    assert client.post("/admin/availability", data={"tier": "platina", "percent": "1"}).status_code == 400


def test_availability_pages(session, client, auth):
    auth.login("maria")
    assert client.get("/reports/availability/2026-10").status_code == 200
    system = factories.system("Lönesystem")
    assert client.get(f"/reports/availability/2026-10/systems/{system.id}").status_code == 200
    assert client.get("/reports/availability/2026-10/systems/999999").status_code == 404
    assert client.get("/reports/availability/2099-01").status_code == 400


def test_agent_writes_to_the_supplier_from_the_ticket_page(session, clock, users, client, auth):
    from helpdesk.suppliers import services

    _supplier, contract = supplier_with_contract()
    ticket = factories.ticket(users["anna"], now=clock.now(), system_name="Lönesystem")
    escalation = services.escalate(ticket, contract, body="Se loggen.", actor=users["per"], now=clock.now(),
                                   local_day=clock.now().date())
    session.commit()
    auth.login("per")
    assert client.post(f"/tickets/{ticket.id}/supplier/{escalation.id}/message",
                       data={f"write{escalation.id}-body": ""}).status_code == 400
    assert client.post(f"/tickets/{ticket.id}/supplier/{escalation.id}/message",
                       data={f"write{escalation.id}-body": "Har ni en tid?"}).status_code == 302
    assert client.post(f"/tickets/{ticket.id}/supplier/999999/message",
                       data={"write999999-body": "x"}).status_code == 404
