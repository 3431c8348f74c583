"""django-helpdesk 2.6.1 side of the side-by-side benchmark; runs in its own virtual environment.

Started by `python -m benchmarks.peer` with the peer's Python. Both projects are called
`helpdesk`, so the peer never shares a process with the desk. It builds (or reuses) a
SQLite database of N tickets, each with one follow-up, then answers one JSON command per
line on stdin with the server time of one operation through Django's test client:
{"op": "queue" | "search" | "ticket" | "create" | "intake", ...} -> {"ms": float}.
"""

import base64
import json
import logging
import random
import re
import sys
import time
import types
from pathlib import Path

FOLDER = Path(sys.argv[1])
TICKETS = int(sys.argv[2])
WORDS = ("skrivaren", "outlook", "profil", "lösenord", "nätverket", "telefonen", "inloggning", "skärmen")


def configure() -> None:
    import django
    from django.conf import settings

    urls = types.ModuleType("peer_urls")
    sys.modules["peer_urls"] = urls
    settings.configure(
        DEBUG=False, SECRET_KEY="peer-benchmark", ALLOWED_HOSTS=["testserver", "localhost"],
        ROOT_URLCONF="peer_urls", SITE_ID=1, USE_TZ=True, TIME_ZONE="Europe/Stockholm",
        LANGUAGE_CODE="sv", STATIC_URL="/static/", DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(FOLDER / "peer.sqlite3")}},
        INSTALLED_APPS=["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
                        "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
                        "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware",
                    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware",
                    "django.contrib.messages.middleware.MessageMiddleware"],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
                    "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                       "django.contrib.auth.context_processors.auth",
                                                       "django.contrib.messages.context_processors.messages"]}}],
        HELPDESK_TEAMS_MODE_ENABLED=False, MEDIA_ROOT=str(FOLDER / "media"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOGIN_URL="/helpdesk/login/",
    )
    django.setup()
    from django.contrib import admin
    from django.urls import include, path

    urls.urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
                        path("admin/", admin.site.urls)]


def build() -> None:
    """Migrate and fill the database once: N tickets, each with one follow-up."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket

    marker = FOLDER / f"built-{TICKETS}"
    if marker.exists():
        return
    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    User.objects.create_superuser("erik", "erik@exempelby.se", "demo", is_staff=True)
    queue = Queue.objects.create(title="Servicedesk", slug="servicedesk", email_address="servicedesk@exempelby.se")
    rng = random.Random(13)
    now = timezone.now()
    tickets = [Ticket(title=f"{rng.choice(WORDS).capitalize()} fungerar inte ({i})", queue=queue,
                      created=now, modified=now, submitter_email=f"person{i % 997}@exempelby.se",
                      status=rng.choice([1, 1, 2, 3, 4]), priority=rng.randint(1, 5),
                      description=" ".join(rng.choice(WORDS) for _ in range(30)))
               for i in range(TICKETS)]
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    ids = list(Ticket.objects.values_list("id", flat=True))
    FollowUp.objects.bulk_create([FollowUp(ticket_id=i, title="Svar", date=now, public=True,
                                           comment="Vi tittar på det. " + rng.choice(WORDS)) for i in ids],
                                 batch_size=2000)
    marker.write_text("ok")


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    configure()
    build()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from helpdesk.email import extract_email_metadata
    from helpdesk.models import Queue, Ticket

    logging.disable(logging.CRITICAL)  # the peer logs every mail it takes in
    client = Client()
    client.force_login(get_user_model().objects.get(username="erik"))
    queue = Queue.objects.get(slug="servicedesk")
    ids = list(Ticket.objects.order_by("?").values_list("id", flat=True)[:50])
    log = logging.getLogger("peer")

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    def listing(query_string):
        # The list page, then its first 25 rows (the page fetches them as JSON).
        html = get("/helpdesk/tickets/" + query_string).content.decode()
        query = re.search(r"datatables_ticket_list/([A-Za-z0-9+/=]+)", html).group(1)
        get(f"/helpdesk/datatables_ticket_list/{query}?draw=1&start=0&length=25")

    print(json.dumps({"ready": True, "tickets": Ticket.objects.count()}), flush=True)
    for n, line in enumerate(sys.stdin):
        command = json.loads(line)
        op = command["op"]
        started = time.perf_counter()
        if op == "queue":
            listing("")
        elif op == "search":
            listing("?q=" + command["word"])
        elif op == "ticket":
            get(f"/helpdesk/tickets/{ids[n % len(ids)]}/")
        elif op == "create":
            response = client.post("/helpdesk/tickets/submit/", {
                "queue": queue.id, "title": command["subject"], "body": command["body"],
                "priority": 3, "submitter_email": "anna@exempelby.se"})
            if response.status_code != 302:
                raise RuntimeError(f"create answered {response.status_code}")
        elif op == "intake":
            raw = base64.b64decode(command["raw"]).decode("utf-8", errors="replace")
            try:
                extract_email_metadata(raw, queue, log)
            except Exception as error:  # noqa: BLE001 - a mail the peer cannot take is counted, not fatal
                print(json.dumps({"error": repr(error)[:200]}), flush=True)
                continue
        else:
            raise ValueError(op)
        print(json.dumps({"ms": (time.perf_counter() - started) * 1000}), flush=True)


if __name__ == "__main__":
    main()
