"""How fast the follow-up is: `python -m benchmarks.followup [--url URL ...] [--runs N]`.

Measures the yearly report (`helpdesk report yearly`, JSON and PDF) and the
monthly report's follow-up sections (availability, suppliers, effort) on the
benchmark data sets. The generated data has no time entries, escalations or
outage notices, so --prepare first adds them in bulk, in proportions a desk
might see: time logged on 60 % of tickets, 2 % escalated to a supplier, and a
few outage notices a month. Prints a Markdown section with median / p95 in
milliseconds; the target is BENCHMARKS.md's 2 s for a report.
"""

import argparse
import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from .monthly_report import TARGET_MS, candidates, timed, usable


def prepare(now) -> dict:
    """Add time entries, supplier escalations and outage notices to a generated data set (once)."""
    from helpdesk.catalogue.models import System
    from helpdesk.effort.models import GroupRate, TimeEntry
    from helpdesk.extensions import db
    from helpdesk.org.models import SupportGroup
    from helpdesk.outages.models import OutageNotice, OutageNoticeSystem
    from helpdesk.availability.models import AvailabilityTarget
    from helpdesk.suppliers import clocks
    from helpdesk.suppliers.models import Supplier, SupplierContract, SupplierEscalation
    from helpdesk.tickets.models import Ticket, TicketEvent

    if db.session.scalar(sa.select(sa.func.count()).select_from(TimeEntry)):
        return {"prepared": "earlier"}
    rng = random.Random(14)
    for group_id in db.session.scalars(sa.select(SupportGroup.id)):
        db.session.merge(GroupRate(support_group_id=group_id, hourly_cost=rng.choice((550, 650, 780)), updated_at=now))
    for tier, points in (("guld", 9990), ("silver", 9950), ("brons", 9900)):
        db.session.add(AvailabilityTarget(tier=tier, basis_points=points))
    tickets = db.session.execute(sa.select(Ticket.id, Ticket.created_at, Ticket.support_group_id,
                                           Ticket.assignee_id, Ticket.system_id)).all()
    entries = [{"ticket_id": t.id, "user_id": t.assignee_id, "support_group_id": t.support_group_id,
                "minutes": rng.choice((5, 10, 15, 30, 45, 60, 90)), "hourly_cost": 650,
                "worked_at": t.created_at + timedelta(hours=rng.randint(0, 48)), "note": ""}
               for t in tickets if rng.random() < 0.6]
    for chunk in range(0, len(entries), 5000):
        db.session.execute(sa.insert(TimeEntry), entries[chunk:chunk + 5000])
    supplier = Supplier(name="Benchmark Leverantör AB", contact_email="support@leverantor.example")
    db.session.add(supplier)
    db.session.flush()
    systems = db.session.scalars(sa.select(System)).all()
    contracts = []
    for system in systems[:6]:
        contract = SupplierContract(supplier_id=supplier.id, system_id=system.id, reference=f"AVT-{system.id}",
                                    response_minutes=240, resolution_minutes=16 * 60, calendar_id=system.calendar_id,
                                    starts_on=date(2000, 1, 1))
        db.session.add(contract)
        contracts.append(contract)
    db.session.flush()
    escalated = [t for t in tickets if rng.random() < 0.02]
    for t in escalated:
        contract = rng.choice(contracts)
        at = t.created_at + timedelta(hours=1)
        e = SupplierEscalation(ticket_id=t.id, supplier_id=supplier.id, contract_id=contract.id, escalated_at=at)
        db.session.add(e)
        db.session.flush()
        db.session.add_all([
            TicketEvent(ticket_id=t.id, at=at, kind=clocks.ESCALATED, new_value=str(e.id)),
            TicketEvent(ticket_id=t.id, at=at + timedelta(hours=rng.randint(1, 30)), kind=clocks.REPLY,
                        new_value=str(e.id))])
        db.session.flush()
        clocks.refresh(e)
    first = min(t.created_at for t in tickets)
    notices, at = 0, first
    while at < now:
        for _ in range(4):
            start = at + timedelta(hours=rng.randint(0, 24 * 28))
            n = OutageNotice(title="Avbrott", kind=rng.choice(("unplanned", "unplanned", "planned")),
                             extent=rng.choice(("whole", "whole", "partial")), starts_at=start,
                             expected_end_at=start + timedelta(hours=2),
                             ended_at=start + timedelta(minutes=rng.randint(20, 400)), created_at=start,
                             updated_at=start)
            db.session.add(n)
            db.session.flush()
            db.session.add(OutageNoticeSystem(notice_id=n.id, system_id=rng.choice(systems).id))
            notices += 1
        at += timedelta(days=30)
    db.session.commit()
    return {"time_entries": len(entries), "escalations": len(escalated), "outage_notices": notices}


