"""The guard that keeps tests on this machine: real network clients refuse other hosts under TESTING."""

import ipaddress

from flask import current_app


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_remote_in_tests(host: str, what: str) -> None:
    """Raise when a test would reach a host other than this machine."""
    if current_app.config.get("TESTING") and not is_loopback(host):
        raise RuntimeError(f"tests may only use {what} on this machine, not {host!r}")
