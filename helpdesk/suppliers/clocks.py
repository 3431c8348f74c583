"""The supplier's clocks of an escalation, derived from the ticket's history like the internal ones.

The response clock runs in the contract's service hours from the escalation to
the supplier's first reply; the resolution clock to the moment the supplier's
part was marked done, or the ticket was solved or closed, whichever is first.
Pure given the events (helpdesk.sla.engine does the walking); the columns on
the escalation are only a cache of the result.
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from ..extensions import db
from ..sla.engine import RUN, ClockState, clock
from ..sla.services import business_calendar
from ..tickets.models import TicketEvent

ESCALATED, REPLY, RESOLVED, CASE = "supplier:escalated", "supplier:reply", "supplier:resolved", "supplier:case"
ENDING_STATUSES = ("solved", "closed")


@dataclass
class SupplierClocks:
    response: ClockState
    resolution: ClockState
    responded_at: object
    resolved_at: object


def derive(*, escalated_at, replies, resolved, calendar, response_target, resolution_target) -> SupplierClocks:
    """Both clocks of one escalation from its moments (replies and resolved: datetimes)."""
    stretches = [(escalated_at, None, "supplier")]
    rules = {"supplier": RUN}
    responded_at = min((r for r in replies if r >= escalated_at), default=None)
    resolved_at = min((r for r in resolved if r >= escalated_at), default=None)
    return SupplierClocks(
        response=clock(stretches, rules, response_target, calendar, stop_at=responded_at),
        resolution=clock(stretches, rules, resolution_target, calendar, stop_at=resolved_at),
        responded_at=responded_at, resolved_at=resolved_at)


def moments(escalation) -> tuple[list, list]:
    """(replies, resolved) of one escalation from the ticket's events."""
    rows = db.session.execute(
        sa.select(TicketEvent.kind, TicketEvent.at, TicketEvent.new_value)
        .where(TicketEvent.ticket_id == escalation.ticket_id,
               TicketEvent.kind.in_((REPLY, RESOLVED, "status")))
        .order_by(TicketEvent.id)).all()
    own = str(escalation.id)
    replies = [r.at for r in rows if r.kind == REPLY and r.new_value == own]
    resolved = [r.at for r in rows if (r.kind == RESOLVED and r.new_value == own)
                or (r.kind == "status" and r.new_value in ENDING_STATUSES)]
    return replies, resolved


def clocks_of(escalation) -> SupplierClocks:
    """The escalation's clocks, computed from history now."""
    contract = escalation.contract
    replies, resolved = moments(escalation)
    return derive(escalated_at=escalation.escalated_at, replies=replies, resolved=resolved,
                  calendar=business_calendar(contract.calendar),
                  response_target=timedelta(minutes=contract.response_minutes),
                  resolution_target=timedelta(minutes=contract.resolution_minutes))


def cached_fields(clocks: SupplierClocks) -> dict:
    """The escalation's cache columns from its clocks."""
    def facts(state, stopped):
        return (int(state.elapsed.total_seconds()) if stopped else None,
                state.breached_at is None if stopped else None,
                state.breached_at or (state.due_at if state.running else None))

    r_seconds, r_met, r_breach = facts(clocks.response, clocks.responded_at)
    s_seconds, s_met, s_breach = facts(clocks.resolution, clocks.resolved_at)
    return {"responded_at": clocks.responded_at, "response_seconds": r_seconds, "response_met": r_met,
            "response_breach_at": r_breach, "resolved_at": clocks.resolved_at, "resolution_seconds": s_seconds,
            "resolution_met": s_met, "resolution_breach_at": s_breach}


def refresh(escalation) -> SupplierClocks:
    """Recompute the escalation's clocks from history and store the cache; flushes."""
    db.session.flush()
    clocks = clocks_of(escalation)
    for name, value in cached_fields(clocks).items():
        setattr(escalation, name, value)
    db.session.flush()
    return clocks


def refresh_ticket(ticket_id) -> None:
    """Recompute every escalation of a ticket (after a status change that may end them)."""
    from .models import SupplierEscalation

    for escalation in db.session.scalars(sa.select(SupplierEscalation).where(
            SupplierEscalation.ticket_id == ticket_id)):
        refresh(escalation)
