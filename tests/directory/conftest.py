"""The test slapd (one per session) and the app configured for it."""

from helpdesk.clock import SystemClock
import os

import pytest

from tests.directory.slapd import RULES, SLAPD, Slapd


@pytest.fixture(scope="session")
def slapd():
    if not os.path.exists(SLAPD):
        pytest.skip(f"OpenLDAP's slapd is not installed at {SLAPD} (apt-get install slapd ldap-utils)")
    server = Slapd().start()
    yield server
    server.stop()


@pytest.fixture
def ldap(app, slapd):
    """The app signs in through the test slapd first, local accounts second, with the test's group rules."""
    saved = {key: app.config.get(key) for key in (*slapd.settings(), "AUTH_METHODS", "DIRECTORY_GROUP_RULES")}
    app.config.update(slapd.settings(), AUTH_METHODS=["ldap", "local"], DIRECTORY_GROUP_RULES=RULES)
    yield slapd
    app.config.update(saved)


@pytest.fixture(scope="session")
def oidc_provider():
    from tests.directory.oidc import PACKAGE, OidcProvider, node

    if node() is None or not PACKAGE.exists():
        pytest.skip("node or the npm package oidc-provider is missing (run `npm ci` in the repository root)")
    provider = OidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc(app, oidc_provider, clock):
    """The app signs in through the test provider, with the test's group rules; the clock at the real time."""

    saved = {key: app.config.get(key) for key in (*oidc_provider.settings(), "AUTH_METHODS", "DIRECTORY_GROUP_RULES")}
    app.config.update(oidc_provider.settings(), AUTH_METHODS=["oidc", "local"], DIRECTORY_GROUP_RULES=RULES)
    # The provider stamps its tokens with the machine's time; the app checks expiry against its own clock.
    clock.set(SystemClock().now().replace(microsecond=0))
    yield oidc_provider
    app.config.update(saved)
