"""How long the report PDFs take to draw: `python -m benchmarks.report_pdf [--runs N] [--out DIR]`.

Rendering only: the figures are computed once (on the demo data in a temporary
SQLite database, or on the database --url names) and the PDF is drawn from them again and again, for the
monthly report as it is, with 200 systems (and groups and departments) in its
breakdowns, and for the yearly report. Prints median / p95 in milliseconds, the
page count and the load average. With --out, writes the PDFs there to look at.
"""

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)
SCOPE = "Alla ärenden utom sekretessmarkerade."


def timed(render, runs):
    """Wall-clock median and p95, CPU median (ms), and the last PDF; one run first to warm up."""
    render()
    times, cpu, data = [], [], b""
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = render()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], statistics.median(cpu), data


def widened(report, n=200):
    """The report with n systems, groups and departments in its breakdowns (copies of its own rows)."""
    from helpdesk.reports.report import Row

    breakdowns = dict(report.breakdowns)
    for dimension in ("system", "group", "department", "requester_department"):
        rows = report.breakdowns[dimension] or [report.total]
        breakdowns[dimension] = [Row(i, f"{rows[i % len(rows)].label or 'System'} {i + 1}",
                                     rows[i % len(rows)].values) for i in range(n)]
    return replace(report, breakdowns=breakdowns)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--url", help="A database with tickets (schema at head) instead of the demo data.")
    parser.add_argument("--month", default="2026-11", help="The report's month (YYYY-MM).")
    args = parser.parse_args()
    from pypdf import PdfReader

    from helpdesk import create_app
    from helpdesk.clock import FrozenClock
    from helpdesk.database import unit_of_work
    from helpdesk.demo.seed import seed_demo
    from helpdesk.reports.months import Month
    from helpdesk.reports.pdf import report_pdf
    from helpdesk.reports.queries import everything_scope
    from helpdesk.reports.report import monthly_report
    from helpdesk.reports.yearly import yearly_report
    from helpdesk.reports.yearly_pdf import yearly_pdf

    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{folder}/demo.sqlite"
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url,
                          "ATTACHMENT_DIR": folder, "MAIL_STORE_DIR": folder, "MAIL_OUT_DIR": folder},
                         clock=FrozenClock(NOW))
        with app.app_context(), app.test_request_context():
            from flask_migrate import upgrade

            if not args.url:
                upgrade()
                with unit_of_work():
                    seed_demo(now=NOW)
            year, month = (int(p) for p in args.month.split("-"))
            report = monthly_report(everything_scope(), Month(year, month), now=NOW)
            document = yearly_report(everything_scope(), year, now=NOW)
            cases = [("Monthly report PDF", lambda: report_pdf(report, scope_text=SCOPE, everything=True)),
                     ("Monthly report PDF, 200 systems, groups and departments",
                      lambda: report_pdf(widened(report), scope_text=SCOPE, everything=True)),
                     ("Yearly report PDF", lambda: yearly_pdf(document))]
            print(f"Load average: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
            print("| Rendering only | wall median / p95 ms | CPU median ms | pages |\n|---|---|---|---|")
            for i, (name, render) in enumerate(cases):
                median, p95, cpu, data = timed(render, args.runs)
                import io

                pages = len(PdfReader(io.BytesIO(data)).pages)
                print(f"| {name} | {median:.0f} / {p95:.0f} | {cpu:.0f} | {pages} |")
                if args.out:
                    args.out.mkdir(parents=True, exist_ok=True)
                    (args.out / f"report-{i}.pdf").write_bytes(data)


if __name__ == "__main__":
    main()
