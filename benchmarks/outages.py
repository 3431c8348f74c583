"""Benchmark data and pages for outages and the knowledge base: notices on the start page, and
the report form with known faults and article suggestions."""

import random
from datetime import timedelta

import sqlalchemy as sa

from helpdesk.auth.models import User
from helpdesk.catalogue.models import System
from helpdesk.clock import SystemClock
from helpdesk.database import unit_of_work
from helpdesk.extensions import db
from helpdesk.knowledge.models import KnowledgeArticle
from helpdesk.knowledge.services import save_article
from helpdesk.outages import services
from helpdesk.outages.models import OutageNotice

ARTICLES = 300
AFFECTED = 400
PRINTERS = "Skrivare och utskrift"
WORDS = ["skrivaren", "utskrift", "lösenord", "outlook", "profil", "teams", "wifi", "vpn", "kalender",
         "skanner", "kö", "drivrutin", "inloggning", "mobil", "lönespec", "attest", "faktura", "journal"]


def ensure_data(requester) -> None:
    """Notices (current, planned, all systems), a major incident with many affected, and articles; once."""
    rng = random.Random(11)
    now = SystemClock().now()
    agent = db.session.scalar(sa.select(User).where(User.username == "erik"))
    systems = {s.name: s for s in db.session.scalars(sa.select(System).where(System.is_active))}
    if not db.session.scalar(sa.select(sa.func.count()).select_from(OutageNotice)):
        _notices(agent, requester, systems, now)
    if db.session.scalar(sa.select(sa.func.count()).select_from(KnowledgeArticle)) >= ARTICLES:
        return
    names = sorted(systems)
    for i in range(ARTICLES):
        words = rng.sample(WORDS, 4)
        with unit_of_work():
            save_article(texts={"sv": (f"Så löser du {words[0]} och {words[1]} ({i})",
                                       f"Om {words[0]} krånglar: starta om. Gäller även {words[2]} och {words[3]}.")},
                         systems=[systems[PRINTERS] if i % 5 == 0 else systems[rng.choice(names)]],
                         audience="employees", owner=agent, review_on=None, actor=agent, now=now)


def _notices(agent, requester, systems, now):
    with unit_of_work():
        printers = services.publish_notice(
            title="Utskrifter fastnar i kön", systems=[systems[PRINTERS]], extent="partial",
            broken_text="Utskrifter till plan 3 fastnar.", works_text="Övriga skrivare.", starts_at=now,
            actor=agent, now=now)
        services.publish_notice(title="E-posten är långsam", systems=[systems["E-post och kalender"]],
                                starts_at=now, actor=agent, now=now)
        services.publish_notice(title="Störning i nätet", systems=[], all_systems=True, extent="partial",
                                starts_at=now, actor=agent, now=now)
        for days in (2, 9):
            services.publish_notice(title=f"Uppgradering om {days} dagar", systems=[systems["Lönesystem"]],
                                    kind="planned", starts_at=now + timedelta(days=days),
                                    actor=agent, now=now)
        services.post_update(body="Leverantören felsöker skrivarservern.", notice=printers, actor=agent, now=now)
        services.me_too(printers, user=requester, now=now)
        others = db.session.scalars(sa.select(User).where(User.username.contains("."), User.id != requester.id)
                                    .order_by(User.id).limit(AFFECTED)).all()
        for person in others:
            services.me_too(printers, user=person, now=now)


def scenarios(scenario, requester, page_ms) -> list:
    """The outage pages to measure, as the given Scenario class."""
    ensure_data(requester)
    printers = db.session.scalar(sa.select(System.id).where(System.name == PRINTERS))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KnowledgeArticle)) >= ARTICLES
    return [
        scenario("start_notices", "Start page with notices (employee affected by a major incident)",
                 requester.username, ["/"], page_ms),
        scenario("report_suggest", "Report form with a known fault and article suggestions", requester.username,
                 [f"/tickets/new?system={printers}"], page_ms),
        scenario("report_hints", "Report form hints for system + words (JS fragment)", requester.username,
                 [f"/report-hints?system_id={printers}&q=skrivaren+skriver+inte+ut+kön"], page_ms),
    ]
