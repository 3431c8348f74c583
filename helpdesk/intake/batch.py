"""Taking in a fetched batch of mail in one transaction, acknowledging only after its commit.

One commit for a batch (50–200 messages) instead of one per message: the fixed cost of a
transaction (BEGIN IMMEDIATE, the WAL commit, the outbox composed at commit, lookups
that the session's identity map then answers once) is shared. The rules stay those of
one message at a time:

- a message is acknowledged to its source (IMAP move, file move, Graph/EWS move) only
  after the commit that holds its ticket change; a crash in between makes the source
  hand it over again, and its Message-ID key records it as a duplicate (exactly once);
- a message the pipeline cannot handle is quarantined inside ingest() (a savepoint), as
  before; should anything else fail the batch's transaction, the batch is taken in
  again one message per transaction, so the other messages are not held back by it,
  and a message that fails alone too stays unacknowledged at its source;
- a database that is away or locked fails the batch with nothing acknowledged: the
  caller stops and the next poll fetches the same messages again.
"""

import logging

from sqlalchemy.exc import InterfaceError, OperationalError

from .. import reference
from ..database import unit_of_work
from ..extensions import db
from .models import Mailbox
from .services import ingest

log = logging.getLogger(__name__)
DATABASE_AWAY = (OperationalError, InterfaceError)
FAILED = "failed"  # not an Outcome: nothing was recorded, the source keeps the message


def ingest_batch(items, mailbox_id, *, now, acknowledge) -> list[dict]:
    """Take in [(handle, raw), ...] in one transaction, then acknowledge each handle; IngestResult.as_dict()
    of each, in order.

    Falls back to one transaction per message when the batch's transaction fails for any reason
    other than the database being away (which is raised, with nothing acknowledged).
    """
    if not items:
        return []
    try:
        with unit_of_work(), reference.scope():
            mailbox = db.session.get(Mailbox, mailbox_id) if mailbox_id else None
            results = [ingest(raw, mailbox, now=now).as_dict() for _handle, raw in items]
    except DATABASE_AWAY:
        raise
    except Exception:  # one message broke the shared transaction: take them in one by one
        log.exception("intake batch of %d failed; taking its messages in one at a time", len(items))
        return [ingest_one(handle, raw, mailbox_id, now=now, acknowledge=acknowledge) for handle, raw in items]
    for handle, _raw in items:
        acknowledge(handle)  # only after the commit: a crash before here means a re-fetch, then duplicates
    return results


def ingest_one(handle, raw, mailbox_id, *, now, acknowledge) -> dict:
    """One message in its own transaction, acknowledged after its commit.

    A message that fails even alone (outside the pipeline's own quarantine, say the disk is full)
    is logged and left unacknowledged at its source for the next poll: never lost, never half in.
    """
    try:
        with unit_of_work(), reference.scope():
            mailbox = db.session.get(Mailbox, mailbox_id) if mailbox_id else None
            result = ingest(raw, mailbox, now=now).as_dict()
    except DATABASE_AWAY:
        raise
    except Exception as error:
        log.exception("intake failed on one message; it stays at its source for the next poll")
        return failed(error)
    acknowledge(handle)
    return result


def failed(error: BaseException) -> dict:
    """What a message not taken in reports in place of IngestResult.as_dict()."""
    return {"message_id": None, "outcome": FAILED, "ticket": None, "automatic": None, "acknowledged": False,
            "reason": f"{type(error).__name__}: {error}"[:500]}
