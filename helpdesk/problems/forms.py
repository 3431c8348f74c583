"""Forms of the problem pages."""

from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import choices
from .labels import STATUS_LABELS

TEXT = [Optional(), Length(max=50000, message=_l("Texten är för lång."))]


class ProblemForm(FlaskForm):
    title = StringField(_l("Rubrik"), validators=[DataRequired(_l("Ange en rubrik.")),
                                                  Length(max=200, message=_l("Högst 200 tecken."))])
    system_id = SelectField(_l("System"), coerce=int, validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()), default="open")
    description = TextAreaField(_l("Beskrivning"), validators=TEXT)
    root_cause = TextAreaField(_l("Grundorsak"), validators=TEXT)
    workaround = TextAreaField(_l("Tillfällig lösning (workaround)"), validators=TEXT)
    change_reference = StringField(_l("Ändring som åtgärdar felet"), validators=[Optional(), Length(max=300)],
                                   description=_l("Ändringens nummer eller adress, när det finns en."))
    owner_id = SelectField(_l("Ansvarig"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Spara problemet"))


class LinkIncidentForm(FlaskForm):
    number = IntegerField(_l("Ärendenummer"), validators=[InputRequired(_l("Ange ett ärendenummer.")),
                                                          NumberRange(min=1, max=2**31 - 1, message=_l("Ange ett ärendenummer."))])
    submit = SubmitField(_l("Koppla ärendet"))
