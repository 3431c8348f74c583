"""Fixtures for the intake tests: a real Dovecot for the IMAP fetcher."""

import os
import subprocess

import pytest

from tests.intake.dovecot import DOVECOT, Dovecot


@pytest.fixture(scope="session")
def dovecot():
    """One Dovecot 2.3 on 127.0.0.1 for the whole session (Debian package dovecot-imapd)."""
    if not os.access(DOVECOT, os.X_OK):
        pytest.skip("Dovecot is not installed: apt-get install dovecot-imapd")
    version = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, check=True).stdout
    if not version.startswith("2.3."):
        pytest.fail(f"tests/intake/dovecot.py writes a Dovecot 2.3 configuration; found {version}")
    server = Dovecot()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def imap(dovecot):
    """The Dovecot with an empty mailbox (no mail, no Processed folder)."""
    dovecot.reset()
    return dovecot
