"""Mailbox set-up without raw JSON: the channel step, one typed form per channel, old settings kept."""

import pytest
import sqlalchemy as sa

from helpdesk.audit.models import AuditEntry
from helpdesk.intake.models import Mailbox

COMMON = {"name": "bygg", "address": "bygg@exempelby.se", "send_transport": "smtp", "organisation_id": "1",
          "default_group_id": "0", "poll_seconds": "60", "closed_policy": "reopen", "allowed_domains": "",
          "is_active": "y", "submit": "Spara"}
FORMS = {
    "imap": ({"host": "imap.exempelby.se", "security": "starttls", "port": "143", "username": "servicedesk",
              "auth": "password", "folder": "INBOX", "acknowledge": "move", "processed_folder": "INBOX.Behandlat",
              "tls_ca_file": "", "batch_size": "", "timeout": "30"},
             {"host": "imap.exempelby.se", "security": "starttls", "port": 143, "username": "servicedesk",
              "auth": "password", "folder": "INBOX", "acknowledge": "move", "processed_folder": "INBOX.Behandlat",
              "timeout": 30}),
    "graph": ({"tenant_id": "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "client_id": "helpdesk-app", "acknowledge": "read",
               "processed_folder": "Processed", "page_size": "25", "batch": "", "max_wait": "", "retries": ""},
              {"tenant_id": "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "client_id": "helpdesk-app", "acknowledge": "read",
               "processed_folder": "Processed", "page_size": 25}),
    "ews": ({"endpoint": "https://mail.exempelby.se/EWS/Exchange.asmx", "auth": "ntlm",
             "username": "EXEMPELBY\\svc-helpdesk", "tenant_id": "", "client_id": "", "processed_folder": "Behandlat",
             "build": "15.2.1748.10", "batch": "", "max_wait": "5"},
            {"endpoint": "https://mail.exempelby.se/EWS/Exchange.asmx", "auth": "ntlm",
             "username": "EXEMPELBY\\svc-helpdesk", "processed_folder": "Behandlat", "build": "15.2.1748.10",
             "max_wait": 5}),
    "files": ({"path": "/srv/helpdesk/in", "processed_path": "", "suffix": ".eml"},
              {"path": "/srv/helpdesk/in", "suffix": ".eml"}),
    "relay": ({}, {}),
}


def saved(session, name="bygg"):
    session.expire_all()
    return session.scalar(sa.select(Mailbox).where(Mailbox.name == name))


def test_new_mailbox_starts_with_the_channel_step(client, auth):
    auth.login("admin")
    page = client.get("/admin/mailboxes/new").get_data(as_text=True)
    assert 'method="get"' in page and "Fortsätt" in page and "JSON" not in page
    refused = client.get("/admin/mailboxes/new?channel=pop3&submit=Forts%C3%A4tt")
    assert refused.status_code == 400 and "Välj hur e-posten hämtas." in refused.get_data(as_text=True)
    form = client.get("/admin/mailboxes/new?channel=imap&submit=Forts%C3%A4tt").get_data(as_text=True)
    assert 'name="host"' in form and 'name="tenant_id"' not in form and "Testa anslutningen" in form


@pytest.mark.parametrize("channel", FORMS)
def test_each_channel_form_renders_and_saves_the_settings_its_fetcher_reads(client, auth, session, channel):
    typed, stored = FORMS[channel]
    auth.login("admin")
    page = client.get(f"/admin/mailboxes/new?channel={channel}").get_data(as_text=True)
    assert all(f'name="{key}"' in page for key in typed)
    response = client.post(f"/admin/mailboxes/new?channel={channel}", data=COMMON | typed)
    assert response.status_code == 302, response.get_data(as_text=True)
    box = saved(session)
    assert box.channel == channel and box.settings == stored


def test_mailbox_saved_with_old_json_opens_with_its_values_and_keeps_unknown_keys(client, auth, session):
    box = saved(session, "servicedesk")
    box.channel = "imap"
    box.settings = {"host": "imap.exempelby.se", "ssl": False, "port": 143, "username": "helpdesk",
                    "folder": "Inkorg", "timeout": 45.0, "x_note": "behåll"}
    session.commit()
    auth.login("admin")
    page = client.get(f"/admin/mailboxes/{box.id}").get_data(as_text=True)
    assert 'value="imap.exempelby.se"' in page and 'value="Inkorg"' in page and 'value="45"' in page
    assert '<input checked id="security-2" name="security" type="radio" value="none">' in page  # from "ssl": false
    form = {"host": "imap.exempelby.se", "security": "none", "port": "143", "username": "helpdesk", "auth": "password",
            "folder": "Inkorg", "acknowledge": "flag", "processed_folder": "", "timeout": "45"}
    data = COMMON | form | {"name": "servicedesk", "address": box.address,
                            "organisation_id": str(box.organisation_id)}
    assert client.post(f"/admin/mailboxes/{box.id}", data=data).status_code == 302
    assert saved(session, "servicedesk").settings == {
        "host": "imap.exempelby.se", "security": "none", "port": 143, "username": "helpdesk", "auth": "password",
        "folder": "Inkorg", "acknowledge": "flag", "timeout": 45, "x_note": "behåll"}


