"""Applying the SLA engine to tickets: targets, calendars, and the cached state on the ticket."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ..database import built_once, transaction_cached
from ..extensions import db
from ..reference import row
from .calendar import BusinessCalendar, parse_spans
from .engine import STOP, ClockState, SlaState, compute
from .holidays import SwedishHolidays
from .models import DEFAULT_CLOCK_RULES, Calendar, ClockRule, ServiceLevel

NO_DEADLINE = datetime(2999, 12, 31, tzinfo=UTC)  # queue order of tickets whose clocks do not run
ALWAYS = BusinessCalendar(weekly={}, always_open=True)
_calendars: dict[tuple, BusinessCalendar] = {}


def business_calendar(calendar: Calendar | None) -> BusinessCalendar:
    """The arithmetic for a calendar row (cached until the row changes)."""
    if calendar is None:
        return ALWAYS
    key = (calendar.id, calendar.updated_at)
    found = _calendars.get(key)
    if found is None:
        found = BusinessCalendar(
            weekly={d.weekday: parse_spans(d.spans) for d in calendar.days},
            exceptions={e.day: parse_spans(e.spans) for e in calendar.exceptions},
            holidays=SwedishHolidays() if calendar.use_holidays else frozenset(),
            always_open=calendar.always_open, zone=calendar.zone)
        _calendars[key] = found
    return found


def calendar_of(ticket) -> Calendar | None:
    """The system's service hours, else the organisation's, else the first active calendar.

    A security incident runs round the clock (an active always-open calendar, the organisation's
    own first) when one exists: its legal clocks count calendar hours, so its SLA should too."""
    from ..catalogue.models import System
    from ..org.models import Organisation

    if ticket.type == "security_incident":
        always = db.session.scalar(
            sa.select(Calendar).where(Calendar.always_open, Calendar.is_active)
            .order_by((Calendar.organisation_id == ticket.organisation_id).desc(), Calendar.id).limit(1))
        if always is not None:
            return always
    system = row(System, ticket.system_id)
    if system is not None and system.calendar_id:
        return row(Calendar, system.calendar_id)
    org = row(Organisation, ticket.organisation_id)
    if org is not None and org.default_calendar_id:
        return row(Calendar, org.default_calendar_id)
    return transaction_cached("sla_first_calendar", lambda: db.session.scalar(
        sa.select(Calendar).where(Calendar.is_active).order_by(Calendar.id).limit(1)), tables=(Calendar.__tablename__,))


def tier_of(ticket) -> str:
    from ..catalogue.models import System
    from ..org.models import Organisation

    system = row(System, ticket.system_id)
    if system is not None:
        return system.service_tier
    org = row(Organisation, ticket.organisation_id)
    return (org.default_tier if org is not None else None) or "silver"


def level_of(ticket) -> ServiceLevel | None:
    tier = tier_of(ticket)
    levels = transaction_cached("sla_levels", dict, tables=(ServiceLevel.__tablename__,))
    key = (tier, ticket.priority)
    if key not in levels:  # a dict filled as asked: a batch of mail asks for a few of them many times
        levels[key] = db.session.scalar(_level_query(), {"tier": tier, "priority": ticket.priority})
    return levels[key]


@built_once
def _level_query():
    return sa.select(ServiceLevel).where(ServiceLevel.tier == sa.bindparam("tier"),
                                         ServiceLevel.priority == sa.bindparam("priority"))


def clock_rules() -> dict[str, tuple[str, str]]:
    return transaction_cached("sla_clock_rules", _load_clock_rules, tables=(ClockRule.__tablename__,))


def _load_clock_rules() -> dict[str, tuple[str, str]]:
    rows = db.session.execute(_clock_rules_query()).all()
    return {r.status: (r.first_response, r.resolution) for r in rows} or DEFAULT_CLOCK_RULES


@built_once
def _clock_rules_query():
    return sa.select(ClockRule.status, ClockRule.first_response, ClockRule.resolution)


def status_changes(ticket_id) -> list[tuple[datetime, str]]:
    from ..tickets.models import TicketEvent

    return [(at, new) for at, new in db.session.execute(
        sa.select(TicketEvent.at, TicketEvent.new_value)
        .where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "status").order_by(TicketEvent.id))]


def notified_alerts(ticket_id) -> frozenset[str]:
    """Warnings and breaches already sent ("resolution:75", "first_response:100"), from history."""
    from ..tickets.models import TicketEvent

    return frozenset(db.session.scalars(sa.select(TicketEvent.new_value).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "sla_alert")))


def state_of(ticket, *, now=None, changes=None, rules=None) -> SlaState:
    """The ticket's SLA state, computed from its history (now is not needed: see engine)."""
    level = level_of(ticket)
    if level is None:  # no service level configured: nothing to measure against
        targets, warn = (timedelta(days=365), timedelta(days=365)), ()
    else:
        targets = (timedelta(minutes=level.first_response_minutes), timedelta(minutes=level.resolution_minutes))
        warn = tuple(int(p) for p in level.warn_percent.split(",") if p.strip().isdigit())
    return compute(
        created_at=ticket.created_at,
        status_changes=status_changes(ticket.id) if changes is None else changes,
        first_response_at=ticket.first_response_at,
        calendar=business_calendar(calendar_of(ticket)), rules=rules or clock_rules(),
        targets=targets, warn_percent=warn)


