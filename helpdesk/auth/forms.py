"""Login form."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..forms import FlaskForm


class LoginForm(FlaskForm):
    username = StringField(_l("Användarnamn"), validators=[DataRequired(_l("Ange ditt användarnamn.")), Length(max=254)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(_l("Ange ditt lösenord."))],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Logga in"))


class MfaForm(FlaskForm):
    code = StringField(_l("Kod"), validators=[DataRequired(_l("Ange koden.")), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none"})
    submit = SubmitField(_l("Fortsätt"))
