"""Signing in through a real OpenID Connect provider (oidc-provider); every bad answer is refused, nobody touched."""

from helpdesk.clock import SystemClock
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from flask import g
from joserfc import jwt
from joserfc.jwk import RSAKey

from helpdesk.auth.methods import SignInFailed
from helpdesk.auth.methods.oidc import Provider
from helpdesk.auth.models import Role, User
from tests.directory.oidc import CLIENT_ID, OidcProvider
from tests.directory.slapd import free_port


def begin(client):
    """Press "Logga in med kommunens konto"; the provider's authorization URL."""
    g.pop("_login_user", None)
    response = client.get("/login/oidc")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def callback(client, url):
    g.pop("_login_user", None)
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def user(session, username):
    return session.scalar(sa.select(User).where(User.username == username))


def count(session):
    return session.scalar(sa.select(sa.func.count()).select_from(User))


def refused(client, response, message):
    assert response.status_code == 302 and response.location == "/login"
    g.pop("_login_user", None)
    page = client.get("/login").get_data(as_text=True)
    assert message in page, page


def test_employee_signs_in_through_the_provider_and_lands_on_the_start_page(client, oidc, session):
    authorize = begin(client)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    response = callback(client, oidc.sign_in(authorize, "sofia", "sofia-lösen"))
    assert response.status_code == 302 and response.location == "/queue"  # an agent: staff start in the queue
    sofia = user(session, "sofia.berglund")
    assert sofia.full_name == "Sofia Berglund" and sofia.auth_source == "oidc"
    assert sofia.department.name == "Socialförvaltningen" and sofia.roles == {Role.AGENT}
    g.pop("_login_user", None)
    assert "Sofia Berglund" in client.get("/").get_data(as_text=True)
    g.pop("_login_user", None)
    report = client.post("/tickets/new", content_type="multipart/form-data", data={
        "type": "incident", "system_id": "0", "subject": "Kan inte skriva ut", "description": "Skrivaren är tyst.",
        "impact": "3", "urgency": "3"})
    assert report.status_code == 302


def test_login_page_offers_the_municipal_account_first(client, oidc):
    page = client.get("/login").get_data(as_text=True)
    assert page.index("Logga in med kommunens konto") < page.index('name="username"')


def test_state_mismatch_is_refused(client, oidc, session):
    before = count(session)
    url = oidc.sign_in(begin(client), "sofia", "sofia-lösen")
    refused(client, callback(client, url.replace("state=", "state=x")), "svaret hörde inte till den här inloggningen")
    assert count(session) == before


def test_answer_without_a_started_sign_in_is_refused(app, client, oidc, session):
    url = oidc.sign_in(begin(client), "sofia", "sofia-lösen")
    other = app.test_client()  # another browser: no sign-in started there
    refused(other, callback(other, url), "svaret hörde inte till den här inloggningen")


def test_replayed_code_is_refused(client, oidc, session):
    authorize = begin(client)
    with client.session_transaction() as stored:
        pending = dict(stored)  # what the session holds for this sign-in
    url = oidc.sign_in(authorize, "sofia", "sofia-lösen")
    assert callback(client, url).location == "/queue"
    g.pop("_login_user", None)
    client.post("/logout")
    with client.session_transaction() as stored:
        stored["_oidc"] = pending["_oidc"]  # even with the same session data, the provider refuses the code
    before = count(session)
    refused(client, callback(client, url), "koden var redan använd eller för gammal")
    assert count(session) == before


def test_expired_id_token_is_refused(client, oidc, clock, session):
    url = oidc.sign_in(begin(client), "sofia", "sofia-lösen")
    clock.advance(hours=2)  # the id_token lives an hour
    before = count(session)
    refused(client, callback(client, url), "har gått ut")
    assert count(session) == before


def test_nonce_mismatch_is_refused(client, oidc, session):
    authorize = begin(client)
    url = oidc.sign_in(authorize, "sofia", "sofia-lösen")
    with client.session_transaction() as stored:
        pending = stored["_oidc"]
        pending["nonce"] = "another-nonce"
        stored["_oidc"] = pending
    refused(client, callback(client, url), "inloggningstjänstens svar var inte giltigt")
    assert user(session, "sofia.berglund") is None


def test_another_tenant_is_refused(client, oidc, session):
    before = count(session)
    refused(client, callback(client, oidc.sign_in(begin(client), "mallory", "mallory-lösen")),
            "hör till en organisation som inte får logga in här")
    assert count(session) == before


def test_wrongly_signed_id_token_is_refused(app, oidc, clock, session):
    provider = Provider.from_app()
    kid = provider.keys().keys[0].kid
    forged = RSAKey.generate_key(2048, parameters={"kid": kid})  # the provider's key id, another key
    now = int(clock.now().timestamp())
    token = jwt.encode({"alg": "RS256", "kid": kid}, {
        "iss": oidc.issuer, "aud": CLIENT_ID, "sub": "x", "nonce": "n", "iat": now, "exp": now + 600,
        "tid": "11111111-2222-3333-4444-555555555555"}, forged)
    try:
        provider.verify(token, nonce="n", now=clock.now())
    except SignInFailed as error:
        assert "inte giltigt" in error.message
    else:
        raise AssertionError("a forged id_token was accepted")


def test_unsigned_id_token_is_refused(app, oidc, clock):
    import base64
    import json

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(clock.now().timestamp())
    token = part({"alg": "none"}) + "." + part({"iss": oidc.issuer, "aud": CLIENT_ID, "sub": "x", "nonce": "n",
                                                "exp": now + 600}) + "."
    try:
        Provider.from_app().verify(token, nonce="n", now=clock.now())
    except SignInFailed:
        pass
    else:
        raise AssertionError("alg none was accepted")


def test_provider_key_rotation_is_followed(client, oidc, session):
    assert callback(client, oidc.sign_in(begin(client), "sofia", "sofia-lösen")).location == "/queue"
    g.pop("_login_user", None)
    client.post("/logout")
    oidc.rotate()  # the app still holds the old key; the new token names a key it has not seen
    assert callback(client, oidc.sign_in(begin(client), "sofia", "sofia-lösen")).location == "/queue"


def test_provider_down_is_a_clear_message(app, client, oidc, session):
    app.config["OIDC_ISSUER"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    g.pop("_login_user", None)
    response = client.get("/login/oidc")
    refused(client, response, "Kommunens inloggningstjänst svarar inte just nu")


def test_provider_going_down_between_redirect_and_callback(app, client, session):
    """The provider answers the start, then is gone when the desk redeems the code."""
    provider = OidcProvider().start()
    saved = {k: app.config.get(k) for k in (*provider.settings(), "AUTH_METHODS")}
    try:
        app.config.update(provider.settings(), AUTH_METHODS=["oidc", "local"])
        app.extensions["helpdesk.clock"].set(SystemClock().now().replace(microsecond=0))
        url = provider.sign_in(begin(client), "sofia", "sofia-lösen")
    finally:
        provider.stop()
    try:
        refused(client, callback(client, url), "Kommunens inloggningstjänst svarar inte just nu")
        assert user(session, "sofia.berglund") is None
    finally:
        app.config.update(saved)


def test_discovery_only_over_loopback_in_tests(app, oidc):
    app.config["OIDC_ISSUER"] = "https://login.microsoftonline.com/x/v2.0"
    try:
        Provider.from_app()
    except RuntimeError as error:
        assert "this machine" in str(error)
    else:
        raise AssertionError("a remote issuer was allowed under TESTING")
