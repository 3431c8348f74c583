"""Polling the fetching mailboxes (EWS, Graph, IMAP)."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..database import unit_of_work
from ..extensions import db
from .fetchers import fetcher_for
from . import swallowed
from .models import Mailbox
from .batch import FAILED, ingest_batch

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
    """Ingest the fetched messages a batch per transaction, then acknowledge them to the source.

    Acknowledging comes only after the commit: a crash before it means a re-fetch, which the
    Message-ID keys record as duplicates (helpdesk.intake.batch).
    """
    count = 0
    for items in batches(fetcher.fetch()):
        results = ingest_batch(items, mailbox_id, now=clock.now(), acknowledge=fetcher.acknowledge)
        count += sum(1 for result in results if result["outcome"] != FAILED)
    return count


def batches(fetched, size: int | None = None, max_bytes: int | None = None):
    """Lists of (handle, raw) of at most size messages and about max_bytes (from the configuration)."""
    size = max(1, size or current_app.config["MAIL_INTAKE_BATCH"])
    max_bytes = max_bytes or current_app.config["MAIL_INTAKE_BATCH_BYTES"]
    items, held = [], 0
    for handle, raw in fetched:
        items.append((handle, raw))
        held += len(raw)
        if len(items) >= size or held >= max_bytes:
            yield items
            items, held = [], 0
    if items:
        yield items
