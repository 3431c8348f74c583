"""OpenID Connect (Entra ID, ADFS, any certified provider): authorization code with PKCE.

Authlib's OAuth 2.0 client builds the request and redeems the code; the
id_token is checked here with joserfc (Authlib's own successor for JOSE):
signature from the provider's JWKS (fetched again once when a token names an
unknown key, so key rotation needs no restart), issuer, audience, nonce,
expiry, and the tenant against the allow-list.
"""

import logging
import secrets
import threading
import time
from urllib.parse import urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.integrations.base_client.errors import OAuthError
from flask import current_app
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ...netguard import refuse_remote_in_tests
from . import DirectoryUnavailable, Identity, SignInFailed, text, values

log = logging.getLogger(__name__)
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]  # never "none" or HMAC
DEFAULT_CLAIMS = {
    "id": "oid", "username": "preferred_username", "full_name": "name", "email": "email",
    "department": "department", "groups": "groups", "tenant": "tid",
}
CACHE_SECONDS = 3600
_cache: dict = {}
_lock = threading.Lock()


def claim_map(config) -> dict:
    return {**DEFAULT_CLAIMS, **(config.get("OIDC_CLAIMS") or {})}


def _unavailable(error) -> DirectoryUnavailable:
    log.warning("OpenID provider unavailable: %s", error)
    return DirectoryUnavailable(_("Kommunens inloggningstjänst svarar inte just nu. Försök igen om en stund."))


