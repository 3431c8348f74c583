"""SLA state of many tickets at once: the catalogue read once, then plain values per ticket.

`services.state_of` asks the session for a ticket's system, organisation, calendar and
service level; over a million tickets that is millions of queries. A Resolver reads those
rows once and answers the same questions from dictionaries with the same fallbacks, so
`helpdesk generate` and `helpdesk sla recompute` store exactly what state_of computes.
"""

from datetime import timedelta

import sqlalchemy as sa

from .services import business_calendar, cached_fields, clock_rules
from .engine import compute

# The ticket columns that cache SLA state, in cached_fields' order.
CACHE_COLUMNS = (
    "first_response_due_at", "first_response_breached_at", "resolution_due_at", "resolution_breached_at",
    "sla_paused_since", "due_at", "sla_next_alert_at", "sla_first_response_stopped_at",
    "sla_first_response_seconds", "sla_first_response_met", "sla_first_response_breach_at", "sla_resolved_at",
    "sla_resolution_seconds", "sla_resolution_met", "sla_resolution_breach_at", "sla_paused_seconds",
    "sla_reopened_count",
)
NO_LEVEL = ((timedelta(days=365), timedelta(days=365)), ())  # as state_of without a service level


class Resolver:
    """Calendar, targets and warnings per (system, organisation, priority), as state_of finds them."""

    def __init__(self, session):
        from ..catalogue.models import System
        from ..org.models import Organisation
        from .models import Calendar, ServiceLevel

        self.rules = clock_rules()
        self.systems = {r.id: (r.calendar_id, r.service_tier) for r in session.execute(
            sa.select(System.id, System.calendar_id, System.service_tier))}
        self.organisations = {r.id: (r.default_calendar_id, r.default_tier) for r in session.execute(
            sa.select(Organisation.id, Organisation.default_calendar_id, Organisation.default_tier))}
        calendars = session.scalars(sa.select(Calendar).order_by(Calendar.id)).all()
        self.calendars = {c.id: business_calendar(c) for c in calendars}
        first_active = next((c for c in calendars if c.is_active), None)
        self.fallback = business_calendar(first_active)
        # calendar_of: a security incident runs on an active always-open calendar, the organisation's own first.
        self.always_open = [(c.organisation_id, c.id) for c in calendars if c.is_active and c.always_open]
        self.levels = {}
        for level in session.scalars(sa.select(ServiceLevel).order_by(ServiceLevel.id)):
            warn = tuple(int(p) for p in level.warn_percent.split(",") if p.strip().isdigit())
            targets = (timedelta(minutes=level.first_response_minutes), timedelta(minutes=level.resolution_minutes))
            self.levels.setdefault((level.tier, level.priority), (targets, warn))
        self._terms = {}

    def terms(self, system_id, organisation_id, priority, type=None):
        """(business calendar, (first response, resolution) targets, warn percents)."""
        security = type == "security_incident"
        key = (system_id, organisation_id, priority, security)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = (self._calendar(system_id, organisation_id, security),
                                        *self.levels.get((self._tier(system_id, organisation_id), priority),
                                                         NO_LEVEL))
        return found

    def _calendar(self, system_id, organisation_id, security=False):
        if security and self.always_open:
            own = [c for org, c in self.always_open if org == organisation_id]
            return self.calendars[(own or [c for _org, c in self.always_open])[0]]
        system = self.systems.get(system_id) if system_id else None
        if system is not None and system[0]:
            return self.calendars.get(system[0], business_calendar(None))
        org = self.organisations.get(organisation_id)
        if org is not None and org[0]:
            return self.calendars.get(org[0], business_calendar(None))
        return self.fallback

    def _tier(self, system_id, organisation_id):
        system = self.systems.get(system_id) if system_id else None
        if system is not None:
            return system[1]
        org = self.organisations.get(organisation_id)
        return (org[1] if org is not None else None) or "silver"

    def fields(self, *, system_id, organisation_id, priority, created_at, changes, first_response_at,
               notified=frozenset(), type=None) -> dict:
        """cached_fields of the ticket described by these values (datetimes aware UTC)."""
        calendar, targets, warn = self.terms(system_id, organisation_id, priority, type)
        state = compute(created_at=created_at, status_changes=changes, first_response_at=first_response_at,
                        calendar=calendar, rules=self.rules, targets=targets, warn_percent=warn)
        return cached_fields(state, notified)
