"""SLA state derived from a ticket's history alone (pure: no database, no clock).

The state depends only on history, never on when it is computed: the last
stretch of a ticket's life is open-ended, so a running clock is described by
the moment its target is reached (due_at) and the moments of its warnings, not
by how much time happens to have passed. That is what makes the cached copy on
the ticket checkable (`helpdesk sla recompute --check`).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

RUN, PAUSE, STOP = "run", "pause", "stop"


@dataclass(frozen=True)
class Segment:
    """One stretch of the ticket's life in one status; end None while it lasts."""

    start: datetime
    end: datetime | None
    status: str
    action: str
    business: timedelta  # business time of a closed stretch (zero while open)


@dataclass
class ClockState:
    target: timedelta
    elapsed: timedelta = timedelta(0)  # business time run in closed stretches
    paused: timedelta = timedelta(0)  # business time paused in closed stretches
    due_at: datetime | None = None  # while running: when the target is reached
    breached_at: datetime | None = None  # when the target was passed in a closed stretch
    paused_since: datetime | None = None
    stopped_at: datetime | None = None
    segments: list[Segment] = field(default_factory=list)
    alerts: list[tuple[datetime, int]] = field(default_factory=list)  # (moment, percent) while running

    @property
    def running(self) -> bool:
        return self.paused_since is None and self.stopped_at is None

    def breached(self, now) -> datetime | None:
        """When the target was passed, as seen at now."""
        if self.breached_at is not None:
            return self.breached_at
        return self.due_at if self.running and self.due_at is not None and self.due_at <= now else None

    def met(self, now) -> bool | None:
        """True/False once decided; None while the clock can still make it."""
        if self.breached(now) is not None:
            return False
        return True if self.stopped_at is not None else None


def timeline(created_at, status_changes, first_status="new"):
    """(start, end, status) stretches from creation; the last one is open (end None)."""
    stretches, start, status = [], created_at, first_status
    for at, new in status_changes:
        at = max(at, start)
        if at > start:
            stretches.append((start, at, status))
        start, status = at, new
    stretches.append((start, None, status))
    return stretches


def clock(stretches, rules: dict[str, str], target: timedelta, calendar, *, stop_at=None,
          warn_percent=()) -> ClockState:
    """Walk the stretches under one clock's rules; stop_at ends the clock (a first response)."""
    state = ClockState(target=target)
    for start, end, status in stretches:
        if stop_at is not None and start >= stop_at:
            state.stopped_at = stop_at
            break
        if stop_at is not None and (end is None or end > stop_at):
            end = stop_at
        action = rules.get(status, RUN)
        if end is None:  # the open stretch: what it will do, not what it has done
            state.segments.append(Segment(start, None, status, action, timedelta(0)))
            if action == PAUSE:
                state.paused_since = start
            elif action == STOP:
                state.stopped_at = start
            elif state.breached_at is None:
                remaining = target - state.elapsed
                state.due_at = calendar.add(start, remaining)
                state.alerts = [(calendar.add(start, target * p / 100 - state.elapsed), p)
                                for p in (*warn_percent, 100) if target * p / 100 > state.elapsed]
            else:
                state.due_at = state.breached_at
            break
        business = calendar.between(start, end)
        state.segments.append(Segment(start, end, status, action, business))
        if action == RUN:
            if state.breached_at is None and state.elapsed + business > target:
                state.breached_at = calendar.add(start, target - state.elapsed)
            state.elapsed += business
        elif action == PAUSE:
            state.paused += business
        if stop_at is not None and end == stop_at:
            state.stopped_at = stop_at
            break
    return state


@dataclass
class SlaState:
    first_response: ClockState
    resolution: ClockState

    @property
    def sort_due(self) -> datetime | None:
        """The next deadline of a running clock (the queue's order)."""
        dues = [c.due_at for c in (self.first_response, self.resolution) if c.running and c.due_at]
        return min(dues) if dues else None

    def next_alert(self, notified=frozenset()) -> datetime | None:
        """The earliest warning or breach moment not yet notified ("resolution:75", …)."""
        moments = [m for name, c in (("first_response", self.first_response), ("resolution", self.resolution))
                   for m, p in c.alerts if f"{name}:{p}" not in notified]
        return min(moments) if moments else None


def compute(*, created_at, status_changes, first_response_at, calendar, rules, targets,
            warn_percent=(75, 90)) -> SlaState:
    """The SLA state of a ticket from its creation, status changes and first response.

    rules maps status -> (first-response action, resolution action); targets is
    (first response, resolution) as timedeltas.
    """
    stretches = timeline(created_at, status_changes)
    fr_rules = {status: actions[0] for status, actions in rules.items()}
    res_rules = {status: actions[1] for status, actions in rules.items()}
    first = clock(stretches, fr_rules, targets[0], calendar, stop_at=first_response_at,
                  warn_percent=warn_percent)
    resolution = clock(stretches, res_rules, targets[1], calendar, warn_percent=warn_percent)
    return SlaState(first, resolution)
