"""Forms of the calendar, service level and clock rule pages."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from ..catalogue.labels import TIER_LABELS
from ..catalogue.models import SERVICE_TIERS
from ..errors import InvalidField
from ..forms import BoundedIntegerField, FlaskForm, choices
from ..sla.admin import MAX_TARGET, PRIORITIES, TARGETS, WEEKDAYS, check_warnings, clean_spans
from ..sla.labels import ACTION_LABELS, CLOCK_LABELS, TARGET_LABELS, WEEKDAY_LABELS
from ..tickets.labels import PRIORITY_LABELS, STATUS_LABELS
from . import queries
from .forms import AdminForm, IsoDateField, name_field, optional_text, pick, strip

OFFICE_HOURS = "08:00-16:30"
HOURS_HINT = _l("Till exempel 08:00-16:30, eller 08:00-12:00, 13:00-16:30 med lunchstängt. Tomt betyder stängt.")


def _hours_valid(form, field):
    """Each field's opening hours are checked here so every wrong one is shown at once."""
    try:
        clean_spans(field.data, field.name)
    except InvalidField as error:
        raise ValidationError(error.message) from None


class CalendarForm(AdminForm):
    name = name_field(_l("Namn"), _l("Till exempel Kontorstid vardagar 08:00-16:30."))
    organisation_id = pick(_l("Organisation (valfritt)"),
                           description=_l("Lämna tomt för en kalender som alla organisationer kan använda."))
    zone = StringField(_l("Tidszon"), default="Europe/Stockholm", filters=[strip], validators=[
        DataRequired(_l("Ange en tidszon, till exempel Europe/Stockholm.")), Length(max=64)])
    always_open = BooleanField(_l("Öppet dygnet runt alla dagar (24/7)"))
    use_holidays = BooleanField(_l("Stängt på svenska helgdagar och på midsommar-, jul- och nyårsafton"),
                                default=True)
    is_active = BooleanField(_l("Aktiv"), default=True)
    submit = SubmitField(_l("Spara"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.organisation_id.choices = choices(queries.organisation_choices(none=_l("Ingen")))
        if not self.is_submitted():
            hours = {d.weekday: d.spans for d in obj.days} if obj is not None else dict.fromkeys(range(5), OFFICE_HOURS)
            for weekday in WEEKDAYS:
                self[f"weekday_{weekday}"].data = hours.get(weekday, "")

    def weekdays(self):
        return [self[f"weekday_{d}"] for d in WEEKDAYS]

    def field_for(self, name):
        # "No working time at all" is about the whole week; it is shown beside Monday.
        return self.weekday_0 if name == "weekly" else super().field_for(name)

    def values(self):
        return {"name": self.name.data, "organisation_id": self.none(self.organisation_id.data),
                "zone": self.zone.data, "always_open": self.always_open.data,
                "use_holidays": self.use_holidays.data, "is_active": self.is_active.data,
                "weekly": {d: self[f"weekday_{d}"].data or "" for d in WEEKDAYS}}


for _day in WEEKDAYS:
    setattr(CalendarForm, f"weekday_{_day}", StringField(WEEKDAY_LABELS[_day], filters=[strip], validators=[
        Length(max=200, message=_l("Högst 200 tecken.")), _hours_valid]))


class CalendarExceptionForm(AdminForm):
    day = IsoDateField(_l("Datum"), description=_l("ÅÅÅÅ-MM-DD, till exempel 2026-12-23."))
    spans = StringField(_l("Öppettider den dagen"), filters=[strip], validators=[Length(max=200), _hours_valid],
                        description=_l("Till exempel 08:00-14:00 för en kort dag. Lämna tomt om det är stängt hela "
                                       "dagen, till exempel en klämdag. Tider en dag som annars är stängd blir en "
                                       "extra öppning."))
    note = optional_text(_l("Anteckning (valfritt)"), 200, _l("Till exempel Klämdag eller Personalens planeringsdag."))
    submit = SubmitField(_l("Spara"))

    def validate_day(self, field):
        if field.data is None and not field.process_errors:
            raise ValidationError(_l("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-31."))

    def values(self):
        return {"day": self.day.data, "spans": self.spans.data or "", "note": self.note.data or ""}


class ShortDaysForm(FlaskForm):
    year = BoundedIntegerField()


# Service levels

_HOURS_MINUTES = re.compile(r"(\d{1,4}):([0-5]\d)")
_HOURS = re.compile(r"(\d{1,4})\s*(?:h|tim|timmar|timme)")
_MINUTES = re.compile(r"(\d{1,6})\s*(?:min|minuter)")
DURATION_HINT = _l("Arbetstid inom kalenderns öppettider, skriven som timmar:minuter – till exempel 4:00 för fyra "
                   "timmar, 1:30 för en och en halv timme och 0:30 för en halvtimme.")


def parse_duration(text: str) -> int:
    """ "4:00" → 240, "1:30" → 90; "4 h" and "30 min" are read too. Raises ValueError in Swedish."""
    text = (text or "").strip().lower()
    if found := _HOURS_MINUTES.fullmatch(text):
        minutes = int(found[1]) * 60 + int(found[2])
    elif found := _HOURS.fullmatch(text):
        minutes = int(found[1]) * 60
    elif found := _MINUTES.fullmatch(text):
        minutes = int(found[1])
    else:
        raise ValueError(_l("Skriv tiden som timmar:minuter, till exempel 4:00 eller 0:30."))
    if minutes <= 0:
        raise ValueError(_l("Tiden måste vara längre än 0:00."))
    if minutes > MAX_TARGET:
        raise ValueError(_l("Högst %(n)s timmar.", n=MAX_TARGET // 60))
    return minutes


def format_duration(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


class DurationField(StringField):
    """A target in business minutes, typed and shown as hours:minutes."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_duration(self.data) if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = None
            self.data = parse_duration(valuelist[0])


def _warnings_valid(form, field):
    try:
        check_warnings(field.data, field.name)
    except InvalidField as error:
        raise ValidationError(error.message) from None


class ServiceLevelForm(AdminForm):
    submit = SubmitField(_l("Spara servicenivåerna"))

    def rows(self):
        """(tier, priority, target fields, warning field) in table order."""
        return [(tier, p, [self[f"{tier}_{p}_{t}"] for t in TARGETS], self[f"{tier}_{p}_warn_percent"])
                for tier in SERVICE_TIERS for p in PRIORITIES]

    def values(self):
        return {(tier, p): {**{t: self[f"{tier}_{p}_{t}"].data for t in TARGETS},
                            "warn_percent": self[f"{tier}_{p}_warn_percent"].data}
                for tier in SERVICE_TIERS for p in PRIORITIES}


def service_level_data(levels) -> dict:
    """The form's initial values from the stored rows."""
    data = {}
    for level in levels:
        for target in TARGETS:
            data[f"{level.tier}_{level.priority}_{target}"] = getattr(level, target)
        data[f"{level.tier}_{level.priority}_warn_percent"] = level.warn_percent.replace(",", ", ")
    return data


for _tier in SERVICE_TIERS:
    for _p in PRIORITIES:
        _row = {"tier": TIER_LABELS[_tier], "priority": _p, "name": PRIORITY_LABELS[_p]}
        for _target in TARGETS:
            setattr(ServiceLevelForm, f"{_tier}_{_p}_{_target}", DurationField(
                _l("%(tier)s, prioritet %(priority)s (%(name)s): %(target)s", target=TARGET_LABELS[_target], **_row)))
        setattr(ServiceLevelForm, f"{_tier}_{_p}_warn_percent", StringField(
            _l("%(tier)s, prioritet %(priority)s (%(name)s): varningar i procent", **_row),
            default="75, 90", filters=[strip], validators=[_warnings_valid]))


# Clock rules

class ClockRuleForm(AdminForm):
    submit = SubmitField(_l("Spara klockreglerna"))

    def rows(self):
        """(status, label, first-response field, resolution field)."""
        return [(status, label, self[f"{status}_first_response"], self[f"{status}_resolution"])
                for status, label in STATUS_LABELS.items()]

    def values(self):
        return {str(status): (self[f"{status}_first_response"].data, self[f"{status}_resolution"].data)
                for status in STATUS_LABELS}


def clock_rule_data(rules: dict) -> dict:
    return {f"{status}_{clock}": action for status, pair in rules.items()
            for clock, action in zip(CLOCK_LABELS, pair)}


for _status, _label in STATUS_LABELS.items():
    for _clock, _clock_label in CLOCK_LABELS.items():
        setattr(ClockRuleForm, f"{_status}_{_clock}", RadioField(
            _l("%(status)s – %(clock)s", status=_label, clock=_clock_label), choices=choices(ACTION_LABELS.items()),
            invalid_choice_message=_l("Välj går, pausas eller stoppas.")))
