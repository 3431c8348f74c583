"""Forms of the administration pages; values() gives what the services take."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateField, HiddenField, PasswordField, RadioField, SelectField,
    SelectMultipleField, StringField, SubmitField, TextAreaField,
)
from wtforms.validators import (
    DataRequired, Email, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.models import Role
from ..catalogue.labels import KLASSA_LEVEL_LABELS, TIER_LABELS
from ..forms import BoundedIntegerField, FlaskForm, choices
from ..org.models import OrgKind
from ..errors import InvalidField
from ..routing.admin import clean_rule_value
from ..routing.models import RuleField
from . import queries
from .labels import ORG_KIND_LABELS, ROLE_HINTS, ROLE_LABELS, RULE_FIELD_LABELS

MIN_PASSWORD = 10


def strip(value):
    return value.strip() if isinstance(value, str) else value


def name_field(label, hint=None):
    return StringField(label, description=hint, filters=[strip], validators=[
        DataRequired(_l("Ange ett namn.")), Length(max=200, message=_l("Högst 200 tecken."))])


def optional_text(label, max_length, hint=None):
    return StringField(label, description=hint, filters=[strip], validators=[
        Optional(), Length(max=max_length, message=_l("Högst %(n)s tecken.", n=max_length))])


NOT_IN_LIST = _l("Välj ett alternativ i listan.")


def pick(label, required=None, **kwargs):
    """A select of ids whose first choice, 0, means none (or "choose …" when required)."""
    validators = [InputRequired(required), NumberRange(min=1, message=required)] if required else []
    return SelectField(label, coerce=int, default=0, validators=validators,
                       invalid_choice_message=NOT_IN_LIST, invalid_value_message=NOT_IN_LIST, **kwargs)


def one_of(label, pairs, message, **kwargs):
    """Radio buttons; choosing none of them shows message."""
    return RadioField(label, choices=choices(pairs), invalid_choice_message=message, **kwargs)


class WholeNumberField(BoundedIntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Ange ett heltal, till exempel 100.")) from None


class IsoDateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-31.")) from None


class AccountField(StringField):
    """A person given by user name or e-mail address; .account holds the match."""

    account = None

    def pre_validate(self, form):
        self.account = queries.find_account(self.data) if self.data else None
        if self.data and self.account is None:
            raise ValidationError(_l("Det finns inget aktivt konto med användarnamnet eller e-postadressen %(v)s.",
                                     v=self.data))


class AdminForm(FlaskForm):
    """Base of the edit forms: where a service's field error is shown."""

    def field_for(self, name):
        return self._fields.get(name)

    def none(self, value):
        """0 and "" from a form mean "none"."""
        return value or None


