"""Login throttling: growing delays after failed sign-ins, never a lock an attacker can keep.

Failures are counted in three scopes, each with a number of free failures and then a delay that
doubles with every further failure up to a ceiling:

- the account from this address: the guesser at one account (long ceiling);
- this address, whatever account: the guesser spraying many accounts (shorter ceiling);
- the account from anywhere: the distributed guesser (a short ceiling, so that the owner signing
  in from elsewhere waits at most a minute).

The last two are skipped for an address the account has lately signed in from successfully, so
failures elsewhere never slow the owner at her usual workstation. All of this depends on seeing
the real client address: behind a reverse proxy set TRUSTED_PROXIES (see helpdesk/proxy.py).

A sign-in attempted during a delay is refused without being checked and is not counted as a
failure, so an attacker cannot lengthen the delay by hammering. After the delay the right password
works. Every sign-in method (local password, directory, single sign-on) calls `check()` before
checking credentials and `note()` after.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import ngettext

from ..audit.services import record
from ..errors import DomainError
from ..extensions import db
from .models import LoginAttempt


class LoginRefused(DomainError):
    """Wrong credentials or too many attempts."""


class LoginThrottled(LoginRefused):
    """Too many failed sign-ins lately: try again after retry_after seconds."""

    def __init__(self, message, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Scope:
    name: str
    free: int  # failures without any delay
    ceiling: int  # seconds


def _scopes(cfg):
    return (
        Scope("account_address", cfg["LOGIN_FREE_FAILURES_PER_ACCOUNT_ADDRESS"], cfg["LOGIN_MAX_DELAY_ACCOUNT_ADDRESS"]),
        Scope("address", cfg["LOGIN_FREE_FAILURES_PER_ADDRESS"], cfg["LOGIN_MAX_DELAY_ADDRESS"]),
        Scope("account", cfg["LOGIN_FREE_FAILURES_PER_ACCOUNT"], cfg["LOGIN_MAX_DELAY_ACCOUNT"]),
    )


def delay_after(failures: int, scope: Scope, base: int) -> int:
    """Seconds to wait after this many failures in the scope."""
    if failures < scope.free:
        return 0
    return min(scope.ceiling, base * 2 ** min(failures - scope.free, 30))


def _where(scope: str, username: str, address: str):
    if scope == "account_address":
        return (LoginAttempt.username == username, LoginAttempt.address == address)
    if scope == "address":
        return (LoginAttempt.address == address,)
    return (LoginAttempt.username == username,)


def _failures(scope: str, username: str, address: str, *, now, lookback) -> tuple[int, datetime | None]:
    """Failures in the scope since its last success (within the lookback), and the latest one's time."""
    where = _where(scope, username, address)
    since = now - lookback
    if scope != "address":  # a success resets the account's counters; an address's keeps counting
        last_success = db.session.scalar(sa.select(sa.func.max(LoginAttempt.at)).where(*where, LoginAttempt.success))
        if last_success is not None and last_success > since:
            since = last_success
    count, latest = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(LoginAttempt.at))
        .where(*where, ~LoginAttempt.success, LoginAttempt.at > since)
    ).one()
    return count, latest


def _known_address(username: str, address: str, *, now, cfg) -> bool:
    since = now - timedelta(days=cfg["LOGIN_KNOWN_ADDRESS_DAYS"])
    return db.session.scalar(
        sa.select(LoginAttempt.id).where(LoginAttempt.username == username, LoginAttempt.address == address,
                                         LoginAttempt.success, LoginAttempt.at >= since).limit(1)
    ) is not None


def wait_seconds(username: str, address: str, *, now) -> int:
    """Seconds until a sign-in as username from address is checked again (0: now)."""
    cfg = current_app.config
    username = normalise(username)
    base = cfg["LOGIN_DELAY_BASE_SECONDS"]
    wait = 0.0
    known = None
    for scope in _scopes(cfg):
        if scope.name != "account_address":
            if known is None:
                known = _known_address(username, address, now=now, cfg=cfg)
            if known:
                continue
        lookback = timedelta(minutes=cfg["LOGIN_ADDRESS_LOOKBACK_MINUTES"] if scope.name == "address"
                             else cfg["LOGIN_ACCOUNT_LOOKBACK_MINUTES"])
        count, latest = _failures(scope.name, username, address, now=now, lookback=lookback)
        delay = delay_after(count, scope, base)
        if delay and latest is not None:
            wait = max(wait, (latest + timedelta(seconds=delay) - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def normalise(username: str) -> str:
    return (username or "").strip().lower()


def message(seconds: int) -> str:
    if seconds >= 120:
        minutes = math.ceil(seconds / 60)
        return ngettext("För många misslyckade inloggningar. Försök igen om %(num)s minut.",
                        "För många misslyckade inloggningar. Försök igen om %(num)s minuter.", minutes)
    return ngettext("För många misslyckade inloggningar. Försök igen om %(num)s sekund.",
                    "För många misslyckade inloggningar. Försök igen om %(num)s sekunder.", seconds)


def check(username: str, address: str, *, now, method: str = "password") -> None:
    """LoginThrottled (audited, not counted as a failure) while a delay runs; else nothing."""
    username = normalise(username)
    seconds = wait_seconds(username, address, now=now)
    if seconds:
        record("login_throttled", actor=None, now=now, address=address, username=username, method=method,
               retry_after=seconds)
        raise LoginThrottled(message(seconds), seconds)


def note(username: str, address: str, *, now, success: bool) -> None:
    """Count a checked sign-in (the caller audits it)."""
    db.session.add(LoginAttempt(at=now, username=normalise(username), address=address, success=bool(success)))
