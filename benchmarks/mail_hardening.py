"""Hostile HTML mail (issue 8, finding 2): intake and ticket-page times for 100,000 nested <div>s.

    python -m benchmarks.mail_hardening [--rounds 5]      prints a Markdown section

Each round takes the 1.1 MB mail in on a fresh SQLite database (ingest() in one transaction,
as the pipe or a fetcher drives it) and then renders its ticket page for an agent through the
test client (the page reads the HTML cleaned at intake). Also timed: the formatting-element
bomb (27 kB) that the intake cleans in a child process under its limits, and the reply
splitter on email_reply_parser's pathological body (formerly a one-second assert in the tests).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

DEPTH = 100_000


def nested_mail(depth: int = DEPTH) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "anna@exempelby.se", "servicedesk@exempelby.se", "Djup HTML"
    msg["Message-ID"] = f"<nested-{time.time_ns()}@exempelby.se>"
    msg.set_content("Hej servicedesk, skrivaren är trasig")
    msg.add_alternative("<html><body>" + "<div>" * depth + "Hej servicedesk" + "</div>" * depth + "</body></html>",
                        subtype="html")
    return bytes(msg)


def bomb_mail() -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "anna@exempelby.se", "servicedesk@exempelby.se", "Formatering"
    msg["Message-ID"] = f"<bomb-{time.time_ns()}@exempelby.se>"
    msg.set_content("Hej")
    msg.add_alternative("".join(f'<p><b id="{i}"></p>' for i in range(1000)) + "<p>x</p>" * 1000, subtype="html")
    return bytes(msg)


def _round(raw: bytes) -> tuple[float, float, int]:
    import sqlalchemy as sa

    from benchmarks.intake import _app
    from helpdesk.database import unit_of_work
    from helpdesk.extensions import db
    from helpdesk.intake.models import Mailbox
    from helpdesk.intake.services import ingest

    with tempfile.TemporaryDirectory() as folder:
        app, clock = _app(Path(folder))
        with app.app_context():
            box = db.session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
            started = time.perf_counter()
            with unit_of_work():
                ticket_id = ingest(raw, box, now=clock.now()).ticket_id
            intake = time.perf_counter() - started
            app.config["WTF_CSRF_ENABLED"] = False
            with app.test_client() as client:
                client.post("/login", data={"username": "erik", "password": "demo"})
                client.get(f"/tickets/{ticket_id}")  # warm the templates
                started = time.perf_counter()
                response = client.get(f"/tickets/{ticket_id}")
                page = time.perf_counter() - started
            db.engine.dispose()
        return intake, page, response.status_code


def _stats(values):
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def run(rounds: int = 5) -> dict:
    nested = [_round(nested_mail()) for _ in range(rounds)]
    bombs = [_round(bomb_mail()) for _ in range(rounds)]
    from helpdesk.intake.parse import parse
    from helpdesk.intake.replies import latest_reply
    from tests.intake.corpus import CORPUS, raw_mail

    path = CORPUS / "email_reply_parser/test/emails/pathological.txt"
    splits = []
    if path.exists():
        text = parse(raw_mail(path)).text
        for _ in range(rounds):
            started = time.perf_counter()
            latest_reply(text)
            splits.append(time.perf_counter() - started)
    figures = {
        "nested_intake": _stats([r[0] for r in nested]), "nested_page": _stats([r[1] for r in nested]),
        "bomb_intake": _stats([r[0] for r in bombs]), "bomb_page": _stats([r[1] for r in bombs]),
        "pathological_reply_split": _stats(splits) if splits else None,
        "statuses": sorted({r[2] for r in nested + bombs}),
    }
    lines = ["## Hostile HTML mail (issue 8)", "", f"{rounds} rounds, SQLite, one process; median / p95 in ms.", "",
             "| case | intake | ticket page |", "|---|---|---|"]
    for key, label in (("nested", "100,000 nested <div>s (1.1 MB)"), ("bomb", "formatting-element bomb (27 kB)")):
        (im, ip), (pm, pp) = figures[f"{key}_intake"], figures[f"{key}_page"]
        lines.append(f"| {label} | {im * 1000:.0f} / {ip * 1000:.0f} | {pm * 1000:.0f} / {pp * 1000:.0f} |")
    lines.append(f"\nTicket page HTTP status: {', '.join(map(str, figures['statuses']))}.")
    if splits:
        m, p = figures["pathological_reply_split"]
        lines += ["", f"Reply splitter on email_reply_parser's pathological body: {m * 1000:.1f} / {p * 1000:.1f} ms."]
    figures["markdown"] = "\n".join(lines)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mail_hardening", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    print(run(args.rounds)["markdown"])


if __name__ == "__main__":
    main()