class Provider:
    """The configured provider; discovery and keys are cached per issuer."""

    def __init__(self, config):
        if not config.get("OIDC_ISSUER") or not config.get("OIDC_CLIENT_ID"):
            raise DirectoryUnavailable(_("Inloggning med kommunens konto är inte inställd."))
        self.config = config
        self.issuer = config["OIDC_ISSUER"].rstrip("/")
        self.timeout = config.get("OIDC_TIMEOUT", 10)
        refuse_remote_in_tests(urlsplit(self.issuer).hostname or "", "OpenID Connect")

    @classmethod
    def from_app(cls):
        return cls(current_app.config)

    def _get(self, url) -> dict:
        refuse_remote_in_tests(urlsplit(url).hostname or "", "OpenID Connect")
        try:
            response = requests.get(url, timeout=self.timeout)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as error:
            raise _unavailable(error) from error

    def metadata(self) -> dict:
        key = ("meta", self.issuer)
        with _lock:
            cached = _cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        meta = self._get(self.issuer + "/.well-known/openid-configuration")
        if (meta.get("issuer") or "").rstrip("/") != self.issuer:
            log.error("OpenID discovery names issuer %r, configured %r", meta.get("issuer"), self.issuer)
            raise DirectoryUnavailable(_("Inloggningstjänsten är felaktigt inställd (utfärdaren stämmer inte)."))
        with _lock:
            _cache[key] = (time.monotonic() + CACHE_SECONDS, meta)
        return meta

    def keys(self, refresh=False) -> KeySet:
        key = ("jwks", self.issuer)
        with _lock:
            cached = _cache.get(key)
        if cached and not refresh and cached[0] > time.monotonic():
            return cached[1]
        try:
            keyset = KeySet.import_key_set(self._get(self.metadata()["jwks_uri"]))
        except (JoseError, KeyError, ValueError, TypeError) as error:
            raise _unavailable(error) from error
        with _lock:
            _cache[key] = (time.monotonic() + CACHE_SECONDS, keyset)
        return keyset

    def _client(self, redirect_uri) -> OAuth2Session:
        return OAuth2Session(self.config["OIDC_CLIENT_ID"], self.config.get("OIDC_CLIENT_SECRET"),
                             scope=self.config.get("OIDC_SCOPES", "openid profile email"),
                             redirect_uri=redirect_uri, code_challenge_method="S256",
                             token_endpoint_auth_method="client_secret_basic")

    def begin(self, redirect_uri) -> tuple[str, dict]:
        """The provider's authorization URL and what the session must keep until the callback."""
        pending = {"state": secrets.token_urlsafe(32), "nonce": secrets.token_urlsafe(32),
                   "verifier": secrets.token_urlsafe(64)}
        url, _state = self._client(redirect_uri).create_authorization_url(
            self.metadata()["authorization_endpoint"], state=pending["state"], nonce=pending["nonce"],
            code_verifier=pending["verifier"])
        return url, pending

    def complete(self, args, pending: dict | None, redirect_uri, *, now) -> Identity:
        """The identity behind the provider's answer to our request, or SignInFailed."""
        if not pending or not args.get("state") or not secrets.compare_digest(args.get("state", ""), pending["state"]):
            raise SignInFailed(_("Inloggningen kunde inte slutföras: svaret hörde inte till den här inloggningen. Försök igen."))
        if args.get("error"):
            log.info("OpenID provider answered %s: %s", args.get("error"), args.get("error_description"))
            raise SignInFailed(_("Inloggningstjänsten avbröt inloggningen. Försök igen."))
        if not args.get("code"):
            raise SignInFailed(_("Inloggningen kunde inte slutföras. Försök igen."))
        try:
            token = self._client(redirect_uri).fetch_token(
                self.metadata()["token_endpoint"], code=args["code"], code_verifier=pending["verifier"],
                timeout=self.timeout)
        except OAuthError as error:  # a replayed or expired code: invalid_grant
            log.info("OpenID code refused: %s", error)
            raise SignInFailed(_("Inloggningen kunde inte slutföras: koden var redan använd eller för gammal. Försök igen."))
        except requests.RequestException as error:
            raise _unavailable(error) from error
        if not token.get("id_token"):
            raise SignInFailed(_("Inloggningen kunde inte slutföras. Försök igen."))
        claims = self.verify(token["id_token"], nonce=pending["nonce"], now=now)
        return self.identity(claims)

    def verify(self, id_token: str, *, nonce: str, now) -> dict:
        """The id_token's claims when signature, issuer, audience, nonce, expiry and tenant all hold."""
        refused = SignInFailed(_("Inloggningen kunde inte slutföras: inloggningstjänstens svar var inte giltigt."))
        try:
            try:
                token = jwt.decode(id_token, self.keys(), algorithms=ALGORITHMS)
            except (JoseError, ValueError):  # perhaps a key the provider rotated in since we fetched
                token = jwt.decode(id_token, self.keys(refresh=True), algorithms=ALGORITHMS)
        except (JoseError, ValueError) as error:
            log.warning("id_token refused: %s", error)
            raise refused from error
        registry = jwt.JWTClaimsRegistry(
            now=int(now.timestamp()), leeway=60,
            iss={"essential": True, "value": self.issuer}, aud={"essential": True, "value": self.config["OIDC_CLIENT_ID"]},
            nonce={"essential": True, "value": nonce}, exp={"essential": True}, sub={"essential": True})
        try:
            registry.validate(token.claims)
        except JoseError as error:
            log.warning("id_token claims refused: %s", error)
            if "exp" in str(error) or "expired" in str(error).lower():
                raise SignInFailed(_("Inloggningen tog för lång tid och har gått ut. Försök igen.")) from error
            raise refused from error
        claims = token.claims
        if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and claims.get("azp") != self.config["OIDC_CLIENT_ID"]:
            raise refused
        allowed = self.config.get("OIDC_ALLOWED_TENANTS") or []
        if isinstance(allowed, str):
            allowed = [allowed]
        tenant = text(claims.get(claim_map(self.config)["tenant"]))
        if allowed and tenant not in allowed:
            log.warning("sign-in from tenant %r refused", tenant)
            raise SignInFailed(_("Ditt konto hör till en organisation som inte får logga in här."))
        return claims

    def identity(self, claims) -> Identity:
        names = claim_map(self.config)

        def get(name):
            return claims.get(names[name]) if names.get(name) else None

        # Entra's preferred_username is the UPN (anna.lindqvist@exempelby.se): the desk keeps the part before @.
        username = (text(get("username")) or text(claims.get("sub")) or "").lower().split("@")[0]
        email = (text(get("email")) or "").lower() or None
        return Identity(source="oidc", key=text(get("id")) or text(claims["sub"]), username=username,
                        full_name=text(get("full_name")) or username, email=email,
                        department=text(get("department")), groups=values(get("groups")),
                        tenant=text(get("tenant")))
