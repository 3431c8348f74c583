"""Per-recipient rate limits on automatic mail, counted once per transaction."""

import sqlalchemy as sa

from ..database import kept_for_transaction
from ..extensions import db
from .models import OutboundMessage

RATE_COUNTS_KEY = "helpdesk_rate_counts"


def recent_rate_count(rate_key: str, since) -> int:
    """Outbox rows with rate_key created at or after since, this transaction's own included.

    Counted once per key and transaction, then kept up to date by queue_mail (note_rate_key): a batch
    of mail asks for every new ticket, twice (before creating it, and when its acknowledgement is
    composed). Rows this transaction has not flushed yet are counted from the session, so the count
    needs no flush. A rollback, also of one message's savepoint, forgets the counts.
    """
    counts = db.session.info.setdefault(RATE_COUNTS_KEY, {})
    found = counts.get((rate_key, since))
    if found is None:
        with db.session.no_autoflush:
            found = db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage).where(
                OutboundMessage.rate_key == rate_key, OutboundMessage.created_at >= since))
        found += sum(1 for o in db.session.new if isinstance(o, OutboundMessage)
                     and o.rate_key == rate_key and o.created_at is not None and o.created_at >= since)
        counts[(rate_key, since)] = found
    return found


def note_rate_key(rate_key: str, created_at) -> None:
    """An outbox row with rate_key was just added: count it in the transaction's kept counts."""
    counts = db.session.info.get(RATE_COUNTS_KEY)
    for key, since in list(counts or ()):
        if key == rate_key and created_at >= since:
            counts[(key, since)] += 1


kept_for_transaction(RATE_COUNTS_KEY)
