"""The audit log viewer: who may read it, filters, keyset paging, CSV export (itself audited)."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.audit.services import record


@pytest.fixture
def entries(users, session):
    """150 entries over three days: Sara reads ticket 7 every tenth time, Olle changes things otherwise."""
    start = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    for n in range(150):
        at = start + timedelta(days=n // 50, minutes=n)
        if n % 10 == 0:
            record("confidential_read", actor=users["sara"], now=at, object_type="ticket", object_id=7,
                   address="10.0.0.1")
        else:
            record("incident_updated", actor=users["olle"], now=at, object_type="security_incident",
                   object_id=n, field="åtgärd")
    session.commit()


def ids_on(html):
    return [int(part.split('"')[0]) for part in html.split('data-entry="')[1:]]


@pytest.mark.parametrize("username, status", [("admin", 200), ("ines", 200), ("erik", 403), ("anna", 403),
                                              ("maria", 403)])
def test_only_admins_and_security_officers_read_the_log(client, auth, username, status):
    auth.login(username)
    assert client.get("/audit/").status_code == status
    assert client.get("/audit/export.csv").status_code == status


def test_filters_narrow_the_rows(entries, client, auth):
    auth.login("ines")
    html = client.get("/audit/?action=confidential_read&actor=Sara").get_data(as_text=True)
    assert html.count("confidential_read") >= 15 and "incident_updated" not in html.split("<tbody>")[1]
    html = client.get("/audit/?actor=olle&object_type=security_incident&object_id=3").get_data(as_text=True)
    assert html.split("<tbody>")[1].count("incident_updated") == 1
    html = client.get("/audit/?action=incident_*&date_from=2026-11-12&date_to=2026-11-12").get_data(as_text=True)
    assert html.split("<tbody>")[1].count("<tr") == 45
    bad = client.get("/audit/?date_from=12/11/2026")
    assert bad.status_code == 400 and "ÅÅÅÅ-MM-DD" in bad.get_data(as_text=True)


def test_paging_by_id_goes_back_and_forth_without_overlap(entries, client, auth, session):
    auth.login("admin")
    wanted = session.scalars(sa.select(AuditEntry.id).where(AuditEntry.action == "incident_updated")
                             .order_by(AuditEntry.id.desc())).all()
    seen, url = [], "/audit/?action=incident_updated"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += ids_on(html)
        older = [part.split('"')[0] for part in html.split('href="')[1:] if "before=" in part.split('"')[0]]
        url = older[0].replace("&amp;", "&") if older else None
    assert seen == wanted
    html = client.get(f"/audit/?action=incident_updated&after={wanted[-1]}").get_data(as_text=True)
    assert ids_on(html) == wanted[-51:-1]


def test_csv_export_holds_the_filtered_rows_and_is_audited(entries, client, auth, users, session):
    auth.login("ines")
    response = client.get("/audit/export.csv?action=confidential_read")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["id", "tid", "användarnamn", "namn", "händelse"]
    assert len(rows) == 16 and {r[4] for r in rows[1:]} == {"confidential_read"}
    assert rows[1][2] == "sara" and rows[1][7] == "10.0.0.1"
    exported = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "audit_exported"))
    assert exported.actor_id == users["ines"].id and exported.details == {"filters": {"action": "confidential_read"}}
