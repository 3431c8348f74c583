"""API tokens: hashed, scoped, expiring, revocable, rate limited, attributable; CSRF only for sessions."""

import hashlib
from datetime import timedelta

import sqlalchemy as sa

from helpdesk.api.models import ApiToken
from helpdesk.audit.models import AuditEntry
from helpdesk.extensions import db
from tests import factories


def test_token_is_stored_hashed_and_shown_once(client, users, clock):
    secret = factories.api_token(users["erik"], now=clock.now())
    db.session.commit()
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == users["erik"].id))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in token.prefix + token.name
    listed = client.get("/api/v1/tokens", headers=factories.bearer(secret)).get_json()
    assert secret not in str(listed) and listed[0]["prefix"] == secret[:10]


def test_missing_wrong_expired_and_revoked_tokens_get_401(client, users, clock):
    assert client.get("/api/v1/tickets").status_code == 401
    answer = client.get("/api/v1/tickets", headers=factories.bearer("hd_wrong"))
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    secret = factories.api_token(users["erik"], now=clock.now())
    db.session.commit()
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == users["erik"].id))
    token.expires_at = clock.now() + timedelta(days=1)
    db.session.commit()
    assert client.get("/api/v1/tickets", headers=factories.bearer(secret)).status_code == 200
    clock.advance(days=2)
    assert client.get("/api/v1/tickets", headers=factories.bearer(secret)).status_code == 401
    token.expires_at = None
    db.session.commit()
    assert client.delete(f"/api/v1/tokens/{token.id}", headers=factories.bearer(secret)).status_code == 204
    assert client.get("/api/v1/tickets", headers=factories.bearer(secret)).status_code == 401


def test_read_scope_cannot_write(client, users, clock):
    secret = factories.api_token(users["erik"], now=clock.now(), scope="read")
    db.session.commit()
    answer = client.post("/api/v1/tickets", headers=factories.bearer(secret),
                         json={"requester": "erik", "subject": "x", "body": "y"})
    assert answer.status_code == 403


def test_last_use_is_written_at_most_once_a_minute(client, users, clock):
    secret = factories.api_token(users["erik"], now=clock.now())
    db.session.commit()
    client.get("/api/v1/systems", headers=factories.bearer(secret))
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == users["erik"].id))
    first = token.last_used_at
    assert first == clock.now()
    clock.advance(seconds=30)
    client.get("/api/v1/systems", headers=factories.bearer(secret))
    db.session.refresh(token)
    assert token.last_used_at == first
    clock.advance(seconds=31)
    client.get("/api/v1/systems", headers=factories.bearer(secret))
    db.session.refresh(token)
    assert token.last_used_at == clock.now()


def test_writes_are_attributed_to_the_token_in_the_audit_log(client, users, clock):
    secret = factories.api_token(users["admin"], now=clock.now(), scope="admin")
    db.session.commit()
    answer = client.post("/api/v1/users", headers=factories.bearer(secret),
                         json={"username": "nyanstalld", "full_name": "Ny Anställd", "email": "ny@exempelby.se"})
    assert answer.status_code == 201
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user_created"))
    assert entry.actor_id == users["admin"].id and entry.details["via"] == "api" and entry.details["token_id"]
    write = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "api_write"))
    assert write.details["method"] == "POST" and write.details["path"] == "/api/v1/users"
    assert write.object_type == "api_token" and write.details["token_id"] == int(write.object_id)
    user_id = answer.get_json()["id"]
    off = client.post(f"/api/v1/users/{user_id}/deactivate", headers=factories.bearer(secret))
    assert off.status_code == 200 and off.get_json()["is_active"] is False


def test_rate_limit_per_token_answers_429_with_retry_after(app, client, users, clock):
    secret = factories.api_token(users["erik"], now=clock.now())
    other = factories.api_token(users["sara"], now=clock.now())
    db.session.commit()
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.get("/api/v1/systems", headers=factories.bearer(secret)).status_code for _ in range(4)]
        limited = client.get("/api/v1/systems", headers=factories.bearer(secret))
        assert codes[:3] == [200, 200, 200] and limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0
        assert limited.headers["Content-Type"] == "application/problem+json"
        assert client.get("/api/v1/systems", headers=factories.bearer(other)).status_code == 200  # its own bucket
    finally:
        app.config["API_RATE_LIMIT"] = "600 per minute"


def test_session_writes_need_the_csrf_token_token_writes_do_not(app, client, auth, users, clock):
    secret = factories.api_token(users["anna"], now=clock.now())
    db.session.commit()
    body = {"requester": "anna", "subject": "Via webbläsaren", "body": "x"}
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/api/v1/tickets", headers=factories.bearer(secret), json=body).status_code == 201
        client.post("/login", data={"username": "anna", "password": "demo"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert client.get("/api/v1/tickets").status_code == 200  # a signed-in session may read
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/api/v1/tickets", json=body)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400 and refused.headers["Content-Type"] == "application/problem+json"


def test_cli_creates_a_token(runner, users):
    result = runner.invoke(args=["api-token", "create", "--user", "erik", "--scope", "read",
                                 "--expires", "2027-06-30"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[0]
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hashlib.sha256(secret.encode()).hexdigest()))
    assert token.scope == "read" and token.expires_at.date().isoformat() == "2027-06-30"


def test_settings_page_creates_and_revokes(client, auth, users):
    auth.login("erik")
    page = client.post("/settings/api-tokens/", data={"name": "Rapportskript", "scope": "read", "expires": ""})
    assert page.status_code == 200 and b"hd_" in page.data
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "Rapportskript"))
    assert client.post(f"/settings/api-tokens/{token.id}/revoke").status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_docs_and_spec_are_served_under_the_csp(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0" and "/api/v1/tickets" in spec["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"<script>" not in docs.data and b"vendor/swagger-ui" in docs.data
    assert "script-src 'self'" in docs.headers["Content-Security-Policy"]
    asset = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()


def test_deactivation_through_the_api_ends_sessions_and_opens_the_removal_work(client, users, clock):
    """As on the admin pages: the account's sessions end (its version moves) and the deactivation is recorded."""
    secret = factories.api_token(users["admin"], now=clock.now(), scope="admin")
    before = users["fatima"].session_version or 0
    db.session.commit()
    off = client.post(f"/api/v1/users/{users['fatima'].id}/deactivate", headers=factories.bearer(secret))
    assert off.status_code == 200
    db.session.refresh(users["fatima"])
    assert (users["fatima"].session_version or 0) > before
    assert users["fatima"].deactivated_at is not None and users["fatima"].deactivation_source == "api"
