"""Forms of the outage pages."""

from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import (
    BooleanField, DateTimeLocalField, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField,
    StringField, SubmitField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import choices
from .labels import EXTENT_LABELS, KIND_LABELS

TEXT = [Optional(), Length(max=20000, message=_l("Texten är för lång."))]


class NoticeForm(FlaskForm):
    title = StringField(_l("Rubrik"), validators=[DataRequired(_l("Ange en rubrik.")),
                                                  Length(max=200, message=_l("Högst 200 tecken."))])
    kind = RadioField(_l("Typ"), choices=choices(KIND_LABELS.items()), default="unplanned",
                      validators=[InputRequired(_l("Välj typ."))])
    extent = RadioField(_l("Omfattning"), choices=choices(EXTENT_LABELS.items()), default="whole",
                        validators=[InputRequired(_l("Välj omfattning."))])
    system_ids = SelectMultipleField(_l("Berörda system"), coerce=int, validators=[Optional()],
                                     description=_l("Håll ned Ctrl (Cmd på Mac) för att välja flera."))
    all_systems = BooleanField(_l("Alla system berörs"))
    broken_text = TextAreaField(_l("Det här fungerar inte"), validators=TEXT)
    works_text = TextAreaField(_l("Det här fungerar"), validators=TEXT)
    starts_at = DateTimeLocalField(_l("Start"), validators=[Optional()],
                                   description=_l("Lämna tomt för nu. En senare start gör det till ett planerat fönster."))
    expected_end = DateTimeLocalField(_l("Beräknas klart"), validators=[Optional()])
    ticket = HiddenField()
    submit = SubmitField(_l("Publicera"))


class EditNoticeForm(FlaskForm):
    title = StringField(_l("Rubrik"), validators=[DataRequired(_l("Ange en rubrik.")),
                                                  Length(max=200, message=_l("Högst 200 tecken."))])
    extent = RadioField(_l("Omfattning"), choices=choices(EXTENT_LABELS.items()),
                        validators=[InputRequired(_l("Välj omfattning."))])
    broken_text = TextAreaField(_l("Det här fungerar inte"), validators=TEXT)
    works_text = TextAreaField(_l("Det här fungerar"), validators=TEXT)
    expected_end = DateTimeLocalField(_l("Beräknas klart"), validators=[Optional()])
    submit = SubmitField(_l("Spara ändringar"))


class UpdateForm(FlaskForm):
    body = TextAreaField(_l("Lägesuppdatering"), validators=[DataRequired(_l("Skriv vad som är nytt.")),
                                                             Length(max=20000, message=_l("Texten är för lång."))])
    submit = SubmitField(_l("Publicera uppdateringen"))


class ResolveForm(FlaskForm):
    resolution = TextAreaField(_l("Lösning"), validators=[DataRequired(_l("Skriv hur felet löstes.")),
                                                         Length(max=20000, message=_l("Texten är för lång."))])
    submit = SubmitField(_l("Avsluta med lösning"))


class MeTooForm(FlaskForm):
    comment = TextAreaField(_l("Kommentar (valfritt)"), validators=[Optional(), Length(max=2000, message=_l("Högst 2000 tecken."))])
    next = HiddenField()
    submit = SubmitField(_l("Jag berörs också"))


class LinkTicketForm(FlaskForm):
    number = IntegerField(_l("Ärendenummer"), validators=[InputRequired(_l("Ange ett ärendenummer.")),
                                                          NumberRange(min=1, max=2**31 - 1, message=_l("Ange ett ärendenummer."))])
    submit = SubmitField(_l("Lägg under storstörningen"))


class SubscribeForm(FlaskForm):
    system_id = SelectField(_l("System"), coerce=int, validators=[InputRequired(_l("Välj ett system."))])
    submit = SubmitField(_l("Prenumerera"))
