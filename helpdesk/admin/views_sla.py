"""Administration of calendars (service hours), service levels and clock rules."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..clock import local, utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..sla import admin as services
from ..sla import labels as sla_labels
from ..sla.models import Calendar, CalendarException
from ..sla.services import clock_rules as current_clock_rules
from ..sla.year import week_groups, year_of
from ..tickets.labels import PRIORITY_LABELS
from . import queries
from .forms import ButtonForm
from .forms_sla import (
    DURATION_HINT, HOURS_HINT, CalendarExceptionForm, CalendarForm, ClockRuleForm, ServiceLevelForm, ShortDaysForm,
    clock_rule_data, service_level_data,
)
from .views import actor, bp, form_page

YEARS = range(2000, 2101)


def stale(url=None):
    """Say that open tickets keep their old times until they are recomputed; return url."""
    flash(_("Öppna ärenden har kvar sina beräknade tider tills schemaläggaren har räknat om dem, vilket "
            "börjar inom en minut (eller kör helpdesk sla recompute --open-only). Förloppet visas på sidorna om "
            "kalendrar och servicenivåer."), "info")
    return url


@bp.app_template_global()
def sla_refresh_status():
    """The newest request to recompute open tickets, with its progress (admin/_sla_refresh.html)."""
    from ..sla.jobs_refresh import latest

    return latest()


def this_year():
    return local(utcnow()).year


@bp.route("/calendars")
def calendars():
    """The calendars of service hours."""
    return render_template("admin/calendars.html", items=queries.calendars())


@bp.route("/calendars/new", methods=["GET", "POST"])
def new_calendar():
    form = CalendarForm()
    return form_page("admin/calendar_form.html", form, lambda now: services.create_calendar(
        form.values(), actor=actor(), now=now), done=lambda cal: url_for(".calendars"), hours_hint=HOURS_HINT)


@bp.route("/calendars/<int:calendar_id>", methods=["GET", "POST"])
def edit_calendar(calendar_id):
    calendar = db.get_or_404(Calendar, calendar_id)
    form = CalendarForm(obj=calendar)
    return form_page("admin/calendar_form.html", form, lambda now: services.update_calendar(
        calendar, form.values(), actor=actor(), now=now), done=lambda cal: stale(url_for(".calendars")),
        item=calendar, hours_hint=HOURS_HINT)


@bp.route("/calendars/<int:calendar_id>/exceptions", methods=["GET", "POST"])
def calendar_exceptions(calendar_id):
    """A calendar's exceptions; the form adds one."""
    calendar = db.get_or_404(Calendar, calendar_id)
    form = CalendarExceptionForm()
    year = this_year()
    return form_page("admin/calendar_exceptions.html", form, lambda now: services.add_calendar_exception(
        calendar, form.values(), actor=actor(), now=now),
        done=lambda exc: stale(url_for(".calendar_exceptions", calendar_id=calendar.id)),
        item=calendar, button=ButtonForm(), short_day_years=(year, year + 1))


def _exception_or_404(calendar_id, exception_id):
    exception = db.get_or_404(CalendarException, exception_id)
    if exception.calendar_id != calendar_id:
        abort(404)
    return exception


@bp.route("/calendars/<int:calendar_id>/exceptions/<int:exception_id>", methods=["GET", "POST"])
def edit_calendar_exception(calendar_id, exception_id):
    exception = _exception_or_404(calendar_id, exception_id)
    form = CalendarExceptionForm(obj=exception)
    return form_page("admin/calendar_exception_form.html", form, lambda now: services.update_calendar_exception(
        exception, form.values(), actor=actor(), now=now),
        done=lambda exc: stale(url_for(".calendar_exceptions", calendar_id=calendar_id)),
        item=exception, calendar=exception.calendar)


@bp.route("/calendars/<int:calendar_id>/exceptions/<int:exception_id>/remove", methods=["POST"])
def remove_calendar_exception(calendar_id, exception_id):
    exception = _exception_or_404(calendar_id, exception_id)
    day = exception.day.isoformat()
    if ButtonForm().validate_on_submit():
        try:
            with unit_of_work():
                services.remove_calendar_exception(exception, actor=actor(), now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Undantaget för %(day)s är borttaget.", day=day), "success")
            stale()
    return redirect(url_for(".calendar_exceptions", calendar_id=calendar_id))


@bp.route("/calendars/<int:calendar_id>/short-days", methods=["POST"])
def add_short_days(calendar_id):
    """The usual half days of a year as exceptions."""
    calendar = db.get_or_404(Calendar, calendar_id)
    form = ShortDaysForm()
    if form.validate_on_submit() and form.year.data in YEARS:
        with unit_of_work():
            added = services.add_common_short_days(calendar, form.year.data, actor=actor(), now=utcnow())
        if added:
            flash(_("Lade till %(days)s.", days=", ".join(f"{e.note} {e.day.isoformat()}" for e in added)),
                  "success")
            stale()
        else:
            flash(_("Inga halvdagar lades till: dagarna har redan undantag eller är stängda ändå."), "info")
    return redirect(url_for(".calendar_exceptions", calendar_id=calendar_id))


@bp.route("/calendars/<int:calendar_id>/year/<int:year>")
def calendar_year(calendar_id, year):
    """Every day of a year: open, short, extra or closed, and why."""
    calendar = db.get_or_404(Calendar, calendar_id)
    if year not in YEARS:
        abort(404)
    return render_template("admin/calendar_year.html", item=calendar, year=year, months=year_of(calendar, year),
                           years=YEARS)


@bp.route("/service-levels", methods=["GET", "POST"])
def service_levels():
    """Targets per service tier and priority."""
    form = ServiceLevelForm(data=service_level_data(queries.service_levels()))
    return form_page("admin/service_levels.html", form, lambda now: services.update_service_levels(
        form.values(), actor=actor(), now=now), done=lambda levels: stale(url_for(".service_levels")),
        duration_hint=DURATION_HINT)


@bp.route("/clock-rules", methods=["GET", "POST"])
def clock_rules():
    """What each ticket status does to the two clocks."""
    form = ClockRuleForm(data=clock_rule_data(current_clock_rules()))
    return form_page("admin/clock_rules.html", form, lambda now: services.update_clock_rules(
        form.values(), actor=actor(), now=now), done=lambda rules: stale(url_for(".clock_rules")))


@bp.context_processor
def sla_context():
    return {"sla_labels": sla_labels, "priority_labels": PRIORITY_LABELS, "week_groups": week_groups,
            "now_year": this_year()}
