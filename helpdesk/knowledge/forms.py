"""Forms of the knowledge base."""

from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms import choices
from .labels import AUDIENCE_LABELS, STATUS_LABELS

BODY = [Optional(), Length(max=100000, message=_l("Texten är för lång."))]
TITLE = [Optional(), Length(max=200, message=_l("Högst 200 tecken."))]


class ArticleForm(FlaskForm):
    title_sv = StringField(_l("Rubrik (svenska)"), validators=TITLE)
    body_sv = TextAreaField(_l("Text (svenska)"), validators=BODY,
                            description=_l("Markdown: **fet**, *kursiv*, listor med -, rubriker med ##, länkar som [text](https://…)."))
    title_en = StringField(_l("Rubrik (engelska, valfritt)"), validators=TITLE)
    body_en = TextAreaField(_l("Text (engelska, valfritt)"), validators=BODY)
    system_ids = SelectMultipleField(_l("System som artikeln gäller"), coerce=int, validators=[Optional()],
                                     description=_l("Håll ned Ctrl (Cmd på Mac) för att välja flera."))
    audience = RadioField(_l("Vem får läsa?"), choices=choices(AUDIENCE_LABELS.items()), default="employees",
                          validators=[InputRequired(_l("Välj vem som får läsa."))])
    status = RadioField(_l("Status"), choices=choices(STATUS_LABELS.items()), default="published",
                        validators=[InputRequired(_l("Välj status."))])
    owner_id = SelectField(_l("Ägare"), coerce=int, validators=[InputRequired(_l("Välj en ägare."))])
    review_on = DateField(_l("Granskas senast"), validators=[Optional()])
    submit = SubmitField(_l("Spara artikeln"))


class HelpedForm(FlaskForm):
    system_id = HiddenField()
    submit = SubmitField(_l("Det här löste mitt problem"))
