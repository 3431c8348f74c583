"""Forms of the mail administration pages."""

import json

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, ValidationError

from ..forms import choices
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


class MailboxForm(AdminForm):
    name = name_field(_l("Namn"), _l("Kort namn med små bokstäver, till exempel ”servicedesk”. Används i regler och miljövariabler."))
    address = StringField(_l("E-postadress"), filters=[strip], validators=[
        DataRequired(_l("Ange brevlådans adress.")), Email(_l("Ange en giltig e-postadress.")), Length(max=254)])
    channel = one_of(_l("Hur e-posten hämtas"), CHANNEL_LABELS.items(), _l("Välj en kanal."), default=MailChannel.RELAY)
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
    settings = TextAreaField(_l("Anslutningsinställningar (JSON)"), default="{}", description=_l(
        "Till exempel {\"host\": \"imap.exempelby.se\", \"username\": \"servicedesk\"}. Lösenord och hemligheter "
        "anges i miljövariabeln HELPDESK_MAILBOX_NAMN_PASSWORD (eller _CLIENT_SECRET), med brevlådans namn i versaler, och visas aldrig här."))
    is_active = BooleanField(_l("Aktiv"), default=True)
    submit = SubmitField(_l("Spara"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.organisation_id.choices = choices(queries.organisation_choices(none=_l("Välj organisation")))
        self.default_group_id.choices = choices(queries.group_choices(none=_l("Ingen")))
        if obj is not None and not self.is_submitted():
            self.settings.data = json.dumps(obj.settings or {}, ensure_ascii=False, indent=2)

    def validate_settings(self, field):
        try:
            value = json.loads(field.data or "{}")
        except ValueError as error:
            raise ValidationError(_l("Inställningarna är inte giltig JSON: %(error)s", error=str(error))) from None
        if not isinstance(value, dict):
            raise ValidationError(_l("Inställningarna ska vara ett JSON-objekt inom { }."))

    def values(self):
        return {
            "name": self.name.data.lower(), "address": self.address.data.lower(), "channel": self.channel.data,
            "send_transport": self.send_transport.data, "organisation_id": self.none(self.organisation_id.data),
            "default_group_id": self.none(self.default_group_id.data), "poll_seconds": self.poll_seconds.data,
            "closed_policy": self.closed_policy.data, "allowed_domains": self.allowed_domains.data or "",
            "settings": json.loads(self.settings.data or "{}"), "is_active": self.is_active.data,
        }
