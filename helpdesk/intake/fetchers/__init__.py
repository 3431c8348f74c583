"""Mail fetchers: each channel only fetches raw bytes and acknowledges; ingest() does the rest.

A fetcher is made from a Mailbox by the factory registered for its channel and
has fetch() -> iterable of (handle, raw bytes), acknowledge(handle) and close().
acknowledge is called only after the message's ticket change has committed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from flask import current_app


class Fetcher(Protocol):
    def fetch(self) -> Iterable[tuple[object, bytes]]: ...

    def acknowledge(self, handle) -> None: ...

    def close(self) -> None: ...


FACTORIES: dict = {}
PROBES: dict = {}


def register(channel: str, factory, probe=None) -> None:
    FACTORIES[channel] = factory
    if probe is not None:
        PROBES[channel] = probe


@dataclass(frozen=True)
class Found:
    """What a connection test saw: where it logged in and how much mail waits (nothing fetched or moved)."""

    server: str
    account: str
    folder: str
    total: int
    unread: int | None = None
    processed_folder: str | None = None
    processed_exists: bool | None = None


class ProbeError(Exception):
    """A connection test found a known problem; kind names it (helpdesk.intake.probe words it)."""

    def __init__(self, kind: str, detail: str = "", **params):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind, self.params = kind, params


def probe_for(channel: str):
    """The connection test of a channel: (name, address, settings, secret, timeout=) -> Found, or None."""
    _load_channels()
    return PROBES.get(channel)


def fetcher_for(mailbox) -> Fetcher | None:
    """The fetcher for a mailbox's channel, or None for the push channel (relay: MTA pipe, LMTP)."""
    _load_channels()
    factory = FACTORIES.get(mailbox.channel)
    return factory(mailbox) if factory else None


def secret(mailbox, key: str) -> str | None:
    """A mailbox secret from configuration (HELPDESK_MAILBOX_<NAME>_<KEY>), never from the database."""
    return current_app.config.get(f"MAILBOX_{mailbox.name}_{key}".upper())


def require_offline(url: str) -> None:
    """Under TESTING, refuse to reach a mail server unless requests-mock intercepts every request."""
    import requests

    if current_app.config.get("TESTING") and not requests.Session.send.__module__.startswith("requests_mock"):
        raise RuntimeError(f"tests must not reach {url}: start requests-mock first")


def _load_channels() -> None:
    import importlib

    for module in ("imap", "ews", "graph", "folder"):
        try:
            importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{module}":
                raise