class OrganisationForm(AdminForm):
    name = name_field(_l("Namn"))
    kind = one_of(_l("Typ"), ((k, ORG_KIND_LABELS[k]) for k in OrgKind.ALL),
                  _l("Välj kommun eller bolag."), default=OrgKind.KOMMUN)
    org_number = StringField(_l("Organisationsnummer (valfritt)"), filters=[strip],
                             description=_l("Tio siffror, till exempel 212000-0000."),
                             validators=[Optional(), Regexp(r"^\d{6}-?\d{4}$", message=_l(
                                 "Skriv organisationsnumret som tio siffror, till exempel 212000-0000."))])
    parent_id = pick(_l("Ingår i (valfritt)"), description=_l("Till exempel kommunen som äger ett bolag."))
    default_calendar_id = pick(_l("Standardkalender (valfritt)"), description=_l(
        "Servicetiden för ärenden som inte gäller ett system med egen kalender."))
    default_tier = one_of(_l("Standardservicenivå"), TIER_LABELS.items(), _l("Välj guld, silver eller brons."),
                          default="silver", description=_l("För ärenden som inte gäller ett valt system."))
    is_active = BooleanField(_l("Aktiv"), default=True)
    submit = SubmitField(_l("Spara"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_id.choices = choices(queries.organisation_choices(none=_l("Ingen")))
        self.default_calendar_id.choices = choices(queries.calendar_choices(none=_l("Ingen")))
        self.default_calendar_id.data = self.default_calendar_id.data or 0  # none chosen, or not posted

    def values(self):
        number = self.org_number.data
        if number and "-" not in number:
            number = f"{number[:6]}-{number[6:]}"
        return {"name": self.name.data, "kind": self.kind.data, "org_number": number or None,
                "parent_id": self.none(self.parent_id.data), "is_active": self.is_active.data,
                "default_calendar_id": self.none(self.default_calendar_id.data),
                "default_tier": self.default_tier.data}


class DepartmentForm(AdminForm):
    organisation_id = pick(_l("Organisation"), _l("Välj organisation."))
    name = name_field(_l("Namn"), _l("Till exempel Socialförvaltningen."))
    short_name = optional_text(_l("Förkortning (valfritt)"), 20, _l("Till exempel SOC."))
    is_active = BooleanField(_l("Aktiv"), default=True)
    submit = SubmitField(_l("Spara"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = choices(queries.organisation_choices(none=_l("Välj organisation")))

    def values(self):
        return {"organisation_id": self.organisation_id.data, "name": self.name.data,
                "short_name": self.short_name.data or None, "is_active": self.is_active.data}


class GroupForm(AdminForm):
    organisation_id = pick(_l("Organisation"), _l("Välj organisation."))
    department_id = pick(_l("Förvaltning (valfritt)"))
    name = name_field(_l("Namn"))
    email = StringField(_l("E-postadress (valfritt)"), filters=[strip], validators=[
        Optional(), Length(max=254, message=_l("Högst 254 tecken.")),
        Email(message=_l("Ange en giltig e-postadress, till exempel namn@exempelby.se."))])
    description = TextAreaField(_l("Beskrivning (valfritt)"), filters=[strip],
                                validators=[Length(max=5000, message=_l("Högst 5000 tecken."))])
    is_service_desk = BooleanField(_l("Central servicedesk (tar emot det som ingen regel styr någon annanstans)"))
    handles_security_incidents = BooleanField(
        _l("Informationssäkerhetssamordnarnas grupp (tar emot alla säkerhetsincidenter)"))
    is_active = BooleanField(_l("Aktiv"), default=True)
    submit = SubmitField(_l("Spara"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = choices(queries.organisation_choices(none=_l("Välj organisation")))
        self.department_id.choices = choices(queries.department_choices(none=_l("Ingen")))

    def values(self):
        return {"organisation_id": self.organisation_id.data, "department_id": self.none(self.department_id.data),
                "name": self.name.data, "email": self.email.data.lower() if self.email.data else None,
                "description": self.description.data or None, "is_service_desk": self.is_service_desk.data,
                "handles_security_incidents": self.handles_security_incidents.data, "is_active": self.is_active.data}


class MemberForm(AdminForm):
    user = AccountField(_l("Användarnamn eller e-postadress"), filters=[strip],
                        validators=[DataRequired(_l("Ange vem som ska läggas till."))])
    is_lead = BooleanField(_l("Gruppledare"))
    submit = SubmitField(_l("Lägg till"))


class LeadForm(FlaskForm):
    lead = HiddenField()


class ButtonForm(FlaskForm):
    """A button that only needs CSRF protection."""


LEVELS = [(level, _l("%(level)s – %(name)s", level=level, name=name)) for level, name in KLASSA_LEVEL_LABELS.items()]


def level_field(label):
    message = _l("Välj en nivå från 0 till 4.")
    return SelectField(label, coerce=int, choices=choices(LEVELS), default=1, validators=[InputRequired(message)],
                       invalid_choice_message=message, invalid_value_message=message)


PERSON_HINT = _l("Användarnamn eller e-postadress. Lämna tomt om ingen.")


class SystemForm(AdminForm):
    name = name_field(_l("Namn"))
    description = TextAreaField(_l("Beskrivning"), filters=[strip],
                                validators=[Length(max=5000, message=_l("Högst 5000 tecken."))],
                                description=_l("Visas för anmälare när de väljer system."))
    keywords = optional_text(_l("Sökord (valfritt)"), 500,
                             _l("Ord som anmälare kan söka på, åtskilda med mellanslag."))
    organisation_id = pick(_l("Organisation"), _l("Välj organisation."))
    department_id = pick(_l("Ägande förvaltning"), _l("Välj förvaltning."))
    owner_name = AccountField(_l("Systemägare"), filters=[strip], description=PERSON_HINT)
    admin_name = AccountField(_l("Systemförvaltare"), filters=[strip], description=PERSON_HINT)
    deputy_name = AccountField(_l("Ersättare för systemförvaltaren"), filters=[strip], description=PERSON_HINT)
    support_group_id = pick(_l("Supportgrupp"), _l("Välj supportgrupp."),
                            description=_l("Gruppen som tar emot ärenden om systemet."))
    service_tier = one_of(_l("Servicenivå"), TIER_LABELS.items(), _l("Välj guld, silver eller brons."),
                          default="silver")
    calendar_id = pick(_l("Kalender för servicetid (valfritt)"), description=_l(
        "Lämna tomt för att använda organisationens standardkalender."))
    klassa_k = level_field(_l("Konfidentialitet (K)"))
    klassa_r = level_field(_l("Riktighet (R)"))
    klassa_t = level_field(_l("Tillgänglighet (T)"))
    klassa_s = level_field(_l("Spårbarhet (S)"))
    classified_on = IsoDateField(_l("Datum för klassningen (valfritt)"), validators=[Optional()],
                                 description=_l("Sätts till dagens datum när nivåerna ändras, "
                                                "om du inte anger ett annat."))
    is_common = BooleanField(_l("Kommungemensamt (gäller hela organisationen)"))
    is_active = BooleanField(_l("Aktivt"), default=True)
    submit = SubmitField(_l("Spara"))

    PEOPLE = {"owner_id": "owner_name", "admin_id": "admin_name", "deputy_id": "deputy_name"}

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.organisation_id.choices = choices(queries.organisation_choices(none=_l("Välj organisation")))
        self.department_id.choices = choices(queries.department_choices(none=_l("Välj förvaltning")))
        self.support_group_id.choices = choices(queries.group_choices(none=_l("Välj supportgrupp")))
        self.calendar_id.choices = choices(queries.calendar_choices(none=_l("Organisationens standardkalender")))
        self.calendar_id.data = self.calendar_id.data or 0  # none chosen, or not posted
        if obj is not None and not self.is_submitted():
            for field in self.PEOPLE.values():
                person = getattr(obj, field.removesuffix("_name"))
                self[field].data = person.username if person else ""

    def field_for(self, name):
        return super().field_for(self.PEOPLE.get(name, name))

    def values(self):
        values = {name: self[name].data for name in (
            "name", "organisation_id", "department_id", "support_group_id", "service_tier",
            "klassa_k", "klassa_r", "klassa_t", "klassa_s", "classified_on", "is_common", "is_active")}
        values["description"] = self.description.data or ""
        values["keywords"] = self.keywords.data or ""
        values["calendar_id"] = self.none(self.calendar_id.data)
        for column, field in self.PEOPLE.items():
            values[column] = self[field].account.id if self[field].account else None
        return values


class RuleForm(AdminForm):
    position = WholeNumberField(_l("Ordning"), default=100, description=_l(
        "Reglerna prövas i stigande ordning; den första som passar bestämmer gruppen."),
        validators=[InputRequired(_l("Ange ordningen som ett heltal.")),
                    NumberRange(min=0, max=100000, message=_l("Ange ett tal från 0 till 100000."))])
    name = name_field(_l("Namn"), _l("En kort beskrivning, till exempel ”Lön till ekonomisystem”."))
    field = one_of(_l("Regeln tittar på"), RULE_FIELD_LABELS.items(), _l("Välj vad regeln ska titta på."))
    department_id = pick(_l("Förvaltning (när regeln tittar på anmälarens förvaltning)"))
    value = StringField(_l("Värde för nyckelord, kanal eller brevlåda"), filters=[strip],
                        validators=[Length(max=500, message=_l("Högst 500 tecken."))],
                        description=_l("Nyckelord: ett eller flera, åtskilda med kommatecken. "
                                       "Kanal: web, email, phone eller api. Brevlåda: brevlådans namn."))
    target_group_id = pick(_l("Skicka till supportgrupp"), _l("Välj supportgrupp."))
    is_active = BooleanField(_l("Aktiv"), default=True)
    submit = SubmitField(_l("Spara"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.department_id.choices = choices(queries.department_choices(none=_l("Välj förvaltning")))
        self.target_group_id.choices = choices(queries.group_choices(none=_l("Välj supportgrupp")))
        if obj is not None and not self.is_submitted() and obj.field == RuleField.REQUESTER_DEPARTMENT:
            self.department_id.data = int(obj.value) if obj.value.isdigit() else 0
            self.value.data = ""

    def by_department(self):
        return self.field.data == RuleField.REQUESTER_DEPARTMENT

    def validate_department_id(self, field):
        if self.by_department() and not field.data:
            raise ValidationError(_l("Välj förvaltning."))

    def validate_value(self, field):
        if self.field.data in RULE_FIELD_LABELS and not self.by_department():
            try:
                clean_rule_value(self.field.data, field.data)
            except InvalidField as error:
                raise ValidationError(error.message) from None

    def field_for(self, name):
        return self.department_id if name == "value" and self.by_department() else super().field_for(name)

    def values(self):
        value = str(self.department_id.data) if self.by_department() else self.value.data
        return {"position": self.position.data, "name": self.name.data, "field": self.field.data,
                "value": value or "", "target_group_id": self.target_group_id.data,
                "is_active": self.is_active.data}


class UserForm(AdminForm):
    username = StringField(_l("Användarnamn"), filters=[strip], validators=[
        DataRequired(_l("Ange ett användarnamn.")), Length(max=64, message=_l("Högst 64 tecken.")),
        Regexp(r"^[A-Za-z0-9._@-]+$", message=_l(
            "Använd bara bokstäverna a–z, siffror, punkt, bindestreck, understreck och @."))])
    full_name = StringField(_l("Namn"), filters=[strip], validators=[
        DataRequired(_l("Ange personens namn.")), Length(max=200, message=_l("Högst 200 tecken."))])
    email = StringField(_l("E-postadress (valfritt)"), filters=[strip], validators=[
        Optional(), Length(max=254, message=_l("Högst 254 tecken.")),
        Email(message=_l("Ange en giltig e-postadress, till exempel namn@exempelby.se."))])
    organisation_id = pick(_l("Organisation (valfritt)"),
                           description=_l("Hämtas från förvaltningen om du lämnar tomt."))
    department_id = pick(_l("Förvaltning (valfritt)"))
    title = optional_text(_l("Titel (valfritt)"), 120)
    phone = optional_text(_l("Telefon (valfritt)"), 40)
    is_active = BooleanField(_l("Aktivt konto (kan logga in)"), default=True)
    roles = SelectMultipleField(_l("Roller"), choices=choices(
        (role.value, _l("%(role)s – %(hint)s", role=ROLE_LABELS[role], hint=ROLE_HINTS[role])) for role in Role),
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        invalid_choice_message=_l("Okänd roll."),
        description=_l("Alla kan anmäla ärenden; rollerna ger mer behörighet."))
    password = PasswordField(_l("Nytt lösenord (valfritt)"), validators=[
        Optional(), Length(min=MIN_PASSWORD, message=_l("Lösenordet ska vara minst %(n)s tecken.", n=MIN_PASSWORD)),
        Length(max=200, message=_l("Högst 200 tecken."))])
    password_again = PasswordField(_l("Upprepa lösenordet"), validators=[
        EqualTo("password", message=_l("Lösenorden är inte lika."))])
    submit = SubmitField(_l("Spara"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = choices(queries.organisation_choices(none=_l("Ingen")))
        self.department_id.choices = choices(queries.department_choices(none=_l("Ingen")))

    def values(self):
        return {"username": self.username.data, "full_name": self.full_name.data, "email": self.email.data or None,
                "organisation_id": self.none(self.organisation_id.data),
                "department_id": self.none(self.department_id.data),
                "title": self.title.data or None, "phone": self.phone.data or None, "is_active": self.is_active.data}
