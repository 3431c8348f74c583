"""Forms of the access pages."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import FlaskForm, choices
from .models import ItemDecision

REASON = [DataRequired(_l("Ange en motivering.")), Length(max=5000, message=_l("Texten är för lång."))]


class AccessRequestForm(FlaskForm):
    """An employee asks for a role in a system, for themselves or someone else."""

    system_id = SelectField(_l("System"), coerce=int,
                            validators=[NumberRange(min=1, message=_l("Välj ett system."))])
    role = StringField(_l("Behörighet eller roll i systemet"),
                       description=_l("Till exempel ”Handläggare” eller ”Läsbehörighet”."),
                       validators=[DataRequired(_l("Ange vilken behörighet som behövs.")), Length(max=200)])
    person = StringField(_l("Vem ska ha behörigheten? (användarnamn eller e-postadress)"),
                         validators=[DataRequired(_l("Ange vem behörigheten gäller.")), Length(max=254)])
    reason = TextAreaField(_l("Varför behövs behörigheten?"),
                           validators=[DataRequired(_l("Ange varför behörigheten behövs.")),
                                       Length(max=5000, message=_l("Texten är för lång."))])
    valid_until = DateField(_l("Giltig till och med (valfritt)"), validators=[Optional()],
                            description=_l("Lämna tomt om behörigheten behövs tills vidare."))
    submit = SubmitField(_l("Skicka beställningen"))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Beslut"), choices=choices([("approve", _l("Godkänn")), ("reject", _l("Avslå"))]),
                          validators=[InputRequired(_l("Välj godkänn eller avslå."))])
    reason = TextAreaField(_l("Motivering"), validators=REASON)
    submit = SubmitField(_l("Spara beslutet"))


class ProvisionForm(FlaskForm):
    """The person who set the role up in the system confirms it."""

    submit = SubmitField(_l("Behörigheten är upplagd"))


class ReviewItemForm(FlaskForm):
    """One grant in a review; each row has its own prefix so the ids stay unique on the page."""

    decision = RadioField(_l("Beslut"), choices=choices([
        (ItemDecision.CONFIRMED.value, _l("Behålls")), (ItemDecision.REVOKED.value, _l("Tas bort"))]),
        validators=[InputRequired(_l("Välj om behörigheten behålls eller tas bort."))])
    comment = TextAreaField(_l("Kommentar"), description=_l("Krävs när behörigheten tas bort."),
                            validators=[Optional(), Length(max=5000, message=_l("Texten är för lång."))])
    submit = SubmitField(_l("Spara"))


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Varför ska behörigheten tas bort?"), validators=REASON)
    submit = SubmitField(_l("Ta bort behörigheten"))


class IntervalForm(FlaskForm):
    months = IntegerField(_l("Månader mellan granskningar"), validators=[
        Optional(), NumberRange(min=1, max=60, message=_l("Ange ett antal månader mellan 1 och 60."))],
        description=_l("Lämna tomt för att följa informationsklassningen."))
    submit = SubmitField(_l("Spara intervallet"))
