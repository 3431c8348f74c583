"""Carrying out retention: approved runs and automatic rules, batch by batch, each batch its own transaction."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from .. import leases
from ..audit.services import record
from ..auth.models import User
from ..database import unit_of_work
from ..extensions import db
from . import queries, services
from .models import RetentionAction, RetentionRule, RetentionRun, RetentionRunTicket, RunStatus
from .purge import destroy_tickets, pseudonym, pseudonymise_tickets, remove_unreferenced

log = logging.getLogger(__name__)
LEASE_TTL = timedelta(minutes=30)  # renewed after every batch


class LeaseLost(Exception):
    """Another process took over the rule's lease: stop rather than work beside it."""


def apply_retention(clock) -> int:
    """Carry out the approved runs and the automatic rules that reach something; returns tickets handled."""
    now = clock.now()
    handled = sum(execute_run(run_id, clock) for run_id in queries.approved_run_ids())
    due = [(rule.id, queries.Terms.of_rule(rule, now)) for rule in queries.active_rules(automatic_only=True)]
    db.session.rollback()  # end the read transaction
    for rule_id, terms in due:
        if not queries.has_due(terms) or not leases.acquire(lease_name(terms), now=clock.now(), ttl=LEASE_TTL):
            continue
        try:
            with unit_of_work():
                run = services.start_automatic_run(db.session.get(RetentionRule, rule_id), now=now)
            handled += execute_run(run.id, clock, leased=True)
        finally:
            leases.release(lease_name(terms))
    return handled


def lease_name(terms) -> str:
    """One lease per organisation and ticket type: two runs never work the same tickets at once."""
    return f"retention:{terms.organisation_id}:{terms.ticket_type}"


def execute_run(run_id: int, clock, *, leased: bool = False, batch_size: int | None = None) -> int:
    """Carry out one approved run and complete its protocol; returns how many tickets it handled."""
    run = db.session.get(RetentionRun, run_id)
    terms = queries.Terms.of_run(run)
    db.session.rollback()
    name = lease_name(terms)
    if not leased and not leases.acquire(name, now=clock.now(), ttl=LEASE_TTL):
        return 0  # another process works these tickets; the run stays approved for the next turn
    try:
        with unit_of_work():
            claimed = db.session.execute(
                sa.update(RetentionRun).where(RetentionRun.id == run_id, RetentionRun.status == RunStatus.APPROVED)
                .values(status=RunStatus.RUNNING, started_at=clock.now())).rowcount
        if not claimed:
            return 0
        return _work(run_id, terms, clock, batch_size or current_app.config.get("RETENTION_BATCH_SIZE", 500))
    finally:
        if not leased:
            leases.release(name)


def _work(run_id, terms, clock, batch_size) -> int:
    # The clock is read per batch, not once: a run over a million tickets lasts long enough for
    # its lease to need renewing, and the protocol records when the run really finished.
    reference = db.session.get(RetentionRun, run_id).decision_reference
    handled, after = 0, None
    try:
        while True:
            with unit_of_work():
                now = clock.now()
                rows = queries.due_batch(terms, after=after, limit=batch_size)
                if not rows:
                    break
                numbers = [number for number, _closed in rows]
                if terms.action == RetentionAction.DESTROY:
                    leftovers = destroy_tickets(numbers)
                else:
                    leftovers = pseudonymise_tickets(numbers, person_id=pseudonym(now).id, now=now,
                                                     reference=reference)
                db.session.execute(sa.insert(RetentionRunTicket), [
                    {"run_id": run_id, "ticket_number": number, "closed_at": closed} for number, closed in rows])
                db.session.execute(sa.update(RetentionRun).where(RetentionRun.id == run_id)
                                   .values(count=RetentionRun.count + len(rows)))
            handled += len(rows)
            remove_unreferenced(leftovers)  # only now that the batch has committed
            after = queries.next_after(rows)
            if not leases.acquire(lease_name(terms), now=clock.now(), ttl=LEASE_TTL):
                raise LeaseLost(lease_name(terms))
            leases.keep_alive(clock.now())  # the scheduler's job lease too
        _finish(run_id, clock, status=RunStatus.DONE)
    except Exception as error:  # the committed batches stay done and listed; the run says where it stopped
        log.exception("retention run %s failed after %s tickets", run_id, handled)
        _finish(run_id, clock, status=RunStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
    return handled


def _finish(run_id, clock, *, status, error="") -> None:
    with unit_of_work():
        run = db.session.get(RetentionRun, run_id)
        run.status, run.finished_at, run.error = status, clock.now(), error
        approver = db.session.get(User, run.approved_by_id) if run.approved_by_id else None
        record(f"retention_run_{status}", actor=approver, now=run.finished_at, object_type="retention_run",
               object_id=run.id, retention_action=run.action, decision_reference=run.decision_reference,
               count=run.count)
