"""Forms: escalating a ticket, the supplier's case number, and the supplier register."""

from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from .services import MAX_MINUTES


def strip(value):
    return value.strip() if isinstance(value, str) else value


class EscalateForm(FlaskForm):
    contract_id = SelectField(_l("Leverantör och avtal"), coerce=int,
                              validators=[InputRequired(_l("Välj ett avtal."))])
    body = TextAreaField(_l("Till leverantören"), filters=[strip],
                         description=_l("Skickas med e-post till leverantören och sparas som intern anteckning."),
                         validators=[DataRequired(_l("Skriv vad leverantören ska göra.")),
                                     Length(max=20000, message=_l("Texten är för lång."))])
    submit = SubmitField(_l("Eskalera till leverantör"))


class CaseNumberForm(FlaskForm):
    case_number = StringField(_l("Leverantörens ärendenummer"), filters=[strip], validators=[
        DataRequired(_l("Ange leverantörens ärendenummer.")), Length(max=100, message=_l("Högst 100 tecken."))])
    submit = SubmitField(_l("Spara ärendenummer"))


class SupplierMessageForm(FlaskForm):
    body = TextAreaField(_l("Nytt meddelande till leverantören"), filters=[strip],
                         validators=[DataRequired(_l("Skriv ett meddelande till leverantören.")),
                                     Length(max=20000, message=_l("Texten är för lång."))])
    submit = SubmitField(_l("Skicka till leverantören"))


class ResolvedForm(FlaskForm):
    submit = SubmitField(_l("Leverantörens del är klar"))


class SupplierForm(FlaskForm):
    name = StringField(_l("Namn"), filters=[strip], validators=[
        DataRequired(_l("Ange ett namn.")), Length(max=200, message=_l("Högst 200 tecken."))])
    contact_email = StringField(_l("Kontaktadress (e-post)"), filters=[strip], validators=[
        DataRequired(_l("Ange leverantörens e-postadress.")), Email(_l("Ange en giltig e-postadress.")),
        Length(max=254, message=_l("Högst 254 tecken."))])
    contact_domain = StringField(_l("Leverantörens e-postdomän (valfri)"), filters=[strip],
                                 description=_l("Svar från andra adresser i domänen räknas också som leverantörens, "
                                                "till exempel från deras ärendesystem."),
                                 validators=[Optional(), Length(max=253, message=_l("Högst 253 tecken."))])
    case_pattern = StringField(_l("Mönster för leverantörens ärendenummer (valfritt)"), filters=[strip],
                               description=_l("Ett reguljärt uttryck som hittar numret i ämnesraden, "
                                              "till exempel CASE-(\\d+)."),
                               validators=[Optional(), Length(max=200, message=_l("Högst 200 tecken."))])
    is_active = BooleanField(_l("Aktiv"), default=True)
    note = TextAreaField(_l("Anteckning"), filters=[strip],
                         validators=[Optional(), Length(max=5000, message=_l("Texten är för lång."))])
    submit = SubmitField(_l("Spara"))


MINUTES = [InputRequired(_l("Ange minuter.")),
           NumberRange(min=1, max=MAX_MINUTES, message=_l("Ange minuter mellan 1 och ett år."))]


class ContractForm(FlaskForm):
    reference = StringField(_l("Avtalsnummer"), filters=[strip], validators=[
        DataRequired(_l("Ange avtalets nummer eller beteckning.")), Length(max=100, message=_l("Högst 100 tecken."))])
    system_id = SelectField(_l("System"), coerce=int, validators=[InputRequired(_l("Välj ett system."))])
    response_minutes = IntegerField(_l("Avtalad svarstid (minuter servicetid)"), validators=MINUTES)
    resolution_minutes = IntegerField(_l("Avtalad lösningstid (minuter servicetid)"), validators=MINUTES)
    calendar_id = SelectField(_l("Leverantörens servicetid"), coerce=int,
                              validators=[InputRequired(_l("Välj en kalender."))])
    starts_on = DateField(_l("Gäller från"), validators=[InputRequired(_l("Ange ett datum (ÅÅÅÅ-MM-DD)."))])
    ends_on = DateField(_l("Gäller till (valfritt)"), validators=[Optional()])
    is_active = BooleanField(_l("Aktivt"), default=True)
    submit = SubmitField(_l("Spara"))
