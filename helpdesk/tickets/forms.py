"""Forms of the ticket pages, the queue and the phone log."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, HiddenField, MultipleFileField, RadioField, SelectField,
    StringField, SubmitField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import BoundedIntegerField, FlaskForm, choices
from .labels import IMPACT_CHOICES, STATUS_LABELS, URGENCY_CHOICES

SUBJECT = [DataRequired(_l("Skriv en kort rubrik.")), Length(max=200, message=_l("Högst 200 tecken."))]
DESCRIPTION = [DataRequired(_l("Beskriv vad som har hänt.")), Length(max=50000, message=_l("Texten är för lång."))]


class ReportForm(FlaskForm):
    """The employee's report of a fault or a request."""

    type = RadioField(_l("Vad gäller det?"), choices=choices([
        ("incident", _l("Något fungerar inte (felanmälan)")),
        ("request", _l("Jag vill beställa eller fråga något")),
    ]), default="incident", validators=[InputRequired(_l("Välj vad ärendet gäller."))])
    system_id = SelectField(_l("Vilket system eller vilken tjänst gäller det?"), coerce=int,
                            validators=[InputRequired(_l("Välj ett system eller ”Vet inte”."))])
    subject = StringField(_l("Rubrik"), validators=SUBJECT)
    description = TextAreaField(_l("Beskrivning"), validators=DESCRIPTION,
                                description=_l("Vad hände, när, och vad ser du på skärmen? Skriv inga lösenord."))
    impact = RadioField(_l("Hur många påverkas?"), coerce=int, choices=choices(IMPACT_CHOICES), default=3,
                        validators=[InputRequired(_l("Välj hur många som påverkas."))])
    urgency = RadioField(_l("Kan du arbeta ändå?"), coerce=int, choices=choices(URGENCY_CHOICES), default=3,
                         validators=[InputRequired(_l("Välj om du kan arbeta."))])
    attachments = MultipleFileField(_l("Bifoga filer (valfritt)"),
                                    description=_l("Till exempel en skärmbild. Högst 20 MB per fil."))
    submit = SubmitField(_l("Skicka ärendet"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Meddelande"), validators=[Length(max=50000, message=_l("Texten är för lång."))])
    kind = RadioField(_l("Typ"), choices=choices([("public", _l("Svar till anmälaren")), ("internal", _l("Intern anteckning"))]),
                      default="public")
    # Own id: the ticket page also holds StatusForm, whose field is "status".
    status = SelectField(_l("Sätt status samtidigt"), choices=[], validators=[Optional()], id="reply-status")
    attachments = MultipleFileField(_l("Bifoga filer"))
    submit = SubmitField(_l("Skicka"))


class RequesterReplyForm(FlaskForm):
    body = TextAreaField(_l("Ditt svar"), validators=[DataRequired(_l("Skriv ett meddelande.")),
                                                      Length(max=50000, message=_l("Texten är för lång."))])
    attachments = MultipleFileField(_l("Bifoga filer"))
    submit = SubmitField(_l("Skicka svar"))


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=choices((k.value, v) for k, v in STATUS_LABELS.items()))
    submit = SubmitField(_l("Ändra status"))


class PriorityForm(FlaskForm):
    impact = SelectField(_l("Påverkan"), coerce=int, choices=choices(IMPACT_CHOICES))
    urgency = SelectField(_l("Brådska"), coerce=int, choices=choices(URGENCY_CHOICES))
    submit = SubmitField(_l("Ändra prioritet"))


class GroupForm(FlaskForm):
    group_id = SelectField(_l("Flytta till grupp"), coerce=int)
    reason = StringField(_l("Anledning (valfritt)"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Flytta"))


class SystemForm(FlaskForm):
    system_id = SelectField(_l("Påverkat system"), coerce=int)
    submit = SubmitField(_l("Ändra system"))


class AssignForm(FlaskForm):
    assignee_id = SelectField(_l("Handläggare"), coerce=int)
    submit = SubmitField(_l("Tilldela"))


NUMBER = [InputRequired(_l("Ange ett ärendenummer.")), NumberRange(min=1, message=_l("Ange ett giltigt nummer."))]


class PrefixedForm(FlaskForm):
    """A form whose field ids carry a fixed prefix, so several fit on one page."""

    prefix_name = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)


class LinkForm(PrefixedForm):
    prefix_name = "link"
    number = BoundedIntegerField(_l("Länka till ärende nummer"), validators=NUMBER)
    submit = SubmitField(_l("Länka"))


class MergeForm(PrefixedForm):
    prefix_name = "merge"
    number = BoundedIntegerField(_l("Sammanfoga med ärende nummer"), validators=NUMBER)
    submit = SubmitField(_l("Sammanfoga"))


class ReopenForm(PrefixedForm):
    prefix_name = "reopen"
    body = TextAreaField(_l("Vad fungerar fortfarande inte?"), validators=[
        DataRequired(_l("Berätta kort vad som fortfarande inte fungerar.")), Length(max=50000)])
    submit = SubmitField(_l("Det är inte löst"))


class EmptyForm(FlaskForm):
    """A button that only needs CSRF protection."""

    submit = SubmitField(_l("OK"))


class ConfirmForm(PrefixedForm):
    """The requester's "yes, it is solved" button."""

    prefix_name = "confirm"
    submit = SubmitField(_l("Ja, det är löst"))


class BulkAssignForm(FlaskForm):
    ticket_ids = HiddenField()
    assignee_id = SelectField(_l("Tilldela markerade till"), coerce=int)
    submit = SubmitField(_l("Tilldela markerade"))


class PhoneForm(FlaskForm):
    """A call taken by the service desk, logged as a ticket."""

    caller = StringField(_l("Vem ringde? (namn, användarnamn eller e-postadress)"),
                         validators=[Optional(), Length(max=254)])
    caller_id = RadioField(_l("Välj vem som ringde"), coerce=int, choices=[], validate_choice=False,
                           validators=[Optional()])
    contact_name = StringField(_l("Namn"), validators=[Optional(), Length(max=200)])
    contact_email = StringField(_l("E-postadress"), validators=[Optional(), Length(max=254)])
    contact_phone = StringField(_l("Telefonnummer"), validators=[Optional(), Length(max=30)])
    system_id = SelectField(_l("System"), coerce=int)
    subject = StringField(_l("Rubrik"), validators=SUBJECT)
    description = TextAreaField(_l("Anteckning från samtalet"), validators=DESCRIPTION)
    impact = SelectField(_l("Påverkan"), coerce=int, choices=choices(IMPACT_CHOICES), default=3)
    urgency = SelectField(_l("Brådska"), coerce=int, choices=choices(URGENCY_CHOICES), default=3)
    solved = BooleanField(_l("Löst under samtalet"))
    submit = SubmitField(_l("Registrera samtalet"))
