"""The agent's form for the reason of a breach."""

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import FlaskForm


class BreachReasonForm(FlaskForm):
    reason = TextAreaField(_l("Orsak till att tidsgränsen inte hölls"), validators=[
        DataRequired(_l("Skriv orsaken.")), Length(max=2000, message=_l("Högst 2000 tecken."))])
    submit = SubmitField(_l("Spara orsaken"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "breach")  # beside the ticket page's other forms
        super().__init__(*args, **kwargs)