def measure(url, runs, do_prepare) -> tuple[dict, dict]:
    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.reports import followup
    from helpdesk.reports.months import Month
    from helpdesk.reports.queries import everything_scope
    from helpdesk.reports.yearly import yearly_report
    from helpdesk.reports.yearly_pdf import yearly_pdf

    app = create_app({"SECRET_KEY": "benchmark", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                      "SERVER_NAME": None, "TESTING": True, "MFA_REQUIRED_ROLES": []})  # the admin signs in by password here
    now = datetime.now(UTC)
    month = Month.of(now).shift(-1)
    info, results = {"month": month.key}, {}
    with app.app_context():
        if do_prepare:
            info |= prepare(now)
        scope = everything_scope()
        for year in (now.year - 1, now.year):
            results[f"Yearly report {year}: figures (JSON data)"] = timed(
                lambda year=year: yearly_report(scope, year, now=now), runs)
        document = yearly_report(scope, now.year - 1, now=now)
        results[f"Yearly report {now.year - 1}: PDF from the figures"] = timed(lambda: yearly_pdf(document), runs)
        results["Monthly follow-up sections (availability, suppliers, effort)"] = timed(
            lambda: followup.build(scope, month, now), runs)
        db.session.remove()
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "demo"})
    for key, path in (("Page: availability", f"/reports/availability/{month.key}"),
                      ("Page: supplier follow-up", f"/reports/suppliers/{month.key}"),
                      ("Page: effort and cost", f"/reports/effort/{month.key}"),
                      ("Export: effort CSV", f"/reports/effort/{month.key}/export.csv"),
                      ("Export: monthly report JSON", f"/reports/monthly/{month.key}/export.json")):
        def get(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        results[key] = timed(get, runs)
    with app.app_context():
        db.engine.dispose()
    return info, results


def markdown(sets) -> str:
    lines = ["## Follow-up: yearly report, availability, suppliers, effort", "",
             "`python -m benchmarks.followup`: wall-clock median / p95 in milliseconds (✗ above the "
             f"{TARGET_MS} ms target), then the median CPU time of the measuring process in brackets.", ""]
    for name, info, results in sets:
        lines.append(f"- {name}: " + ", ".join(f"{k} {v}" for k, v in info.items()))
        if results:
            lines += ["", "| Measurement | median / p95 (cpu) |", "|---|---|"]
            lines += [f"| {k} | {r['median']:.0f} / {r['p95']:.0f}" + (" ✗" if r["median"] > TARGET_MS else "")
                      + f" ({r['cpu']:.0f}) |" for k, r in results.items()]
            lines.append("")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", help="a database URL (repeatable); default: bench-data's sets")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--prepare", action="store_true", help="add time entries, escalations and outages first")
    args = parser.parse_args(argv)
    sets = []
    for name, url in candidates(args.url):
        problem = usable(url)
        if problem:
            sets.append((name, {"skipped": problem}, {}))
            continue
        info, results = measure(url, args.runs, args.prepare)
        sets.append((name, info, results))
    print(markdown(sets))


if __name__ == "__main__":
    main()
