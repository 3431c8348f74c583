"""SLA warnings and breaches: which have passed, who is told, the history that records them, and why."""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from ..extensions import db
from ..notifications.compose import is_our_address
from .services import cached_fields, state_of

CLOCK_LABELS = {"first_response": _l("Första svar"), "resolution": _l("Lösning")}
BREACH = 100


def passed_alerts(state, notified, now) -> list[tuple[str, int, object]]:
    """(clock, percent, moment) of every warning or breach due by now and not yet notified."""
    found = []
    for name, clock in (("first_response", state.first_response), ("resolution", state.resolution)):
        found += [(name, percent, moment) for moment, percent in clock.alerts
                  if moment <= now and f"{name}:{percent}" not in notified]
    return found


def send_alerts(ticket, *, now, state, notified, batch) -> int:
    """Record the ticket's passed alerts, queue their mail and move its next-alert time on, all on `batch`.

    state and notified are the ticket's SLA state and sent alerts (the job reads them for a
    whole batch at once). Every passed alert becomes an "sla_alert" event (history, so
    recompute agrees), but only the highest of each clock is mailed: after a pause in the
    scheduler nobody needs a 75 % warning for a clock that has already run out. Returns the
    mails queued.
    """
    passed = passed_alerts(state, notified, now)
    mails = 0
    for name, percent, moment in passed:
        batch.event(ticket, "sla_alert", new=f"{name}:{percent}")
        if percent == BREACH:
            batch.event(ticket, "sla_breach", new=name, reason={"clock": name, "due_at": moment.isoformat()})
    highest = {}
    for name, percent, moment in passed:
        if percent >= highest.get(name, (0, None))[0]:
            highest[name] = (percent, moment)
    for name, (percent, _moment) in highest.items():
        due_at = getattr(state, name).due_at  # a running clock's target moment (the breach moment itself)
        mails += _mail(ticket, name, percent, due_at, batch)
    # The alerts are not status changes: the state is the one computed before, with these noted as sent.
    sent = notified | {f"{name}:{percent}" for name, percent, _moment in passed}
    batch.cache(ticket, cached_fields(state, sent))
    return mails


def _mail(ticket, name, percent, due_at, batch) -> int:
    people, addresses = breach_recipients(ticket) if percent == BREACH else warning_recipients(ticket)
    if ticket.is_confidential:
        people, addresses = _confidential(ticket, people)
    kind = "sla_breach" if percent == BREACH else "sla_warning"
    context = {"clock": name, "clock_label": CLOCK_LABELS[name], "percent": percent, "due_at": due_at}
    # One mail per person, in their own language; nobody learns who else was told.
    for person in people:
        batch.mail(kind, ticket, context, person.locale, person.email)
    for address in addresses:
        batch.mail(kind, ticket, context, None, address)
    return len(people) + len(addresses)


def deliverable(user) -> bool:
    return bool(user and user.email and user.is_active and not is_our_address(user.email))


def warning_recipients(ticket) -> tuple[list, list[str]]:
    """The assignee; else the group's own address; else every member of the group."""
    if deliverable(ticket.assignee):
        return [ticket.assignee], []
    group = ticket.support_group
    if group.email and not is_our_address(group.email):
        return [], [group.email]
    return _members(group.id), []


def breach_recipients(ticket) -> tuple[list, list[str]]:
    """The group's leads and the system's administrator, each once; else as a warning."""
    people = _members(ticket.support_group_id, leads_only=True)
    admin = ticket.system.admin if ticket.system is not None else None
    if deliverable(admin) and admin.id not in {p.id for p in people}:
        people.append(admin)
    return (people, []) if people else warning_recipients(ticket)


def _confidential(ticket, people) -> tuple[list, list[str]]:
    """A confidential ticket is named only to those who may read it; else to the security officers."""
    from ..auth.models import Role, User, UserRole
    from ..auth.permissions import Permission, can

    readers = [p for p in people if can(p, Permission.TICKET_VIEW, ticket)]
    if readers:
        return readers, []
    officers = db.session.scalars(sa.select(User).join(UserRole).where(
        UserRole.role == Role.SECURITY_OFFICER).order_by(User.id))
    return [u for u in officers if deliverable(u)], []


def _members(group_id, *, leads_only=False) -> list:
    """The group's (lead) members that mail can reach; read once per batch of alerts."""
    from ..auth.models import User
    from ..org.models import GroupMember
    from ..reference import cached

    def read():
        query = sa.select(User).join(GroupMember, GroupMember.user_id == User.id).where(
            GroupMember.group_id == group_id).order_by(User.id)
        if leads_only:
            query = query.where(GroupMember.is_lead)
        return [u for u in db.session.scalars(query) if deliverable(u)]

    return list(cached(("alert_members", group_id, leads_only), read))


def breached_clocks(state, now) -> list[tuple[str, object]]:
    """(clock, when its target was passed) for each clock that has missed its target by now."""
    found = [(name, clock.breached(now)) for name, clock in
             (("first_response", state.first_response), ("resolution", state.resolution))]
    return [(name, at) for name, at in found if at is not None]


def record_breach_reason(ticket, *, reason, actor, now) -> None:
    """An agent explains why the service level was missed (kept for the monthly follow-up); flushes."""
    from ..tickets.services import record_event

    text = (reason or "").strip()
    if not text:
        raise DomainError(_("Skriv orsaken."))
    if not breached_clocks(state_of(ticket), now):
        raise DomainError(_("Ärendet har ingen överskriden tidsgräns."))
    ticket.sla_breach_reason = text
    record_event(ticket, "sla_breach_reason", actor=actor, now=now, reason=text)
    db.session.flush()