def test_field_errors_are_swedish_listed_on_top_and_tied_to_their_field(client, auth):
    auth.login("admin")
    typed = FORMS["imap"][0] | {"host": "imap://server:993", "port": "99999", "username": ""}
    response = client.post("/admin/mailboxes/new?channel=imap", data=COMMON | typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Formuläret behöver rättas" in page
    assert "Ange bara serverns namn eller IP-adress, utan imap:// och utan port." in page
    assert "Ange ett heltal från 1 till 65535." in page
    assert "Ange användarnamnet som helpdesk loggar in med." in page
    assert 'aria-describedby="host-hint host-error"' in page and 'value="imap://server:993"' in page
    ews = FORMS["ews"][0] | {"auth": "oauth2", "endpoint": "mail.exempelby.se"}
    page = client.post("/admin/mailboxes/new?channel=ews", data=COMMON | ews).get_data(as_text=True)
    assert "Ange tenant-id för OAuth2." in page and "Ange klient-id för OAuth2." in page
    assert "Ange en fullständig adress som börjar med https://" in page


def test_secrets_are_never_stored_nor_shown_and_the_configured_one_stays(app, client, auth, session):
    app.config["MAILBOX_BYGG_PASSWORD"] = "konfigurerat-lösen"
    try:
        auth.login("admin")
        typed = FORMS["imap"][0] | {"secret": "skrivet-lösen"}
        assert client.post("/admin/mailboxes/new?channel=imap", data=COMMON | typed).status_code == 302
        box = saved(session)
        assert "skrivet-lösen" not in str(box.settings)
        page = client.get(f"/admin/mailboxes/{box.id}").get_data(as_text=True)
        assert "skrivet-lösen" not in page and "konfigurerat-lösen" not in page
        assert "HELPDESK_MAILBOX_BYGG_PASSWORD" in page and "är inställd" in page
        assert 'name="secret" type="password" value=""' in page
        assert app.config["MAILBOX_BYGG_PASSWORD"] == "konfigurerat-lösen"
    finally:
        app.config.pop("MAILBOX_BYGG_PASSWORD", None)


def test_changing_channel_goes_through_the_step_and_replaces_the_settings(client, auth, session):
    auth.login("admin")
    client.post("/admin/mailboxes/new?channel=imap", data=COMMON | FORMS["imap"][0])
    box = saved(session)
    step = client.get(f"/admin/mailboxes/{box.id}/channel").get_data(as_text=True)
    assert f'action="/admin/mailboxes/{box.id}"' in step and '<input checked id="channel-2"' in step
    page = client.get(f"/admin/mailboxes/{box.id}?channel=graph").get_data(as_text=True)
    assert 'name="tenant_id"' in page and "tas bort" in page
    typed, stored = FORMS["graph"]
    data = COMMON | typed
    assert client.post(f"/admin/mailboxes/{box.id}?channel=graph", data=data).status_code == 302
    box = saved(session)
    assert box.channel == "graph" and box.settings == stored


def test_relay_has_no_connection_to_test(client, auth, session):
    auth.login("admin")
    page = client.get("/admin/mailboxes/new?channel=relay").get_data(as_text=True)
    assert "Testa anslutningen" not in page and "helpdesk lmtp" in page
    box = saved(session, "servicedesk")
    response = client.post(f"/admin/mailboxes/{box.id}/test", follow_redirects=True)
    assert "ingen anslutning att testa" in response.get_data(as_text=True)
    assert session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "mailbox_connection_tested"))


def test_only_administrators_may_set_up_or_test_mailboxes(client, auth, session):
    box = saved(session, "servicedesk")
    auth.login("erik")  # an agent
    for method, url in [("get", "/admin/mailboxes/new?channel=imap"), ("get", f"/admin/mailboxes/{box.id}/channel"),
                        ("post", f"/admin/mailboxes/{box.id}/test"),
                        ("post", "/admin/mailboxes/new?channel=imap")]:
        assert getattr(client, method)(url).status_code == 403, url
    assert session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "mailbox_connection_tested")) is None


def test_the_configured_secret_goes_only_to_the_saved_server(app, client, auth, session, monkeypatch):
    # Before: "Testa anslutningen" with typed settings and an empty secret field logged in with the
    # saved mailbox's configured password on whatever server was typed, and nothing but "tested" was kept.
    from helpdesk.intake import probe as probes
    from helpdesk.intake.fetchers import Found

    given = []

    def fake_probe(name, address, settings, credential, *, timeout):
        given.append((settings["host"], credential))
        return Found(server=settings["host"], account="servicedesk", folder="INBOX", total=0, unread=0)

    monkeypatch.setattr(probes, "probe_for", lambda channel: fake_probe)
    app.config["MAILBOX_BYGG_PASSWORD"] = "konfigurerat-lösen"
    try:
        auth.login("admin")
        assert client.post("/admin/mailboxes/new?channel=imap", data=COMMON | FORMS["imap"][0]).status_code == 302
        box = saved(session)
        test = {"test": "Testa anslutningen"}
        elsewhere = COMMON | FORMS["imap"][0] | {"host": "imap.elak.example"} | test
        for url in (f"/admin/mailboxes/{box.id}", "/admin/mailboxes/new?channel=imap"):
            page = client.post(url, data=elsewhere).get_data(as_text=True)
            assert "annan server än den sparade brevlådan bygg" in page
        assert given == []
        client.post(f"/admin/mailboxes/{box.id}", data=elsewhere | {"secret": "skrivet-lösen"})
        client.post(f"/admin/mailboxes/{box.id}", data=COMMON | FORMS["imap"][0] | test)
        assert given == [("imap.elak.example", "skrivet-lösen"), ("imap.exempelby.se", "konfigurerat-lösen")]
    finally:
        app.config.pop("MAILBOX_BYGG_PASSWORD", None)
