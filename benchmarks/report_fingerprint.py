"""Fingerprints of the monthly report's figures, to show that a change keeps them byte for byte:
`python -m benchmarks.report_fingerprint --url URL [--month 2026-11 ...] [--at ISO-MOMENT]`.

For each month and each scope (the whole desk from the command line, with confidential tickets,
one organisation; and as the admin, a department's manager, the security officer and a plain
agent), builds `monthly_report()` at one fixed moment and prints the sha256 of its JSON and
CSV exports and of the security-incident and outage sections (which the files do not carry),
then one sha256 over them all. Run it before and after a change on the same data: equal lines,
equal figures. Read only: nothing is written to the database.

--pdf also draws each report's PDF and prints the sha256 of its bytes with the creation date and
the file identifier (which hold the moment of drawing) left out, and one sha256 over all PDFs
(`pdf all …`), kept apart from the figures' `all` line so that line compares with earlier runs.
"""

import argparse
import hashlib
import re
from datetime import UTC, datetime

import sqlalchemy as sa

READERS = ("admin", "karin", "ines", "bo")  # whole desk, a department's manager, security officer, an agent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--month", action="append", help="YYYY-MM (repeatable); default the last three and the current one")
    parser.add_argument("--at", default="2026-12-05T08:00:00+00:00", help="the report's moment (UTC)")
    parser.add_argument("--pdf", action="store_true", help="also fingerprint each report's PDF")
    args = parser.parse_args(argv)
    now = datetime.fromisoformat(args.at).astimezone(UTC)

    from helpdesk import create_app
    from helpdesk.auth.models import User
    from helpdesk.extensions import db
    from helpdesk.org.models import Organisation
    from helpdesk.reports import exports
    from helpdesk.reports.months import Month
    from helpdesk.reports.pdf import report_pdf
    from helpdesk.reports.queries import everything_scope, report_scope, scoped
    from helpdesk.reports.report import monthly_report

    months = [Month(*map(int, m.split("-"))) for m in args.month] if args.month else \
        [Month.of(now).shift(-k) for k in (3, 2, 1, 0)]
    app = create_app({"SECRET_KEY": "fingerprint", "DATABASE_URL": args.url, "TESTING": True, "SERVER_NAME": None})
    everything, pdfs = hashlib.sha256(), hashlib.sha256()
    with app.app_context(), app.test_request_context():
        organisation = db.session.scalar(sa.select(Organisation).order_by(Organisation.id))
        scopes = [("desk", lambda: everything_scope()), ("desk+confidential", lambda: everything_scope(confidential=True)),
                  (f"organisation {organisation.id}", lambda: scoped(everything_scope(), organisation.id))]
        for name in READERS:
            user = db.session.scalar(sa.select(User).where(User.username == name))
            if user is not None:
                scopes.append((name, lambda user=user: report_scope(user)))
        for month in months:
            for name, make in scopes:
                report = monthly_report(make(), month, now=now)
                parts = [exports.to_json(report), exports.to_csv(report),
                         repr(report.incidents).encode(), repr(report.outages).encode()]
                digest = hashlib.sha256(b"\0".join(parts)).hexdigest()
                everything.update(digest.encode())
                print(f"{month.key} {name:<20} opened={report.total.values['opened']:<7} {digest}")
                if args.pdf:
                    drawn = re.sub(rb"/CreationDate \([^)]*\)|/ID \[[^]]*\]", b"", report_pdf(report))
                    pdf_digest = hashlib.sha256(drawn).hexdigest()
                    pdfs.update(pdf_digest.encode())
                    print(f"{month.key} {name:<20} pdf {pdf_digest}")
                db.session.rollback()
    print(f"all {everything.hexdigest()}")
    if args.pdf:
        print(f"pdf all {pdfs.hexdigest()}")


if __name__ == "__main__":
    main()
