"""Polling the fetching mailboxes (EWS, Graph, IMAP)."""

import logging
from datetime import timedelta

import sqlalchemy as sa

from ..database import unit_of_work
from ..extensions import db
from .fetchers import fetcher_for
from . import swallowed
from .models import Mailbox
from .services import ingest

log = logging.getLogger(__name__)


def fetch_mailboxes(clock) -> int:
    """Fetch every mailbox that is due; returns how many messages were taken in."""
    now = clock.now()
    mailboxes = db.session.scalars(sa.select(Mailbox).where(Mailbox.is_active).order_by(Mailbox.id)).all()
    taken = 0
    for mailbox in mailboxes:
        if mailbox.last_polled_at and mailbox.last_polled_at + timedelta(seconds=mailbox.poll_seconds) > now:
            continue
        try:
            fetcher = fetcher_for(mailbox)
        except Exception:  # a misconfigured mailbox must not stop the others
            log.exception("mailbox %s cannot be fetched", mailbox.name)
            continue
        if fetcher is None:
            continue
        try:
            taken += drain(fetcher, mailbox.id, clock)
        except Exception:  # a broken connection waits for the next poll
            log.exception("fetching %s failed", mailbox.name)
        finally:
            fetcher.close()
        with unit_of_work():
            db.session.get(Mailbox, mailbox.id).last_polled_at = now
            swallowed.flush(now=now)  # what the fetcher tolerated (a broken logout...)
    return taken


def drain(fetcher, mailbox_id, clock) -> int:
    """Ingest each fetched message in its own transaction, then acknowledge it to the source."""
    count = 0
    for handle, raw in fetcher.fetch():
        with unit_of_work():
            ingest(raw, db.session.get(Mailbox, mailbox_id) if mailbox_id else None, now=clock.now())
        fetcher.acknowledge(handle)  # only after the commit: a crash before here means a re-fetch
        count += 1
    return count
