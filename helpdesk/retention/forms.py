"""Forms for retention rules, legal holds and disclosure exports."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..admin.forms import AdminForm, WholeNumberField, one_of, pick, strip
from ..admin.queries import organisation_choices
from ..forms import FlaskForm, choices
from ..tickets.labels import TYPE_LABELS
from ..tickets.models import TicketType
from .labels import ACTION_HINTS, ACTION_LABELS, DISCLOSURE_FIELDS
from .models import RetentionAction


def checkboxes(label, **kwargs):
    return SelectMultipleField(label, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                               invalid_choice_message=_l("Välj bland alternativen i listan."), **kwargs)


class RuleForm(AdminForm):
    organisation_id = pick(_l("Organisation"), _l("Välj organisation."))
    ticket_type = one_of(_l("Ärendetyp"), ((t.value, TYPE_LABELS[t]) for t in TicketType),
                         _l("Välj en ärendetyp."), default=TicketType.INCIDENT.value)
    months = WholeNumberField(_l("Bevaras i antal månader efter stängning"), default=36,
                              description=_l("Räknas från den dag ärendet stängdes."))
    action = one_of(_l("Därefter"), ((a.value, _l("%(label)s – %(hint)s", label=ACTION_LABELS[a], hint=ACTION_HINTS[a]))
                                     for a in RetentionAction), _l("Välj gallring eller avidentifiering."),
                    default=RetentionAction.PSEUDONYMISE.value)
    decision_reference = StringField(_l("Beslut som tillåter gallringen"), filters=[strip], validators=[
        Length(max=200, message=_l("Högst 200 tecken."))],
        description=_l("Diarienummer och paragraf i informationshanteringsplanen, till exempel KS 2026/123 § 45."))
    automatic = BooleanField(_l("Gallra automatiskt (annars godkänner en administratör varje körning)"))
    is_active = BooleanField(_l("Aktiv"), default=True)
    note = TextAreaField(_l("Anteckning (valfri)"), filters=[strip], validators=[
        Length(max=2000, message=_l("Högst 2000 tecken."))])
    submit = SubmitField(_l("Spara"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = choices(organisation_choices(none=_l("Välj organisation")))

    def values(self):
        # The decision reference is checked by the service, so a rule without one is refused
        # however it is saved (form, script or import).
        return {name: self[name].data for name in (
            "organisation_id", "ticket_type", "months", "action", "decision_reference", "automatic",
            "is_active", "note")}


class HoldForm(FlaskForm):
    reason = TextAreaField(_l("Skäl"), filters=[strip], validators=[
        DataRequired(_l("Ange skälet.")), Length(max=2000, message=_l("Högst 2000 tecken."))])
    submit = SubmitField(_l("Spara"))


class DisclosureForm(FlaskForm):
    hide_fields = checkboxes(_l("Uppgifter om ärendet"), choices=choices(DISCLOSURE_FIELDS.items()))
    hide_messages = checkboxes(_l("Meddelanden"), coerce=int,
                          description=_l("Interna anteckningar är förvalda. Ett markerat meddelande visas med datum "
                                         "och typ men utan text."))
    hide_attachments = BooleanField(_l("Sekretessbelägg listan över bilagor"))
    terms = TextAreaField(_l("Fler uppgifter att maskera (valfritt)"), filters=[strip], validators=[
        Length(max=2000, message=_l("Högst 2000 tecken."))],
        description=_l("En per rad, till exempel ett namn eller ett personnummer. De maskeras överallt i handlingen."))
    osl_reference = StringField(_l("Sekretessgrund (valfri)"), filters=[strip], validators=[
        Optional(), Length(max=100, message=_l("Högst 100 tecken."))],
        description=_l("Kapitel och paragraf i offentlighets- och sekretesslagen, till exempel 18 kap. 8 §. "
                       "Visas i varje maskering."))
    format = RadioField(_l("Format"), default="html", validators=[DataRequired(_l("Välj format."))])
    submit = SubmitField(_l("Skapa handlingen"))
