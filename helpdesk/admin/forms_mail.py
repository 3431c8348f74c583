"""Forms of the mail administration pages: the channel step, and the fields every mailbox has.

A mailbox is set up in two steps that work without JavaScript: choose how mail is fetched
(ChannelForm, a GET form), then fill in that channel's form (forms_mail_channels), whose typed
fields read and write Mailbox.settings in the JSON shape the fetchers read.
"""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, NumberRange

from ..forms import FlaskForm, choices
from ..intake.models import ClosedPolicy, MailChannel
from . import queries
from .forms import AdminForm, WholeNumberField, name_field, one_of, pick, strip

CHANNEL_LABELS = {
    MailChannel.EWS: _l("Exchange Web Services (egen Exchange-server)"),
    MailChannel.GRAPH: _l("Microsoft Graph (Exchange Online)"),
    MailChannel.IMAP: _l("IMAP"),
    MailChannel.RELAY: _l("Levereras av e-postservern (Postfix-pipe eller LMTP)"),
    MailChannel.FILES: _l("Import av filer"),
}
POLICY_LABELS = {
    ClosedPolicy.REOPEN: _l("Öppna ärendet igen"),
    ClosedPolicy.NEW_LINKED: _l("Skapa ett nytt ärende länkat till det gamla"),
}


class ChannelForm(FlaskForm):
    """The first step: how the mailbox's mail is fetched. Sent with GET, so it needs no CSRF token."""

    class Meta:
        csrf = False

    channel = one_of(_l("Hur hämtas e-posten?"), CHANNEL_LABELS.items(), _l("Välj hur e-posten hämtas."),
                     default=MailChannel.IMAP)
    submit = SubmitField(_l("Fortsätt"))


class MailboxForm(AdminForm):
    """The fields of every mailbox; a channel's subclass adds its connection fields (see forms_mail_channels)."""

    CHANNEL = MailChannel.RELAY
    CONNECTION: tuple = ()  # the channel's fields, in the order shown
    ADVANCED: tuple = ()  # rarely changed ones, shown in their own group
    OWN_KEYS: tuple = ()  # settings keys the form writes or replaces; other keys are kept as they are
    SECRET_LABEL = None  # a channel that logs in has a secret field for the test

    name = name_field(_l("Namn"), _l("Kort namn med små bokstäver, till exempel ”servicedesk”. Används i regler och miljövariabler."))
    address = StringField(_l("E-postadress"), filters=[strip], validators=[
        DataRequired(_l("Ange brevlådans adress.")), Email(_l("Ange en giltig e-postadress.")), Length(max=254)])
    send_transport = one_of(_l("Hur svar skickas"), [("smtp", _l("SMTP via e-postservern")), ("ews", _l("Exchange Web Services")),
                                                     ("graph", _l("Microsoft Graph"))], _l("Välj hur svar skickas."), default="smtp")
    organisation_id = pick(_l("Organisation"), _l("Välj organisation."))
    default_group_id = pick(_l("Supportgrupp för nya ärenden (valfritt)"), description=_l(
        "Används när varken valt system eller regler bestämmer gruppen."))
    poll_seconds = WholeNumberField(_l("Hämta var … sekund"), default=60, validators=[
        NumberRange(min=10, max=86400, message=_l("Ange ett tal från 10 till 86400."))])
    closed_policy = one_of(_l("Svar på ett stängt ärende"), POLICY_LABELS.items(), _l("Välj ett alternativ."),
                           default=ClosedPolicy.REOPEN)
    allowed_domains = StringField(_l("Tillåtna avsändardomäner (valfritt)"), filters=[strip], validators=[Length(max=500)],
                                  description=_l("Kommaseparerat, till exempel ”exempelby.se, exempelbybostader.se”. Tomt: alla får skapa ärenden."))
    is_active = BooleanField(_l("Aktiv"), default=True)
    submit = SubmitField(_l("Spara"))
    test = SubmitField(_l("Testa anslutningen"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.organisation_id.choices = choices(queries.organisation_choices(none=_l("Välj organisation")))
        self.default_group_id.choices = choices(queries.group_choices(none=_l("Ingen")))
        # What the form does not show is kept on save; a mailbox changing channel starts afresh.
        same = obj is not None and obj.channel == self.CHANNEL
        self.kept = {k: v for k, v in ((obj.settings or {}) if same else {}).items() if k not in self.OWN_KEYS}
        if same and not self.is_submitted():
            self.load(obj.settings or {})

    def load(self, settings: dict) -> None:
        """Fill the connection fields from stored settings (the fields are named after the keys)."""
        for key in self.CONNECTION + self.ADVANCED:
            value = settings.get(key)
            if value not in (None, ""):
                self[key].data = int(value) if isinstance(value, float) and value.is_integer() else value

    def connection(self) -> dict:
        """The settings the connection fields give; blank optional fields are left out (the fetcher's default)."""
        return {key: self[key].data for key in self.CONNECTION + self.ADVANCED if self[key].data not in (None, "")}

    def settings(self) -> dict:
        return {**self.kept, **self.connection()}

    def test_fields(self) -> tuple:
        """The fields a connection test needs valid (organisation, group and policy do not matter to it)."""
        return ("name", "address", *self.CONNECTION, *self.ADVANCED, "secret")

    def validate_for_test(self) -> bool:
        """Validate, keeping only the errors of the fields a test needs."""
        self.validate()
        needed = set(self.test_fields())
        for name, field in self._fields.items():
            if name not in needed and name != "csrf_token":
                field.errors = []
        return not self.errors

    def values(self):
        return {
            "name": self.name.data.lower(), "address": self.address.data.lower(), "channel": self.CHANNEL,
            "send_transport": self.send_transport.data, "organisation_id": self.none(self.organisation_id.data),
            "default_group_id": self.none(self.default_group_id.data), "poll_seconds": self.poll_seconds.data,
            "closed_policy": self.closed_policy.data, "allowed_domains": self.allowed_domains.data or "",
            "settings": self.settings(), "is_active": self.is_active.data,
        }


def secret_field(label):
    """A secret typed only for the test: never stored (secrets live in configuration) and never shown again."""
    return PasswordField(label, validators=[Length(max=4000, message=_l("Högst 4000 tecken."))],
                         render_kw={"autocomplete": "new-password"}, description=_l(
        "Används bara när du testar anslutningen och sparas inte. Lämna tomt för att testa med den som är inställd."))
