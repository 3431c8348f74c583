"""Forms: logging time on a ticket and a group's hourly cost."""

from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .services import MAX_MINUTES, MAX_RATE


def strip(value):
    return value.strip() if isinstance(value, str) else value


class TimeForm(FlaskForm):
    minutes = IntegerField(_l("Minuter"), validators=[
        InputRequired(_l("Ange minuter.")),
        NumberRange(min=1, max=MAX_MINUTES, message=_l("Ange minuter mellan 1 och %(max)s.", max=MAX_MINUTES))])
    note = StringField(_l("Vad gjordes (valfritt)"), filters=[strip],
                       description=_l("Sparas som intern anteckning."),
                       validators=[Optional(), Length(max=300, message=_l("Högst 300 tecken."))])
    submit = SubmitField(_l("Logga tid"))


class RateForm(FlaskForm):
    hourly_cost = IntegerField(_l("Timkostnad (kronor)"), validators=[
        InputRequired(_l("Ange en timkostnad.")),
        NumberRange(min=0, max=MAX_RATE, message=_l("Ange ett timpris mellan 0 och %(max)s kronor.", max=MAX_RATE))])
    submit = SubmitField(_l("Spara"))