def cached_fields(state: SlaState, notified=frozenset()) -> dict:
    """The columns the ticket keeps as a cache of its SLA state."""
    fr, res = state.first_response, state.resolution
    return {
        "first_response_due_at": fr.due_at if fr.stopped_at is None else None,
        "first_response_breached_at": fr.breached_at,
        "resolution_due_at": res.due_at if res.running else None,
        "resolution_breached_at": res.breached_at,
        "sla_paused_since": res.paused_since,
        "due_at": state.sort_due or NO_DEADLINE,
        "sla_next_alert_at": state.next_alert(notified),
    } | report_facts(state)


def report_facts(state: SlaState) -> dict:
    """What the monthly report counts: when each clock stopped, business seconds, met, reopenings."""
    fr, res = state.first_response, state.resolution
    fr_stop, res_stop = stop_moment(fr), stop_moment(res)
    return {
        "sla_first_response_stopped_at": fr_stop,
        "sla_first_response_seconds": int(fr.elapsed.total_seconds()) if fr_stop else None,
        "sla_first_response_met": fr.breached_at is None if fr_stop else None,
        "sla_first_response_breach_at": fr.breached_at or (fr.due_at if fr.running else None),
        "sla_resolved_at": res_stop,
        "sla_resolution_seconds": int(res.elapsed.total_seconds()) if res_stop else None,
        "sla_resolution_met": res.breached_at is None if res_stop else None,
        "sla_resolution_breach_at": res.breached_at or (res.due_at if res.running else None),
        "sla_paused_seconds": int(res.paused.total_seconds()),
        "sla_reopened_count": sum(1 for before, after in zip(res.segments, res.segments[1:])
                                  if before.action == STOP and after.action != STOP),
    }


def stop_moment(clock: ClockState):
    """When a stopped clock stopped: the start of its last unbroken run of stopping statuses
    (solved, then closed, stops at solving), or the first response that ended it."""
    if clock.stopped_at is None:
        return None
    moment = clock.stopped_at
    for segment in reversed(clock.segments):
        if segment.action != STOP:
            break
        moment = segment.start
    return moment


def refresh_sla(ticket, *, now, new: bool = False) -> SlaState:
    """Recompute a ticket's SLA state from history and store the cache.

    new: the ticket was created in this transaction, so it has no status changes and no alerts to read.
    """
    changes, notified = ([], frozenset()) if new else history(ticket)
    state = state_of(ticket, changes=changes)
    for name, value in cached_fields(state, notified).items():
        setattr(ticket, name, value)
    return state


def history(ticket) -> tuple[list[tuple[datetime, str]], frozenset[str]]:
    """status_changes() and notified_alerts() of a ticket in one query, with the events this transaction
    has added and not flushed yet: the caller's changes need no flush of their own before (the mail
    intake's reply would otherwise flush once more per message)."""
    from ..tickets.models import TicketEvent

    session = db.session
    if any(isinstance(o, TicketEvent) for o in (*session.dirty, *session.deleted)):
        session.flush()  # an event changed or removed: read what the database will hold
    with session.no_autoflush:
        rows = session.execute(
            sa.select(TicketEvent.kind, TicketEvent.at, TicketEvent.new_value)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(("status", "sla_alert")))
            .order_by(TicketEvent.id)).all()
    pending = sorted((o for o in session.new if isinstance(o, TicketEvent) and (
        o.__dict__.get("ticket") is ticket or (o.ticket_id is not None and o.ticket_id == ticket.id))),
        key=lambda o: sa.inspect(o).insert_order)  # the order their ids will have
    rows = [*rows, *((o.kind, o.at, o.new_value) for o in pending)]
    return ([(at, new) for kind, at, new in rows if kind == "status"],
            frozenset(new for kind, _at, new in rows if kind == "sla_alert"))
