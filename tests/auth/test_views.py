"""Login page, logout, language, CSRF and security headers."""

import pytest

from helpdesk.auth.views import safe_next
from tests.conftest import app_config


def test_login_page_and_failed_login_message(client):
    assert client.get("/login").status_code == 200
    response = client.post("/login", data={"username": "anna", "password": "fel"})
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord." in response.get_data(as_text=True)


def test_empty_login_fields_get_swedish_messages(client):
    html = client.post("/login", data={}).get_data(as_text=True)
    assert "Ange ditt användarnamn." in html and "Ange ditt lösenord." in html


def test_login_follows_only_local_next(client, app):
    with app.test_request_context():
        assert safe_next("/queue?x=1") == "/queue?x=1"
        for bad in ["https://evil.example/", "//evil.example/", "javascript:alert(1)", None, ""]:
            assert safe_next(bad) == "/"


def test_logout_needs_post_and_ends_session(client, auth):
    auth.login("anna")
    assert client.get("/logout").status_code == 405
    auth.logout()
    assert client.get("/").status_code == 302


def test_language_switch_to_english_and_back(client, auth):
    auth.login("anna")
    client.post("/language", data={"lang": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    client.post("/language", data={"lang": "sv", "next": "/"})
    assert 'lang="sv"' in client.get("/").get_data(as_text=True)


def test_swedish_is_default_whatever_the_browser_says(client):
    html = client.get("/login", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert 'lang="sv"' in html and "Logga in" in html


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_flags(client, auth):
    response = auth.login("anna")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_protects_forms(app, tmp_path):
    from helpdesk import create_app
    from helpdesk.clock import FrozenClock
    from tests.conftest import BASE_TIME

    config = app_config(app.config["DATABASE_URL"], tmp_path) | {"WTF_CSRF_ENABLED": True}
    strict = create_app(config, clock=FrozenClock(BASE_TIME))
    client = strict.test_client()
    response = client.post("/login", data={"username": "anna", "password": "demo"})
    assert response.status_code == 400  # refused without a token, not logged in
    assert client.get("/").status_code == 302
    response = client.post("/language", data={"lang": "en"})
    assert response.status_code == 400 and "Formuläret har gått ut" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", [
    "/\\evil.example", "/\\/evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example",
    "/%09/evil.example\x00", " //evil.example", "https:evil.example", "//evil.example", "https://evil.example/",
])
def test_login_redirect_never_leaves_the_site(client, target):
    """Finding 19: browsers read a leading /\\ like //, and drop tabs and newlines in a URL."""
    response = client.post("/login", query_string={"next": target}, data={"username": "anna", "password": "demo"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_redirect_follows_a_local_path(client):
    response = client.post("/login", query_string={"next": "/tickets?q=skrivare"},
                           data={"username": "anna", "password": "demo"})
    assert response.headers["Location"] == "/tickets?q=skrivare"


def test_throttled_login_answers_429_with_retry_after_and_a_swedish_message(client):
    for _ in range(3):
        assert client.post("/login", data={"username": "anna", "password": "fel"}).status_code == 200
    response = client.post("/login", data={"username": "anna", "password": "demo"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert "För många misslyckade inloggningar" in response.get_data(as_text=True)


def test_forwarded_for_is_trusted_only_from_configured_proxies(app, session):
    """Finding 6: behind the reverse proxy every client was 127.0.0.1, in the throttle and the audit log."""
    import sqlalchemy as sa

    from helpdesk.audit.models import AuditEntry

    def login_from(peer, forwarded):
        client = app.test_client()
        client.post("/login", data={"username": "anna", "password": "fel"},
                    headers={"X-Forwarded-For": forwarded}, environ_base={"REMOTE_ADDR": peer})
        return session.scalars(sa.select(AuditEntry.address).where(AuditEntry.action == "login_failed")
                               .order_by(AuditEntry.id.desc())).first()

    app.config["TRUSTED_PROXIES"] = ["127.0.0.1", "10.1.0.0/16"]
    try:
        assert login_from("127.0.0.1", "192.0.2.44") == "192.0.2.44"
        assert login_from("127.0.0.1", "6.6.6.6, 192.0.2.45, 10.1.2.3") == "192.0.2.45"  # the spoofed left one is ignored
        assert login_from("198.51.100.7", "192.0.2.46") == "198.51.100.7"  # not from a proxy: header ignored
        assert login_from("127.0.0.1", "not an address") == "127.0.0.1"
    finally:
        app.config["TRUSTED_PROXIES"] = []
    assert login_from("127.0.0.1", "192.0.2.47") == "127.0.0.1"  # no proxies configured
