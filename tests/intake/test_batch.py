"""ingest_batch(): a fetched batch in one transaction, acknowledged only after its commit."""

import sqlalchemy as sa

from helpdesk.intake import batch as batches
from helpdesk.intake.batch import ingest_batch
from helpdesk.intake.jobs import drain
from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.notifications.models import OutboundMessage
from helpdesk.tickets.models import Ticket
from tests.intake.builders import mail, message_id_of


class Source:
    """A fetcher over a list of raw messages; acknowledge may crash once, as a process killed after commit."""

    def __init__(self, raws, crash_on_acknowledge=False):
        self.waiting = dict(enumerate(raws))
        self.acknowledged = []
        self.crash = crash_on_acknowledge

    def fetch(self):
        return list(self.waiting.items())

    def acknowledge(self, handle):
        if self.crash:
            self.crash = False
            raise RuntimeError("killed between commit and acknowledge")
        self.acknowledged.append(handle)
        del self.waiting[handle]

    def close(self):
        pass


def box_id(session):
    return session.scalar(sa.select(Mailbox.id).where(Mailbox.name == "servicedesk"))


def records(session):
    return session.scalars(sa.select(InboundMessage).order_by(InboundMessage.id)).all()


def count(session, model):
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_batch_is_acknowledged_only_after_its_commit(session, clock, users):
    raws = [mail(subject=f"Fel {n}", sender=f"person{n}@exempelby.se") for n in range(4)]
    seen_committed = []

    def acknowledge(handle):  # the batch's rows must be there (committed) when the source hears back
        seen_committed.append(count(session, InboundMessage))

    results = ingest_batch(list(enumerate(raws)), box_id(session), now=clock.now(), acknowledge=acknowledge)
    assert [r["outcome"] for r in results] == ["created"] * 4
    assert seen_committed == [4, 4, 4, 4]
    assert len({r["ticket"] for r in results}) == 4


def test_crash_between_batch_commit_and_acknowledge_gives_duplicates_not_second_tickets(session, clock, users):
    raws = [mail(subject=f"Fel {n}", sender=f"person{n}@exempelby.se") for n in range(5)]
    source = Source(raws, crash_on_acknowledge=True)
    tickets_before = count(session, Ticket)
    try:
        drain(source, box_id(session), clock)
    except RuntimeError:
        pass
    assert source.acknowledged == [] and len(source.waiting) == 5  # the source still holds all five
    assert count(session, Ticket) == tickets_before + 5

    assert drain(source, box_id(session), clock) == 5  # the restart takes them in again
    assert source.waiting == {}
    assert count(session, Ticket) == tickets_before + 5
    outcomes = {}
    for record in records(session):
        outcomes.setdefault(record.message_id, []).append((record.outcome, record.ticket_id))
    assert set(outcomes) == {message_id_of(raw) for raw in raws}
    for (first, ticket), (second, same) in outcomes.values():
        assert (first, second) == ("created", "duplicate") and ticket == same


def test_same_message_twice_in_one_batch_is_one_ticket(session, clock, users):
    raw = mail(subject="Två gånger")
    results = ingest_batch([(1, raw), (2, raw)], box_id(session), now=clock.now(), acknowledge=lambda h: None)
    assert [r["outcome"] for r in results] == ["created", "duplicate"]
    assert results[0]["ticket"] == results[1]["ticket"]


def test_quarantined_message_does_not_hold_back_its_batch(session, clock, users):
    raws = [mail(subject="Före"), mail(sender="", subject="Utan avsändare"), mail(subject="Efter")]
    acknowledged = []
    results = ingest_batch(list(enumerate(raws)), box_id(session), now=clock.now(), acknowledge=acknowledged.append)
    assert [r["outcome"] for r in results] == ["created", "quarantined", "created"]
    assert acknowledged == [0, 1, 2]  # kept and quarantined is taken in: an admin releases it


def test_message_that_breaks_the_batch_leaves_the_others_taken_in_and_stays_at_its_source(
        session, clock, users, monkeypatch):
    raws = [mail(subject=f"Fel {n}", sender=f"person{n}@exempelby.se") for n in range(4)]
    poison = raws[2]
    real_ingest = batches.ingest

    def ingest(raw, mailbox, *, now):
        if raw == poison:
            raise OSError("disk full while keeping the raw mail")
        return real_ingest(raw, mailbox, now=now)

    monkeypatch.setattr(batches, "ingest", ingest)
    source = Source(raws)
    assert drain(source, box_id(session), clock) == 3
    assert list(source.waiting) == [2]  # not acknowledged: the next poll brings it again
    assert sorted(r.message_id for r in records(session)) == sorted(message_id_of(r) for i, r in enumerate(raws)
                                                                    if i != 2)
    assert all(r.outcome == "created" for r in records(session))

    monkeypatch.setattr(batches, "ingest", real_ingest)
    assert drain(source, box_id(session), clock) == 1 and source.waiting == {}


def test_acknowledgement_rate_limit_holds_within_one_batch(app, session, clock, users):
    limit = app.config["MAIL_ACK_LIMIT_PER_HOUR"]
    raws = [mail(subject=f"Loop {n}", sender="loop@example.org") for n in range(limit + 3)]
    results = ingest_batch(list(enumerate(raws)), box_id(session), now=clock.now(), acknowledge=lambda h: None)
    assert [r["outcome"] for r in results] == ["created"] * len(raws)
    assert sum(r["acknowledged"] for r in results) == limit
    acks = session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage).where(
        OutboundMessage.kind == "acknowledgement", OutboundMessage.ticket_id.in_([r["ticket"] for r in results])))
    assert acks == limit



def test_acknowledgement_rate_counts_forget_a_message_rolled_back_after_its_acknowledgement(
        app, session, clock, users, monkeypatch):
    from helpdesk.notifications import compose

    limit = app.config["MAIL_ACK_LIMIT_PER_HOUR"]
    raws = [mail(subject=f"Loop {n}", sender="loop@example.org") for n in range(limit + 2)]
    real_tell_group, calls = compose._tell_group, []

    def tell_group(session_, ticket, now):  # the first message fails after its acknowledgement was queued
        calls.append(ticket.id)
        if len(calls) == 1:
            raise RuntimeError("template broken")
        real_tell_group(session_, ticket, now)

    monkeypatch.setattr(compose, "_tell_group", tell_group)
    results = ingest_batch(list(enumerate(raws)), box_id(session), now=clock.now(), acknowledge=lambda h: None)
    assert [r["outcome"] for r in results] == ["quarantined"] + ["created"] * (limit + 1)
    acks = session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage).where(
        OutboundMessage.kind == "acknowledgement", OutboundMessage.rate_key == "ack:loop@example.org"))
    assert acks == limit  # the rolled-back acknowledgement is not counted against the sender
    assert sum(r["acknowledged"] for r in results) == limit


def test_acknowledgement_rate_limit_counts_earlier_batches(app, session, clock, users):
    limit = app.config["MAIL_ACK_LIMIT_PER_HOUR"]
    first = [mail(subject=f"Loop {n}", sender="loop@example.org") for n in range(limit - 1)]
    ingest_batch(list(enumerate(first)), box_id(session), now=clock.now(), acknowledge=lambda h: None)
    clock.advance(minutes=5)
    second = [mail(subject=f"Loop igen {n}", sender="Loop@Example.org") for n in range(3)]
    results = ingest_batch(list(enumerate(second)), box_id(session), now=clock.now(), acknowledge=lambda h: None)
    assert [r["acknowledged"] for r in results] == [True, False, False]
