"""The mail parser's catch-alls: a fault it tolerates is logged and counted, never silently lost.

The parser runs without the database (and in fetchers outside any transaction), so note() only
logs and keeps a per-process tally; flush() adds the tally to intake_swallowed_error in the
caller's transaction (ingest() does so for every message; the pollers after each poll).
"""

import logging
import threading
from collections import Counter

import sqlalchemy as sa

log = logging.getLogger("helpdesk.intake.swallowed")
_lock = threading.Lock()
_pending: Counter = Counter()
_last: dict[str, str] = {}


def note(site: str, error: BaseException) -> None:
    """Record that site tolerated error (call from inside the except block)."""
    text = f"{type(error).__name__}: {error}"[:500]
    log.warning("mail parser tolerated %s at %s", text, site, exc_info=log.isEnabledFor(logging.DEBUG))
    with _lock:
        _pending[site] += 1
        _last[site] = text


def pending() -> dict[str, int]:
    with _lock:
        return dict(_pending)


def flush(*, now) -> None:
    """Add what was noted since the last flush to the counters in the database (flushes, never commits)."""
    from ..extensions import db
    from .models import SwallowedError

    with _lock:
        items = [(site, n, _last.get(site, "")) for site, n in _pending.items()]
        _pending.clear()
    for site, n, last in items:
        done = db.session.execute(
            sa.update(SwallowedError).where(SwallowedError.site == site)
            .values(count=SwallowedError.count + n, last_at=now, last_error=last))
        if done.rowcount:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(SwallowedError(site=site, count=n, last_at=now, last_error=last))
        except sa.exc.IntegrityError:  # another process made the row first
            db.session.execute(
                sa.update(SwallowedError).where(SwallowedError.site == site)
                .values(count=SwallowedError.count + n, last_at=now, last_error=last))


def counts() -> list:
    """Every site's counter, most frequent first (for the mail admin page)."""
    from ..extensions import db
    from .models import SwallowedError

    return db.session.scalars(sa.select(SwallowedError).order_by(SwallowedError.count.desc(),
                                                                 SwallowedError.site)).all()
