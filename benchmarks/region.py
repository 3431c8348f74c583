"""A region on PostgreSQL: several kommuner sharing one desk, under load, on loopback only.

    python -m benchmarks.region [--minutes 5] [--agents 200] [--employees 1000]
                                [--mails-per-second 50] [--workers 3] [--size 100k]

Two app "hosts" (each a gunicorn with --workers processes and an LMTP listener) and two
scheduler processes share one PostgreSQL database, a copy of the `make bench` data set.
Simulated agents work the queue and tickets, simulated employees report and follow
tickets (real forms, CSRF tokens and sessions), and mail arrives through LMTP at a steady
rate, new mail and replies mixed. Every request loop is bounded in time and stops by itself.

Afterwards it checks what the desk promises: no request failed, every mail became exactly
one stored message on one ticket, every web report exactly one ticket, and every
notification in the outbox was sent exactly once (an SMTP sink in this process counts what arrives). The figures go to benchmarks/region-results.md, which BENCHMARKS.md includes.
"""

import argparse
import heapq
import os
import random
import re
import shutil
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from html.parser import HTMLParser
from pathlib import Path

import requests
import sqlalchemy as sa

from . import datasets
from .measure import load_average

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("region-results.md")
BIN = Path(sys.executable).parent
PASSWORD = "demo"
DATABASE = "helpdesk_region"
MAILBOX = "servicedesk@exempelby.se"
MAIL_CONNECTIONS = 8


class Forms(HTMLParser):
    """The forms of a page: action, method and the default value of every field."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "fields": {}, "selects": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    self._form["fields"][a["name"]] = a.get("value", "on")
                else:
                    self._form["fields"].setdefault(a["name"], None)
            else:
                self._form["fields"][a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["selects"][a["name"]] = []
        elif tag == "option" and self._select:
            self._form["selects"][self._select].append(a.get("value", ""))
            if "selected" in a:
                self._form["fields"][self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            if self._form is not None and self._select and self._select not in self._form["fields"]:
                options = self._form["selects"][self._select]
                self._form["fields"][self._select] = options[0] if options else ""
            self._select = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data


def forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:  # radios with none checked: take nothing (the form says what it needs)
        form["fields"] = {k: v for k, v in form["fields"].items() if v is not None}
    return parser.forms


class Stats:
    """Latency per page and every failure, shared by all threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = Counter()
        self.examples = {}
        self.created_web = []
        self.conflicts = 0

    def record(self, page, seconds, error=None):
        with self.lock:
            self.times[page].append(seconds)
            if error:
                self.errors[page] += 1
                self.examples.setdefault(page, error)


class User:
    """One simulated person with a signed-in session on one of the app hosts."""

    def __init__(self, name, base, stats, rng):
        self.name, self.base, self.stats, self.rng = name, base, stats, rng
        self.http = requests.Session()
        self.signed_in = False
        self.tickets = []

    def request(self, page, method, path, **kwargs):
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, allow_redirects=False, timeout=30, **kwargs)
        except requests.RequestException as error:
            self.stats.record(page, time.perf_counter() - started, repr(error)[:200])
            return None
        if response.status_code == 409:  # another agent changed the ticket first: the lost-update check, not a fault
            with self.stats.lock:
                self.stats.conflicts += 1
            self.stats.record(page, time.perf_counter() - started)
            return None
        error = None if response.status_code < 400 else f"{method} {path} answered {response.status_code}"
        self.stats.record(page, time.perf_counter() - started, error)
        return None if error else response

    def submit(self, page, form, path_default, **values):
        fields = {**form["fields"], **values}
        return self.request(page, "POST", form["action"] or path_default, data=fields)

    def sign_in(self):
        page = self.request("login (GET)", "GET", "/login")
        if page is None:
            return False
        form = next(f for f in forms(page.text) if "password" in f["fields"])
        answer = self.submit("login (POST)", form, "/login", username=self.name, password=PASSWORD)
        self.signed_in = answer is not None and answer.status_code == 302
        return self.signed_in


