"""Security incidents' pages: `python -m benchmarks.security_pages [--size 10k] [--requests 50]`.

The ticket page of a security incident now leads with its legal deadlines, and the SLA of an
incident runs on the round-the-clock calendar (one more query in sla.services.calendar_of).
Measures, as the security officer (ines) on a SQLite benchmark set, the ticket page and the
incident page of incidents reported into it (--prepare adds 30 once), beside the ticket page
of ordinary tickets, and the queue. Prints median / p95 in milliseconds and the load average.
"""

import argparse
from datetime import timedelta

import sqlalchemy as sa

from helpdesk.clock import utcnow
from helpdesk.database import unit_of_work
from helpdesk.extensions import db

from . import datasets
from .measure import load_average, login, summary, time_rounds
from .scenarios import PASSWORD

SUBJECT = "Benchmark: misstänkt intrång"


def prepare(count=30) -> list[int]:
    """Report `count` incidents from generated employees on random systems (once); their ids."""
    from helpdesk.auth.models import User
    from helpdesk.auth.services import hash_password
    from helpdesk.catalogue.models import System
    from helpdesk.security import services
    from helpdesk.security.models import SecurityIncident
    from helpdesk.tickets.models import Ticket

    with unit_of_work():
        ines = db.session.scalar(sa.select(User).where(User.username == "ines"))
        ines.password_hash = hash_password(PASSWORD)
        found = db.session.scalars(sa.select(SecurityIncident.id).join(Ticket, Ticket.id == SecurityIncident.ticket_id)
                                   .where(Ticket.subject == SUBJECT)).all()
        if found:
            return list(found)
        reporters = db.session.scalars(sa.select(User).where(User.username.contains(".")).limit(count)).all()
        systems = db.session.scalars(sa.select(System).order_by(System.id)).all()
        now = utcnow()
        ids = []
        for n, reporter in enumerate(reporters):
            incident = services.report_incident(
                reporter=reporter, subject=SUBJECT, description="Okänd inloggning från utlandet.", now=now,
                aware_at=now - timedelta(hours=n), personal_data=bool(n % 2), system=systems[n % len(systems)])
            ids.append(incident.id)
        return ids


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.security_pages")
    parser.add_argument("--size", default="10k", choices=list(datasets.SIZES))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args(argv)
    dataset = datasets.DataSet("sqlite", args.size)
    datasets.ensure(dataset)
    from helpdesk import create_app

    # As benchmarks.scenarios.bench_app, but the security officer signs in by password (no MFA step).
    app = create_app({"SECRET_KEY": "benchmark", "DATABASE_URL": dataset.url, "WTF_CSRF_ENABLED": False,
                      "SERVER_NAME": None, "MFA_REQUIRED_ROLES": []})
    with app.app_context():
        from helpdesk.security.models import SecurityIncident
        from helpdesk.tickets.models import Ticket

        incident_ids = prepare()
        rows = db.session.execute(sa.select(SecurityIncident.id, SecurityIncident.ticket_id)
                                  .where(SecurityIncident.id.in_(incident_ids))).all()
        plain = db.session.scalars(sa.select(Ticket.id).where(~Ticket.is_confidential, Ticket.is_open)
                                   .order_by(Ticket.id.desc()).limit(30)).all()
    client = login(app, "ines", PASSWORD)
    runs = {
        "incident ticket page (legal deadlines first)": [f"/tickets/{r.ticket_id}" for r in rows],
        "incident page": [f"/security/incidents/{r.id}" for r in rows],
        "ordinary ticket page (same user)": [f"/tickets/{n}" for n in plain],
        "queue, all open (security officer)": ["/queue?scope=all"],
    }
    load = load_average()
    times = time_rounds([(client, paths) for paths in runs.values()], requests=args.requests, warmup=args.warmup)
    print(f"SQLite {args.size}, {len(rows)} incidents, load average {load:.2f} → {load_average():.2f}")
    print("| page | median ms | p95 ms | requests |\n|---|---|---|---|")
    for label, measured in zip(runs, times):
        s = summary(measured)
        print(f"| {label} | {s['median_ms']} | {s['p95_ms']} | {s['requests']} |")


if __name__ == "__main__":
    main()
