"""The form that keeps a canned reply."""

from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class CannedReplyForm(FlaskForm):
    title = StringField(_l("Namn på mallen"), validators=[DataRequired(_l("Ge mallen ett namn.")), Length(max=120)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(_l("Skriv mallens text.")), Length(max=20000)])
    support_group_id = SelectField(_l("Vem kan använda den?"), coerce=int)
    set_status = SelectField(_l("Sätt status när mallen används"), validators=[Optional()])
    is_active = BooleanField(_l("Aktiv"), default=True)
    submit = SubmitField(_l("Spara mallen"))

    def field_for(self, name):
        return getattr(self, name, None)