class Agent(User):
    def act(self):
        queue = self.request("queue", "GET", "/queue")
        if queue is None:
            return
        numbers = re.findall(r'href="/tickets/(\d+)"', queue.text)
        if not numbers:
            return
        number = self.rng.choice(numbers[:25])
        ticket = self.request("ticket page (agent)", "GET", f"/tickets/{number}")
        if ticket is None or self.rng.random() > 0.3:
            return
        form = next((f for f in forms(ticket.text) if "body" in f["fields"] and f["method"] == "post"), None)
        if form:
            answer = self.submit("reply (agent)", form, f"/tickets/{number}",
                                 body=f"Hej! Vi har tittat på ärendet ({self.name}).")
            if answer is not None and answer.status_code not in (302, 303):
                self.stats.record("reply (agent)", 0, f"reply answered {answer.status_code}")


class Employee(User):
    def act(self):
        roll = self.rng.random()
        if roll < 0.35:
            start = self.request("start page (employee)", "GET", "/")
            if start is not None:
                self.tickets = re.findall(r'href="/tickets/(\d+)"', start.text)[:10] or self.tickets
        elif roll < 0.65 and self.tickets:
            self.request("ticket page (employee)", "GET", f"/tickets/{self.rng.choice(self.tickets)}")
        else:
            self.report()

    def report(self):
        page = self.request("report form", "GET", "/tickets/new")
        if page is None:
            return
        form = next(f for f in forms(page.text) if "subject" in f["fields"])
        subject = f"Lasttest {self.name} {self.rng.getrandbits(48):x}"
        values = {"subject": subject, "description": "Skrivaren på plan 3 skriver inte ut sedan i morse."}
        for name, options in form["selects"].items():
            if name not in form["fields"] or form["fields"][name] == "":
                values[name] = next((o for o in options if o), "")
        answer = self.submit("report (POST)", form, "/tickets/new", **values)
        if answer is not None and answer.status_code == 302:
            with self.stats.lock:
                self.stats.created_web.append(subject)
        elif answer is not None:
            self.stats.record("report (POST)", 0, f"report answered {answer.status_code}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"nothing listens on {port}")


def prepare(url, agents, employees):
    """Give generated employees the demo password and add agents to the service desk."""
    from helpdesk.auth.services import hash_password

    engine = sa.create_engine(url)
    digest = hash_password(PASSWORD)
    with engine.begin() as conn:
        names = conn.execute(sa.text("SELECT username FROM \"user\" WHERE username LIKE '%.%' AND is_active "
                                     "AND NOT is_contact ORDER BY id LIMIT :n"), {"n": employees}).scalars().all()
        conn.execute(sa.text("UPDATE \"user\" SET password_hash = :h WHERE username = ANY(:names)"),
                     {"h": digest, "names": list(names)})
        desk = conn.execute(sa.text("SELECT id FROM support_group WHERE is_service_desk ORDER BY id")).scalar()
        org = conn.execute(sa.text("SELECT organisation_id FROM support_group WHERE id = :g"), {"g": desk}).scalar()
        agent_names = [f"lastagent{i:03d}" for i in range(agents)]
        for name in agent_names:
            user_id = conn.execute(sa.text(
                "INSERT INTO \"user\" (username, email, full_name, password_hash, organisation_id, is_active, "
                "is_contact, created_at) VALUES (:u, :e, :n, :h, :o, true, false, now()) "
                "ON CONFLICT (username) DO UPDATE SET password_hash = :h RETURNING id"),
                {"u": name, "e": f"{name}@exempelby.se", "n": f"Agent {name[-3:]}", "h": digest, "o": org}).scalar()
            conn.execute(sa.text("INSERT INTO user_role (user_id, role) VALUES (:u, 'agent') ON CONFLICT DO NOTHING"),
                         {"u": user_id})
            conn.execute(sa.text("INSERT INTO group_member (group_id, user_id, is_lead) VALUES (:g, :u, false) "
                                 "ON CONFLICT DO NOTHING"), {"g": desk, "u": user_id})
        senders = conn.execute(sa.text("SELECT email FROM \"user\" WHERE username = ANY(:names) AND email IS NOT NULL"),
                               {"names": list(names)}).scalars().all()
    engine.dispose()
    return agent_names, list(names), list(senders)


def mail_loop(tag, ports, senders, rate, until, sent, errors, rng):
    """Send `rate` mails a second through LMTP until `until`; a third are replies to earlier ones."""
    clients = [smtplib.LMTP("127.0.0.1", port) for port in ports]
    earlier = []
    n, started = 0, time.monotonic()
    try:
        while time.monotonic() < until:
            due = started + n / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            msg = EmailMessage()
            sender = rng.choice(senders)
            msg["From"], msg["To"] = sender, MAILBOX
            msg["Message-ID"] = f"<region-{tag}-{n}-{rng.getrandbits(32):x}@exempelby.se>"
            if earlier and rng.random() < 0.3:
                parent_id, parent_sender, parent_subject = rng.choice(earlier)
                msg.replace_header("From", parent_sender)
                msg["Subject"], msg["In-Reply-To"], msg["References"] = f"SV: {parent_subject}", parent_id, parent_id
                msg.set_content("Hej igen! Det fungerar fortfarande inte.\n\n/ " + parent_sender)
            else:
                msg["Subject"] = f"Datorn startar inte ({tag}-{n})"
                msg.set_content("Hej!\n\nMin dator startar inte sedan i morse.\n\nMvh\n" + sender)
                earlier.append((msg["Message-ID"], sender, msg["Subject"]))
            client = clients[n % len(clients)]
            try:
                client.sendmail(msg["From"], [MAILBOX], bytes(msg))
                sent.append(msg["Message-ID"])
            except smtplib.SMTPException as error:
                errors.append(repr(error)[:200])
            n += 1
    finally:
        for client in clients:
            try:
                client.quit()
            except smtplib.SMTPException:
                pass


def drive(people, until, threads, think_seconds, stats):
    """Each person acts, then thinks a random (exponential) while; a pool of threads does the acting."""
    rng = random.Random(7)
    heap = [(time.monotonic() + rng.uniform(0, think_seconds[type(p)]), i) for i, p in enumerate(people)]
    heapq.heapify(heap)
    busy = set()
    lock = threading.Lock()

    def turn(i):
        person = people[i]
        try:
            if person.signed_in or person.sign_in():
                person.act()
        finally:
            with lock:
                busy.discard(i)
                heapq.heappush(heap, (time.monotonic() + rng.expovariate(1 / think_seconds[type(person)]), i))

    with ThreadPoolExecutor(threads) as pool:
        while time.monotonic() < until:
            with lock:
                due = heap[0][0] if heap else until
                if due <= time.monotonic():
                    _, i = heapq.heappop(heap)
                    busy.add(i)
                else:
                    i = None
            if i is None:
                time.sleep(min(0.05, max(0.0, due - time.monotonic())))
            else:
                pool.submit(turn, i)


class Sink:
    """The SMTP relay the desk sends its notifications to: counts every Message-ID delivered."""

    def __init__(self):
        self.received = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self.lock:
            self.received[(headers["Message-ID"] or "").strip("<>")] += 1
        return "250 OK"


def check(url, sent_ids, created_web, sink, started_at) -> dict:
    """What the run promised: nothing lost, nothing twice."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT message_id, outcome, ticket_id FROM inbound_message "
                                    "WHERE message_id = ANY(:ids)"), {"ids": [i.strip("<>") for i in sent_ids]}).all()
        web = conn.execute(sa.text("SELECT subject, count(*) FROM ticket WHERE subject = ANY(:s) GROUP BY subject"),
                           {"s": list(created_web)}).all()
        outbox = dict(conn.execute(sa.text("SELECT status, count(*) FROM outbound_message WHERE created_at >= :t "
                                           "GROUP BY status"), {"t": started_at}).all())
        sent_outbox = set(conn.execute(sa.text("SELECT message_id FROM outbound_message WHERE created_at >= :t AND "
                                               "status = 'sent'"), {"t": started_at}).scalars())
    engine.dispose()
    per_id = Counter(r.message_id for r in rows)
    outcomes = Counter(r.outcome for r in rows)
    sent_outbox = {m.strip("<>") for m in sent_outbox}
    sent_files = Counter({k: v for k, v in sink.received.items() if k in sent_outbox})
    return {
        "mails_sent": len(sent_ids), "mails_stored": len(per_id),
        "mails_missing": len({i.strip("<>") for i in sent_ids} - set(per_id)), "mails_stored_twice": sum(1 for v in per_id.values() if v > 1),
        "mail_outcomes": dict(outcomes), "mails_without_ticket": sum(1 for r in rows if r.ticket_id is None),
        "web_reports": len(created_web), "web_tickets": sum(c for _, c in web),
        "web_reports_twice": sum(1 for _, c in web if c > 1),
        "outbox": outbox, "notifications_sent": len(sent_outbox),
        "notification_files": sum(sent_files.values()), "notifications_sent_twice": sum(1 for v in sent_files.values() if v > 1),
        "notifications_not_written": len(sent_outbox - set(sent_files)),
    }


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def render(args, stats, checks, seconds, load, mail_errors) -> str:
    total = sum(len(v) for v in stats.times.values())
    errors = sum(stats.errors.values()) + len(mail_errors)
    lines = ["## A region on PostgreSQL (load test)", "",
             f"`python -m benchmarks.region --minutes {args.minutes:g} --agents {args.agents} --employees "
             f"{args.employees} --mails-per-second {args.mails_per_second:g} --workers {args.workers} --size {args.size}`: "
             f"two app hosts (gunicorn, {args.workers} workers each, and an LMTP listener each) and two scheduler "
             f"processes sharing PostgreSQL (a copy of the {args.size} data set), on loopback. {args.agents} agents "
             f"act every {args.agent_think:g} s on average (queue, ticket, a reply in three of ten visits), "
             f"{args.employees} employees every {args.employee_think:g} s (start page, own ticket, a new report), "
             f"all through real forms with CSRF tokens; mail at {args.mails_per_second:g} a second, a third of it "
             f"replies. Load average {load}.", "",
             f"- Requests: {total:,} in {seconds:.0f} s = **{total / seconds:.1f} requests/s**; "
             f"mails: {checks['mails_sent']:,} = **{checks['mails_sent'] / seconds:.1f} mails/s**.",
             f"- Errors: **{errors}** ({', '.join(f'{k}: {v}' for k, v in stats.errors.items()) or 'none'}"
             f"{'; mail: ' + str(len(mail_errors)) if mail_errors else ''}); {stats.conflicts} replies answered 409 "
             "because another agent had changed the ticket (the lost-update check).",
             f"- Mail: {checks['mails_stored']:,} of {checks['mails_sent']:,} stored, {checks['mails_missing']} missing, "
             f"{checks['mails_stored_twice']} twice, {checks['mails_without_ticket']} without a ticket; outcomes "
             f"{checks['mail_outcomes']}.",
             f"- Web reports: {checks['web_reports']:,} answered with a ticket, {checks['web_tickets']:,} tickets "
             f"found, {checks['web_reports_twice']} twice.",
             f"- Notifications: outbox rows written during the run by status {checks['outbox']}; "
             f"{checks['notifications_sent']:,} sent, {checks['notification_files']:,} received by the SMTP sink, "
             f"{checks['notifications_sent_twice']} sent twice, {checks['notifications_not_written']} missing.", "",
             "| Page | Requests | p50 ms | p95 ms | p99 ms | Errors |", "|---|---|---|---|---|---|"]
    for page, values in sorted(stats.times.items()):
        ms = [v * 1000 for v in values]
        lines.append(f"| {page} | {len(ms):,} | {statistics.median(ms):.1f} | {percentile(ms, 95):.1f} "
                     f"| {percentile(ms, 99):.1f} | {stats.errors.get(page, 0)} |")
    if stats.examples:
        lines += ["", "First error per page: " + "; ".join(f"{k}: {v}" for k, v in stats.examples.items())]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.region", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--mails-per-second", type=float, default=50)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per app host")
    parser.add_argument("--threads", type=int, default=48, help="client threads acting for the simulated people")
    parser.add_argument("--agent-think", type=float, default=20.0, help="mean seconds between an agent's actions")
    parser.add_argument("--employee-think", type=float, default=60.0, help="mean seconds between an employee's")
    parser.add_argument("--size", choices=list(datasets.SIZES), default="100k")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    source = datasets.DataSet("postgresql", args.size)
    datasets.ensure(source, log=print)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"],
                   check=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                    f"CREATE DATABASE {DATABASE} TEMPLATE {source.name}"], check=True)
    url = f"{datasets.PG_SERVER}/{DATABASE}"
    agent_names, employee_names, senders = prepare(url, args.agents, args.employees)
    work = Path(tempfile.mkdtemp(prefix="region-"))
    from aiosmtpd.controller import Controller

    sink = Sink()
    relay = Controller(sink, hostname="127.0.0.1", port=free_port())
    relay.start()
    env = {**os.environ, "HELPDESK_DATABASE_URL": url, "HELPDESK_SECRET_KEY": "region-load-test-" + "k" * 40,
           "HELPDESK_MAIL_TRANSPORT": "smtp", "HELPDESK_SMTP_HOST": "127.0.0.1", "HELPDESK_SMTP_PORT": str(relay.port),
           "HELPDESK_ATTACHMENT_DIR": str(work / "attachments"), "HELPDESK_MAIL_STORE_DIR": str(work / "mail")}
    web_ports, lmtp_ports, processes = [free_port(), free_port()], [free_port(), free_port()], []
    try:
        for web, lmtp in zip(web_ports, lmtp_ports):
            processes.append(subprocess.Popen([BIN / "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{web}",
                                               "--log-level", "warning", "helpdesk:create_app()"], env=env, cwd=work))
            processes.append(subprocess.Popen([BIN / "helpdesk", "lmtp", "--host", "127.0.0.1", "--port", str(lmtp)],
                                              env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for _ in range(2):
            processes.append(subprocess.Popen([BIN / "helpdesk", "scheduler"], env=env, cwd=work,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in web_ports + lmtp_ports:
            wait_for_port(port)
        stats = Stats()
        people = ([Agent(n, f"http://127.0.0.1:{web_ports[i % 2]}", stats, random.Random(i))
                   for i, n in enumerate(agent_names)]
                  + [Employee(n, f"http://127.0.0.1:{web_ports[i % 2]}", stats, random.Random(10_000 + i))
                     for i, n in enumerate(employee_names)])
        load_before = load_average()
        from helpdesk.clock import SystemClock

        started_at = SystemClock().now()
        started = time.monotonic()
        until = started + args.minutes * 60
        sent, mail_errors = [], []
        # Several relay connections, as a relay delivers in parallel; each carries its share of the rate.
        mailers = [threading.Thread(target=mail_loop, daemon=True,
                                    args=(k, lmtp_ports, senders, args.mails_per_second / MAIL_CONNECTIONS, until,
                                          sent, mail_errors, random.Random(k)))
                   for k in range(MAIL_CONNECTIONS)]
        for mailer in mailers:
            mailer.start()
        drive(people, until, args.threads, {Agent: args.agent_think, Employee: args.employee_think}, stats)
        for mailer in mailers:
            mailer.join(timeout=120)
        seconds = time.monotonic() - started
        load = f"{load_before:.1f} → {load_average():.1f}"
        print("load over; letting the schedulers send what is queued …", flush=True)
        deadline = time.monotonic() + 180
        engine = sa.create_engine(url)
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                # 'sending': claimed by a scheduler and not yet marked sent; counted only when settled.
                pending = conn.execute(sa.text("SELECT count(*) FROM outbound_message WHERE status IN "
                                               "('pending', 'sending') AND created_at >= :t"), {"t": started_at}).scalar()
            if not pending:
                break
            time.sleep(2)
        engine.dispose()
        checks = check(url, sent, stats.created_web, sink, started_at)
    finally:
        relay.stop()
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    text = render(args, stats, checks, seconds, load, mail_errors)
    RESULTS.write_text(text)
    print(text)
    shutil.rmtree(work, ignore_errors=True)
    failed = (sum(stats.errors.values()) + len(mail_errors) + checks["mails_missing"] + checks["mails_stored_twice"]
              + checks["web_reports_twice"] + checks["notifications_sent_twice"] + checks["notifications_not_written"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
