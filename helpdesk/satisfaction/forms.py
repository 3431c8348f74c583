"""The one satisfaction question: a score from 1 to 5 and an optional comment."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms import FlaskForm, choices

SCORE_CHOICES = [
    (1, _l("1 – Mycket missnöjd")),
    (2, _l("2 – Missnöjd")),
    (3, _l("3 – Varken nöjd eller missnöjd")),
    (4, _l("4 – Nöjd")),
    (5, _l("5 – Mycket nöjd")),
]


class RatingForm(FlaskForm):
    score = RadioField(_l("Hur nöjd är du med hur ärendet hanterades?"), coerce=int,
                       choices=choices(SCORE_CHOICES),
                       validators=[InputRequired(_l("Välj ett betyg från 1 till 5."))])
    comment = TextAreaField(_l("Vill du berätta mer? (valfritt)"),
                            validators=[Optional(), Length(max=2000, message=_l("Högst 2000 tecken."))])
    submit = SubmitField(_l("Skicka svaret"))


def rating_form(ticket_id: int, **kwargs) -> RatingForm:
    """The question for one ticket; the prefix keeps field ids apart when several are on one page."""
    return RatingForm(prefix=f"rating-{ticket_id}", **kwargs)
