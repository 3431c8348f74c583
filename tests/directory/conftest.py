"""The test slapd (one per session) and the app configured for it."""

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
