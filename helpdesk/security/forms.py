"""Forms of the security pages."""

from datetime import UTC
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField, RadioField, SelectField, SelectMultipleField, StringField,
    SubmitField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import BoundedIntegerField, FlaskForm, choices
from .labels import ART34_LABELS, DIMENSION_LABELS, MSB_LABELS, RISK_LABELS, SUBMISSION_LABELS

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TRISTATE = [("yes", _l("Ja")), ("no", _l("Nej")), ("unknown", _l("Vet inte än"))]


def utc(local_naive):
    """A datetime-local value (Stockholm wall time) as UTC."""
    return None if local_naive is None else local_naive.replace(tzinfo=STOCKHOLM).astimezone(UTC)


def local_input(at):
    return None if at is None else at.astimezone(STOCKHOLM).replace(tzinfo=None, second=0, microsecond=0)


def tristate(value):
    return {"yes": True, "no": False}.get(value)


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReportIncidentForm(FlaskForm):
    """Any employee's report of an information-security incident."""

    subject = StringField(_l("Kort rubrik"), validators=[DataRequired(_l("Skriv en kort rubrik.")), Length(max=200)])
    description = TextAreaField(_l("Vad har hänt?"), validators=[DataRequired(_l("Beskriv vad som har hänt.")), Length(max=50000)],
                                description=_l("Till exempel: ett e-postmeddelande med personuppgifter skickades till fel mottagare, en dator stals, ett misstänkt inloggningsförsök."))
    aware_at = DateTimeLocalField(_l("När upptäckte du det? (valfritt)"), validators=[Optional()],
                                  description=_l("Lämna tomt om det var nyss."))
    system_id = SelectField(_l("Vilket system gäller det? (valfritt)"), coerce=int)
    personal_data = RadioField(_l("Berörs personuppgifter?"), choices=choices(TRISTATE), default="unknown")
    submit = SubmitField(_l("Rapportera incidenten"))


class ClassifyForm(FlaskForm):
    category = SelectField(_l("Kategori (MSB)"), coerce=int, choices=choices([(0, _l("Inte klassad än"))] + list(MSB_LABELS.items())))
    hits = Checkboxes(_l("Påverkade skyddsvärden"), choices=choices(DIMENSION_LABELS.items()))
    personal_data = RadioField(_l("Berörs personuppgifter?"), choices=choices(TRISTATE))
    system_ids = Checkboxes(_l("Berörda system"), coerce=int)
    controller_department_id = SelectField(_l("Personuppgiftsansvarig nämnd (förvaltning)"), coerce=int)
    controller_organisation_id = SelectField(_l("Organisation (kommun eller bolag)"), coerce=int)
    awareness_at = DateTimeLocalField(_l("Kännedom om incidenten"), validators=[InputRequired(_l("Ange tidpunkten."))])
    awareness_reason = StringField(_l("Skäl om tidpunkten för kännedom ändras"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Spara klassning"))


class GdprForm(FlaskForm):
    risk = RadioField(_l("Riskbedömning"), choices=choices(RISK_LABELS.items()), validators=[InputRequired(_l("Välj en bedömning."))])
    risk_justification = TextAreaField(_l("Motivering"), validators=[Length(max=10000)])
    nature = TextAreaField(_l("Incidentens art"), validators=[Length(max=10000)])
    people_categories = StringField(_l("Kategorier av registrerade"), validators=[Length(max=1000)])
    people_count = BoundedIntegerField(_l("Ungefärligt antal registrerade"), validators=[Optional(), NumberRange(min=0)])
    record_categories = StringField(_l("Kategorier av personuppgifter"), validators=[Length(max=1000)])
    record_count = BoundedIntegerField(_l("Ungefärligt antal poster"), validators=[Optional(), NumberRange(min=0)])
    dpo_contact = StringField(_l("Kontakt hos dataskyddsombudet"), validators=[Length(max=500)])
    consequences = TextAreaField(_l("Sannolika konsekvenser"), validators=[Length(max=10000)])
    measures = TextAreaField(_l("Vidtagna eller föreslagna åtgärder"), validators=[Length(max=10000)])
    submit = SubmitField(_l("Spara bedömning"))


class SubmissionForm(FlaskForm):
    kind = SelectField(_l("Rapport"), choices=choices(SUBMISSION_LABELS.items()))
    sent_at = DateTimeLocalField(_l("Skickad"), validators=[InputRequired(_l("Ange när rapporten skickades."))])
    reference = StringField(_l("Myndighetens diarienummer eller referens"), validators=[Length(max=100)])
    summary = TextAreaField(_l("Vad rapporterades"), validators=[Length(max=10000)])
    late_reason = TextAreaField(_l("Skäl till förseningen (om anmälan görs efter 72 timmar)"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Registrera rapporten"))


class Art34Form(FlaskForm):
    art34_decision = RadioField(_l("Information till de registrerade (art. 34)"), choices=choices(ART34_LABELS.items()),
                                validators=[InputRequired(_l("Välj ett beslut."))])
    art34_justification = TextAreaField(_l("Motivering"), validators=[Length(max=5000)])
    art34_done_at = DateTimeLocalField(_l("Informerade (valfritt)"), validators=[Optional()])
    submit = SubmitField(_l("Spara beslut"))


class SignificanceForm(FlaskForm):
    thresholds = Checkboxes(_l("Uppfyllda tröskelvärden"))
    significant = RadioField(_l("Betydande incident enligt cybersäkerhetslagen?"), choices=choices(TRISTATE))
    significance_notes = TextAreaField(_l("Motivering"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Spara bedömning"))


class HandledForm(FlaskForm):
    handled_at = DateTimeLocalField(_l("Incidenten hanterad"), validators=[InputRequired(_l("Ange tidpunkten."))])
    submit = SubmitField(_l("Markera som hanterad"))


class WorkerForm(FlaskForm):
    person = StringField(_l("Ge åtkomst till (användarnamn eller e-post)"), validators=[DataRequired(_l("Ange en person.")), Length(max=254)])
    submit = SubmitField(_l("Ge åtkomst"))
