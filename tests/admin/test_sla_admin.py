"""Calendars, service levels and clock rules through HTTP: access, forms, errors, and their effect on tickets."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.org.models import Organisation
from helpdesk.sla.models import Calendar, CalendarException, ClockRule, ServiceLevel
from helpdesk.sla.services import refresh_sla
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Status
from tests import factories as f

TARGETS = ("first_response_minutes", "update_minutes", "resolution_minutes")


def local(*args):
    return datetime(*args, tzinfo=ZoneInfo("Europe/Stockholm")).astimezone(UTC)


def office(session):
    return session.scalar(sa.select(Calendar).where(Calendar.name == "Kontorstid vardagar 08:00-16:30"))


def by_name(session, name):
    return session.scalar(sa.select(Calendar).where(Calendar.name == name))


def audit(session, action):
    return session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)
                           .order_by(AuditEntry.id.desc())).all()


def pages(session):
    cal = office(session)
    exception = cal.exceptions[0]
    return [
        "/admin/calendars", "/admin/calendars/new", f"/admin/calendars/{cal.id}",
        f"/admin/calendars/{cal.id}/exceptions", f"/admin/calendars/{cal.id}/exceptions/{exception.id}",
        f"/admin/calendars/{cal.id}/year/2026", "/admin/service-levels", "/admin/clock-rules",
    ]


def calendar_data(**overrides):
    data = {"name": "Skolornas IT-stöd", "organisation_id": "0", "zone": "Europe/Stockholm", "use_holidays": "y",
            "is_active": "y", **{f"weekday_{d}": "07:30-12:00, 12:30-16:00" if d < 5 else "" for d in range(7)}}
    data.update(overrides)
    return data


def level_data(session, **overrides):
    data = {}
    for level in session.scalars(sa.select(ServiceLevel)):
        for target in TARGETS:
            minutes = getattr(level, target)
            data[f"{level.tier}_{level.priority}_{target}"] = f"{minutes // 60}:{minutes % 60:02d}"
        data[f"{level.tier}_{level.priority}_warn_percent"] = level.warn_percent
    data.update(overrides)
    return data


def rule_data(session, **overrides):
    data = {f"{rule.status}_{clock}": getattr(rule, clock)
            for rule in session.scalars(sa.select(ClockRule)) for clock in ("first_response", "resolution")}
    data.update(overrides)
    return data


# Access

def test_every_page_answers_an_admin_in_both_languages(client, auth, session):
    auth.login("admin")
    for url in pages(session):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.get_data(as_text=True).count("<h1") == 1, url
    client.post("/language", data={"lang": "en", "next": "/"})
    for url in pages(session):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", ["anna", "erik"])
def test_non_admins_are_refused(client, auth, session, username):
    auth.login(username)
    for url in pages(session):
        assert client.get(url).status_code == 403, url
    cal = office(session)
    assert client.post("/admin/calendars/new", data=calendar_data()).status_code == 403
    assert client.post(f"/admin/calendars/{cal.id}/short-days", data={"year": "2030"}).status_code == 403
    assert client.post("/admin/service-levels", data=level_data(session)).status_code == 403
    assert client.post("/admin/clock-rules", data=rule_data(session)).status_code == 403
    assert by_name(session, "Skolornas IT-stöd") is None


def test_unknown_ids_and_years_are_404(client, auth, session):
    auth.login("admin")
    cal = office(session)
    other = session.scalar(sa.select(Calendar).where(Calendar.always_open))
    for url in ["/admin/calendars/9999", "/admin/calendars/9999/exceptions", "/admin/calendars/9999/year/2026",
                f"/admin/calendars/{cal.id}/year/1850", f"/admin/calendars/{cal.id}/exceptions/9999",
                f"/admin/calendars/{other.id}/exceptions/{cal.exceptions[0].id}"]:
        assert client.get(url).status_code == 404, url


def test_index_links_the_new_pages(client, auth):
    auth.login("admin")
    html = client.get("/admin/").get_data(as_text=True)
    for url in ["/admin/calendars", "/admin/service-levels", "/admin/clock-rules"]:
        assert f'href="{url}"' in html


# Calendars

def test_create_and_edit_calendar(client, auth, session, clock):
    auth.login("admin")
    kommun = session.scalar(sa.select(Organisation).where(Organisation.name == "Exempelby kommun"))
    response = client.post("/admin/calendars/new", data=calendar_data(organisation_id=str(kommun.id)))
    assert response.status_code == 302
    cal = by_name(session, "Skolornas IT-stöd")
    assert cal.organisation_id == kommun.id and cal.use_holidays and not cal.always_open
    assert {d.weekday: d.spans for d in cal.days}[0] == "07:30-12:00, 12:30-16:00"
    assert {d.weekday: d.spans for d in cal.days}[6] == ""
    assert audit(session, "calendar_created")[0].object_id == str(cal.id)
    before = cal.updated_at

    # Dashes and dots as people type them are read too.
    response = client.post(f"/admin/calendars/{cal.id}", data=calendar_data(
        name="Skolornas IT-stöd", weekday_4="08.00–12.00", use_holidays=""))
    assert response.status_code == 302
    assert "helpdesk sla recompute" in client.get(response.headers["Location"]).get_data(as_text=True)
    session.expire_all()
    assert {d.weekday: d.spans for d in cal.days}[4] == "08:00-12:00" and not cal.use_holidays
    assert cal.updated_at > before
    changes = audit(session, "calendar_updated")[0].details["changes"]
    assert changes["weekday_4"] == ["07:30-12:00, 12:30-16:00", "08:00-12:00"]
    assert changes["use_holidays"] == [True, False]


@pytest.mark.parametrize("value, message", [
    ("08:00-12:00, 11:00-13:00", "Tiderna 08:00-12:00 och 11:00-13:00 överlappar."),
    ("16:00-08:00", "Tiden 16:00-08:00 slutar innan den börjar."),
    ("åtta till fem", "Kan inte läsa ”åtta till fem”."),
    ("08:00-25:00", "Kan inte läsa ”08:00-25:00”."),
])
def test_bad_opening_hours_are_refused_beside_the_weekday(client, auth, session, value, message):
    auth.login("admin")
    cal = office(session)
    # Monday's valid change must not be saved either.
    response = client.post(f"/admin/calendars/{cal.id}", data=calendar_data(
        name=cal.name, weekday_0="09:00-15:00", weekday_2=value))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="weekday_2-error"' in html and message in html
    assert 'aria-invalid="true"' in html and 'href="#weekday_2"' in html
    session.expire_all()
    assert {d.weekday: d.spans for d in cal.days}[0] == "08:00-16:30"
    assert client.post("/admin/calendars/new", data=calendar_data(weekday_2=value)).status_code == 400
    assert by_name(session, "Skolornas IT-stöd") is None


def test_calendar_without_working_time_is_refused(client, auth, session):
    auth.login("admin")
    closed = {f"weekday_{d}": "" for d in range(7)}
    response = client.post("/admin/calendars/new", data=calendar_data(**closed))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kalendern har ingen arbetstid alls." in html and 'id="weekday_0-error"' in html
    assert by_name(session, "Skolornas IT-stöd") is None
    # Round the clock needs no weekly hours.
    assert client.post("/admin/calendars/new", data=calendar_data(always_open="y", **closed)).status_code == 302


def test_duplicate_name_and_unknown_zone_are_field_errors(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/calendars/new", data=calendar_data(name="dygnet runt"))
    assert response.status_code == 400 and "Det finns redan en kalender som heter dygnet runt." in response.text
    response = client.post("/admin/calendars/new", data=calendar_data(zone="Europe/Göteborg"))
    assert response.status_code == 400 and 'id="zone-error"' in response.text and "Okänd tidszon" in response.text


# Exceptions

def test_add_edit_and_remove_exception(client, auth, session):
    auth.login("admin")
    cal = office(session)
    url = f"/admin/calendars/{cal.id}/exceptions"
    assert client.post(url, data={"day": "2026-12-23", "spans": "", "note": "Klämdag"}).status_code == 302
    extra = {"day": "2026-12-27", "spans": "10:00-14:00", "note": "Extra öppet"}
    assert client.post(url, data=extra).status_code == 302
    session.expire_all()
    found = {e.day: e for e in cal.exceptions}
    assert found[date(2026, 12, 23)].spans == "" and found[date(2026, 12, 27)].spans == "10:00-14:00"
    html = client.get(url).get_data(as_text=True)
    assert "Klämdag" in html and "2026-12-27" in html

    exception = found[date(2026, 12, 23)]
    response = client.post(f"{url}/{exception.id}", data={"day": "2026-12-23", "spans": "08:00-12:00", "note": "Kort"})
    assert response.status_code == 302
    session.expire_all()
    assert exception.spans == "08:00-12:00"
    assert client.post(f"{url}/{exception.id}/remove").status_code == 302
    session.expire_all()
    assert date(2026, 12, 23) not in {e.day for e in cal.exceptions}
    assert [e.action for e in session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action.like("calendar_exception_%")).order_by(AuditEntry.id))][-4:] == [
        "calendar_exception_added", "calendar_exception_added", "calendar_exception_updated",
        "calendar_exception_removed"]


def test_exception_errors_are_shown_beside_the_field(client, auth, session):
    auth.login("admin")
    cal = office(session)
    url = f"/admin/calendars/{cal.id}/exceptions"
    response = client.post(url, data={"day": "2026-04-02", "spans": "", "note": ""})  # the seed's Skärtorsdagen
    assert response.status_code == 400 and "Det finns redan ett undantag för 2026-04-02." in response.text
    response = client.post(url, data={"day": "23/12", "spans": "14:00-08:00", "note": ""})
    assert response.status_code == 400
    assert "Ange datumet som ÅÅÅÅ-MM-DD" in response.text and 'id="spans-error"' in response.text
    assert "Tiden 14:00-08:00 slutar innan den börjar." in response.text
    response = client.post(url, data={"day": "2026-12-23", "spans": "08:00-12:00, 11:00-14:00", "note": "x"})
    assert response.status_code == 400 and "överlappar" in response.text
    session.expire_all()
    assert date(2026, 12, 23) not in {e.day for e in cal.exceptions}


def test_common_short_days_button(client, auth, session, clock):
    from helpdesk.sla.admin import create_calendar

    auth.login("admin")
    cal = create_calendar({"name": "Växeln", "organisation_id": None, "zone": "Europe/Stockholm",
                           "always_open": False, "use_holidays": True, "is_active": True,
                           "weekly": dict.fromkeys(range(5), "08:00-16:30")}, actor=None, now=clock.now())
    cal.exceptions.append(CalendarException(day=date(2028, 1, 5), spans="", note="Stängt"))
    session.flush()
    html = client.get(f"/admin/calendars/{cal.id}/exceptions").get_data(as_text=True)
    assert "Lägg till vanliga halvdagar för 2026" in html and "Lägg till vanliga halvdagar för 2027" in html
    assert client.post(f"/admin/calendars/{cal.id}/short-days", data={"year": "2028"}).status_code == 302
    session.expire_all()
    # Trettondagsafton already had an exception; Valborgsmässoafton 2028 is a Sunday.
    assert {(e.day, e.spans, e.note) for e in cal.exceptions} == {
        (date(2028, 1, 5), "", "Stängt"),
        (date(2028, 4, 13), "08:00-14:00", "Skärtorsdagen"),
        (date(2028, 11, 3), "08:00-14:00", "Allhelgonaafton"),
    }
    assert audit(session, "calendar_short_days_added")[0].details["days"] == ["2028-04-13", "2028-11-03"]
    client.post(f"/admin/calendars/{cal.id}/short-days", data={"year": "2028"})
    session.expire_all()
    assert len(cal.exceptions) == 3
    assert client.post(f"/admin/calendars/{cal.id}/short-days", data={"year": "1066"}).status_code == 302
    session.expire_all()
    assert len(cal.exceptions) == 3


# The year view

def test_year_view_shows_days_off_by_name_and_short_days_with_hours(client, auth, session):
    auth.login("admin")
    cal = office(session)
    response = client.get(f"/admin/calendars/{cal.id}/year/2026")
    html = " ".join(response.get_data(as_text=True).split())
    assert html.count("<table") == 12 and html.count("<caption>") == 12
    assert '<th scope="col">' in html and '<th scope="row">' in html
    # Midsommarafton, Friday 19 June: closed, by name, in the cell's text and in the month's list.
    assert "Stängt, Midsommarafton</span>" in html
    assert "2026-06-19</time> fre: Midsommarafton – Stängt" in html
    # Skärtorsdagen (the seed's exception): a short day with its hours.
    assert "Kort dag 08:00-14:00, Skärtorsdagen</span>" in html
    assert "Skärtorsdagen – Kort dag 08:00-14:00" in html
    # The legend explains every code; weekends are closed without a name.
    for text in ("Öppet", "Kort dag", "Extra öppet", "Stängt"):
        assert f"<strong>{text}</strong>" in html
    for other in (2025, 2027):
        assert f'href="/admin/calendars/{cal.id}/year/{other}"' in html


# Service levels

def test_service_level_change_moves_a_tickets_due_time_after_refresh(client, auth, session, users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")  # guld P3: 12 h
    assert t.priority == 3 and t.resolution_due_at == local(2026, 11, 19, 12, 30)
    auth.login("admin")
    html = client.get("/admin/service-levels").get_data(as_text=True)
    assert 'value="12:00"' in html and "Göteborgs Stad" in html
    response = client.post("/admin/service-levels", data=level_data(
        session, guld_3_resolution_minutes="20 h", guld_3_warn_percent="50, 80,95"))
    assert response.status_code == 302
    session.expire_all()
    level = session.scalar(sa.select(ServiceLevel).where(ServiceLevel.tier == "guld", ServiceLevel.priority == 3))
    assert level.resolution_minutes == 20 * 60 and level.warn_percent == "50,80,95"
    assert audit(session, "service_levels_updated")[0].details["changes"]["guld 3"]["resolution_minutes"] == [
        720, 1200]
    assert t.resolution_due_at == local(2026, 11, 19, 12, 30)  # the cache is stale until refreshed
    refresh_sla(t, now=clock.now())
    assert t.resolution_due_at == local(2026, 11, 20, 12, 0)  # eight more business hours


@pytest.mark.parametrize("field, value, message", [
    ("guld_1_resolution_minutes", "0:00", "Tiden måste vara längre än 0:00."),
    ("silver_2_first_response_minutes", "fyra timmar", "Skriv tiden som timmar:minuter"),
    ("brons_3_update_minutes", "", "Skriv tiden som timmar:minuter"),
    ("brons_4_resolution_minutes", "2000:00", "Högst 1000 timmar."),
    ("guld_2_warn_percent", "90, 75", "stigande ordning"),
    ("guld_2_warn_percent", "75, 100", "från 1 till 99"),
    ("guld_2_warn_percent", "hälften", "Skriv procenttal"),
])
def test_bad_service_level_values_are_refused_beside_the_cell(client, auth, session, field, value, message):
    auth.login("admin")
    response = client.post("/admin/service-levels", data=level_data(
        session, guld_4_resolution_minutes="99:00", **{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in html and message in html and f'href="#{field}"' in html
    session.expire_all()
    level = session.scalar(sa.select(ServiceLevel).where(ServiceLevel.tier == "guld", ServiceLevel.priority == 4))
    assert level.resolution_minutes == 1440  # nothing saved half
    assert audit(session, "service_levels_updated") == []


# Clock rules

def test_clock_rule_change_restarts_a_paused_ticket_after_refresh(client, auth, session, users, clock):
    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    clock.advance(hours=1)
    tickets.change_status(t, Status.WAITING_SUPPLIER, actor=users["erik"], now=clock.now())
    assert t.sla_paused_since == clock.now() and t.resolution_due_at is None
    auth.login("admin")
    html = client.get("/admin/clock-rules").get_data(as_text=True)
    assert "Väntar på leverantör" in html and "Pausas" in html
    response = client.post("/admin/clock-rules", data=rule_data(session, waiting_supplier_resolution="run"))
    assert response.status_code == 302
    assert audit(session, "clock_rules_updated")[0].details["changes"] == {
        "waiting_supplier": [["run", "pause"], ["run", "run"]]}
    session.expire_all()
    refresh_sla(t, now=clock.now())
    assert t.sla_paused_since is None
    assert t.resolution_due_at == local(2026, 11, 19, 12, 30)  # as if never paused


def test_unknown_clock_action_is_refused(client, auth, session):
    auth.login("admin")
    response = client.post("/admin/clock-rules", data=rule_data(
        session, new_resolution="sprint", open_first_response="stop"))
    assert response.status_code == 400 and "Välj går, pausas eller stoppas." in response.text
    assert session.get(ClockRule, "open").first_response == "run"


# Systems and organisations choose calendars and tiers

def test_system_and_organisation_choose_calendar_and_tier(client, auth, session):
    from tests.admin.test_views import org_data, system_data

    auth.login("admin")
    always = session.scalar(sa.select(Calendar).where(Calendar.always_open))
    system = f.system("Lönesystem")
    data = system_data(session, name="Lönesystem", calendar_id=str(always.id))
    assert client.post(f"/admin/systems/{system.id}", data=data).status_code == 302
    session.expire_all()
    assert system.calendar_id == always.id
    html = client.get(f"/admin/systems/{system.id}").get_data(as_text=True)
    assert f'<option selected value="{always.id}">' in html

    kommun = session.scalar(sa.select(Organisation).where(Organisation.name == "Exempelby kommun"))
    data = org_data(name=kommun.name, org_number=kommun.org_number or "", default_calendar_id=str(always.id),
                    default_tier="brons")
    assert client.post(f"/admin/organisations/{kommun.id}", data=data).status_code == 302
    session.expire_all()
    assert (kommun.default_calendar_id, kommun.default_tier) == (always.id, "brons")
    response = client.post(f"/admin/organisations/{kommun.id}", data=dict(data, default_tier="platina"))
    assert response.status_code == 400 and 'id="default_tier-error"' in response.text
    response = client.post(f"/admin/systems/{system.id}", data=system_data(session, name="Lönesystem",
                                                                            calendar_id="9999"))
    assert response.status_code == 400 and 'id="calendar_id-error"' in response.text


def test_the_scheduler_recomputes_open_tickets_after_a_change_and_the_page_shows_progress(
        client, auth, session, users, clock, app):
    """Issue 8/10: the SLA admin page said the scheduler recomputes open tickets; now it does."""
    from helpdesk import scheduler
    from helpdesk.sla.jobs_refresh import refresh_open_tickets

    t = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")  # guld P3: 12 h
    auth.login("admin")
    assert "sla-refresh" not in client.get("/admin/service-levels").get_data(as_text=True)
    client.post("/admin/service-levels", data=level_data(session, guld_3_resolution_minutes="20 h"))
    html = client.get("/admin/service-levels").get_data(as_text=True)
    assert "väntar på att räknas om av schemaläggaren" in html
    assert any(function is refresh_open_tickets for _name, function, _s in scheduler.job_table())

    assert scheduler.run_job(app, "refresh_open_tickets", refresh_open_tickets, 60) >= 1

    session.expire_all()
    assert t.resolution_due_at == local(2026, 11, 20, 12, 0)
    html = client.get("/admin/calendars").get_data(as_text=True)
    assert "Öppna ärenden räknades senast om" in html and "fick nya tider" in html
    assert scheduler.run_job(app, "refresh_open_tickets", refresh_open_tickets, 60) == 0  # nothing pending
