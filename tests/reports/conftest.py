"""A hand-built October 2026 with known times, for the report's figures.

Every ticket is on a system served around the clock (guld tier), so business
time is wall-clock time and the expected numbers can be worked out by hand:
priority 2 has 60 minutes to a first response and 6 hours to a solution,
priority 1 has 30 minutes and 4 hours. Times are UTC; October 2026 in
Stockholm is 2026-09-30 22:00 to 2026-10-31 23:00 UTC (summer time ends on
25 October).
"""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.reports.months import Month
from helpdesk.tickets import services
from helpdesk.tickets.models import Channel, Status, TicketType
from tests import factories as f

OCTOBER = Month(2026, 10)
VA = "Driftövervakning VA"  # tfdrift, Tekniska förvaltningen, 24/7, KLASSA T4
ALARM = "Trygghetslarm"  # socsys, Socialförvaltningen, 24/7, KLASSA T4
REASON = "Leverantören svarade sent"


def at(day, hour, minute=0, month=10):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _reply(ticket, agent, when):
    services.add_reply(ticket, body="Vi tittar på det.", actor=agent, now=when, staff=True)


def _status(ticket, status, who, when):
    services.change_status(ticket, status, actor=who, now=when)


@pytest.fixture
def october(users):
    """T1–T7 as the module docstring and each comment describe; returns them by name."""
    bo, sara, ines = users["bo"], users["sara"], users["ines"]
    t = {}
    # T1: web, prio 2; answered after 30 min, solved after 5 h: both in time; closed three days later.
    t["T1"] = f.ticket(users["anna"], now=at(5, 10), system_name=VA, subject="T1 larm saknas")
    _reply(t["T1"], bo, at(5, 10, 30))
    _status(t["T1"], Status.SOLVED, bo, at(5, 15))
    _status(t["T1"], Status.CLOSED, bo, at(8, 15))
    # T2: e-mail, prio 2; answered after 2 h (late), waits for the requester 2 h, solved after 9 h
    # of which 7 h ran: resolution breached at 8 h (16:00); the agent wrote why.
    t["T2"] = f.ticket(users["goran"], now=at(10, 8), system_name=VA, subject="T2 pump stannar",
                       channel=Channel.EMAIL)
    _reply(t["T2"], bo, at(10, 10))
    _status(t["T2"], Status.WAITING_REQUESTER, bo, at(10, 11))
    services.add_reply(t["T2"], body="Här är loggen.", actor=users["goran"], now=at(10, 13), staff=False)
    _status(t["T2"], Status.SOLVED, bo, at(10, 17))
    t["T2"].sla_breach_reason = REASON
    # T3: a phone call logged by staff (first response at once), prio 1; solved after 1 h,
    # reopened by the requester the next day and solved again after another hour.
    t["T3"] = f.ticket(users["fatima"], now=at(20, 12), system_name=VA, subject="T3 larmpanel",
                       channel=Channel.PHONE, actor=bo, impact=1, urgency=1)
    _status(t["T3"], Status.SOLVED, bo, at(20, 13))
    services.add_reply(t["T3"], body="Det fungerar inte igen.", actor=users["fatima"], now=at(21, 12), staff=False)
    _status(t["T3"], Status.SOLVED, bo, at(21, 13))
    # T4: created late on 30 October, open at the month's end; both targets pass in October
    # (first response at 23:00, solution at 04:00 on the 31st); answered and solved in November.
    t["T4"] = f.ticket(users["helena"], now=at(30, 22), system_name=VA, subject="T4 nattlarm")
    _reply(t["T4"], bo, at(2, 9, month=11))
    _status(t["T4"], Status.SOLVED, bo, at(3, 9, month=11))
    # T5: September ticket on another department's system, solved on 2 October after 96 h.
    t["T5"] = f.ticket(users["anna"], now=at(28, 10, month=9), system_name=ALARM, subject="T5 trygghetslarm")
    _reply(t["T5"], sara, at(28, 10, 20, month=9))
    _status(t["T5"], Status.SOLVED, sara, at(2, 10))
    # T6: a confidential security incident, solved within the hour.
    t["T6"] = f.ticket(users["anna"], now=at(12, 9), system_name=VA, subject="T6 misstänkt intrång",
                       type=TicketType.SECURITY_INCIDENT)
    services.add_reply(t["T6"], body="Vi utreder.", actor=ines, now=at(12, 9, 10), staff=True)
    _status(t["T6"], Status.SOLVED, ines, at(12, 10))
    # T7: a duplicate of T1 merged ten minutes after it came in.
    t["T7"] = f.ticket(users["goran"], now=at(15, 9), system_name=VA, subject="T7 samma larm igen")
    services.merge_ticket(t["T7"], t["T1"], actor=bo, now=at(15, 9, 10))
    return t


def hours(n):
    return int(timedelta(hours=n).total_seconds())
