"""Bringing open tickets' cached SLA state up to date after calendars, levels or rules change."""

from .recompute import recompute


def refresh_open_tickets(clock) -> int:
    """Recompute every open ticket in batches (one transaction each); returns how many changed."""
    return recompute(now=clock.now(), check=False, open_only=True)["written"]
