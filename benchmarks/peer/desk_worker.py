"""The desk's side of the side-by-side benchmark: the same operations, same protocol.

    python -m benchmarks.peer.desk_worker DATABASE_URL

Answers one JSON command per line on stdin with the server time of one operation
through Flask's test client (see django_worker.py for the protocol).
"""

import base64
import json
import logging
import sys
import time

import sqlalchemy as sa

from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from helpdesk.intake.models import Mailbox
from helpdesk.intake.services import ingest
from helpdesk.tickets.models import Ticket

from ..measure import login
from ..scenarios import PASSWORD, bench_app


def main() -> None:
    app = bench_app(sys.argv[1])
    logging.disable(logging.CRITICAL)
    # Each sign-in in a request of its own: inside one app context the second login would find the
    # first user already signed in (flask.g is shared) and never sign Anna in.
    agent = login(app, "erik", PASSWORD)
    employee = login(app, "anna", PASSWORD)
    with app.app_context():
        clock = app.extensions["helpdesk.clock"]
        ids = list(db.session.scalars(sa.select(Ticket.id).where(~Ticket.is_confidential)
                                      .order_by(sa.func.random()).limit(50)))
        box_id = db.session.scalar(sa.select(Mailbox.id).where(Mailbox.is_active).order_by(Mailbox.id))
        db.session.remove()

    # Each request runs in an app context of its own, as in a server (inside one shared context every
    # request would share flask.g and one database session).
    def get(path):
        response = agent.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")

    print(json.dumps({"ready": True, "tickets": len(ids)}), flush=True)
    for n, line in enumerate(sys.stdin):
        command = json.loads(line)
        op = command["op"]
        started = time.perf_counter()
        if op == "queue":
            get("/queue")
        elif op == "search":
            get("/queue?q=" + command["word"] + "&status=all")  # the peer searches every status
        elif op == "ticket":
            get(f"/tickets/{ids[n % len(ids)]}")
        elif op == "create":
            response = employee.post("/tickets/new", data={
                "type": "incident", "system_id": 0, "subject": command["subject"],
                "description": command["body"], "impact": 3, "urgency": 3})
            if response.status_code != 302 or not response.headers["Location"].startswith("/tickets/"):
                raise RuntimeError(f"create answered {response.status_code} {response.headers.get('Location')}")
        elif op == "intake":
            with app.app_context():  # as the mail job runs: an app context per run
                with unit_of_work():
                    ingest(base64.b64decode(command["raw"]), db.session.get(Mailbox, box_id), now=clock.now())
                db.session.remove()
        else:
            raise ValueError(op)
        print(json.dumps({"ms": (time.perf_counter() - started) * 1000}), flush=True)


if __name__ == "__main__":
    main()
