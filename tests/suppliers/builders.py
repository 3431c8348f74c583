"""Suppliers, contracts and calendars for the supplier tests."""

import itertools
from datetime import date, timedelta

from helpdesk.extensions import db
from helpdesk.sla.models import Calendar, CalendarDay
from helpdesk.suppliers import services
from tests.conftest import BASE_TIME

# The calendar arithmetic is cached by (id, updated_at); ids come back after a rolled-back test, so each
# calendar built here gets an updated_at of its own.
_versions = itertools.count(1)


def weekday_calendar(name="Leverantörens servicetid", spans="08:00-17:00", *, holidays=True):
    """Monday to Friday with the given hours."""
    calendar = Calendar(name=name, use_holidays=holidays, updated_at=BASE_TIME + timedelta(microseconds=next(_versions)))
    calendar.days = [CalendarDay(weekday=d, spans=spans if d < 5 else "") for d in range(7)]
    db.session.add(calendar)
    db.session.flush()
    return calendar


def supplier_with_contract(*, system=None, response_minutes=240, resolution_minutes=16 * 60, calendar=None,
                           email="support@leverantor.se", domain="", case_pattern=r"CASE-(\d+)"):
    supplier = services.save_supplier(None, name="Leverantören AB", contact_email=email, contact_domain=domain,
                                      case_pattern=case_pattern)
    contract = services.save_contract(
        None, supplier=supplier, system=system, reference="AVT-2026-17", response_minutes=response_minutes,
        resolution_minutes=resolution_minutes, calendar=calendar or weekday_calendar(),
        starts_on=date(2026, 1, 1), ends_on=None)
    return supplier, contract
