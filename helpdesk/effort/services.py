"""Logging time on tickets and setting a group's hourly cost. Flush, never commit."""

from flask_babel import gettext as _

from ..errors import InvalidField
from ..extensions import db
from ..tickets import services as tickets
from ..tickets.models import MessageKind
from .models import GroupRate, TimeEntry

MAX_MINUTES = 24 * 60  # one entry is at most a day's work; a longer job is logged day by day
MAX_RATE = 100_000


def rate_of(group_id) -> int:
    """The group's hourly cost in kronor (0 while none is set)."""
    rate = db.session.get(GroupRate, group_id)
    return rate.hourly_cost if rate is not None else 0


def log_time(ticket, *, minutes, actor, now, note="", message=None) -> TimeEntry:
    """Minutes worked on a ticket by actor, for the ticket's group at its current rate.

    A note given alone becomes an internal note on the ticket, so the work is told as well as counted.
    """
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        raise InvalidField("minutes", _("Ange minuter mellan 1 och %(max)s.", max=MAX_MINUTES))
    note = (note or "").strip()
    if note and message is None:
        message = tickets.add_reply(ticket, body=note, actor=actor, now=now, kind=MessageKind.INTERNAL, staff=True)
    entry = TimeEntry(ticket_id=ticket.id, user_id=getattr(actor, "id", None),
                      support_group_id=ticket.support_group_id, minutes=minutes,
                      hourly_cost=rate_of(ticket.support_group_id), worked_at=now,
                      message_id=getattr(message, "id", None), note=note[:300])
    db.session.add(entry)
    tickets.record_event(ticket, "time_logged", actor=actor, now=now, new=minutes)
    db.session.flush()
    return entry


def set_rate(group, hourly_cost, *, now) -> GroupRate:
    """Set a support group's hourly cost (kronor); applies to time logged from now on."""
    if hourly_cost is None or not 0 <= hourly_cost <= MAX_RATE:
        raise InvalidField("hourly_cost", _("Ange ett timpris mellan 0 och %(max)s kronor.", max=MAX_RATE))
    rate = db.session.get(GroupRate, group.id) or GroupRate(support_group_id=group.id)
    rate.hourly_cost, rate.updated_at = hourly_cost, now
    db.session.add(rate)
    db.session.flush()
    return rate
