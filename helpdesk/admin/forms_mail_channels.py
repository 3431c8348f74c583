"""One mailbox form per channel: typed fields for exactly the settings keys its fetcher reads.

The field names are the keys of Mailbox.settings (helpdesk/intake/fetchers/*.py document them),
so a mailbox saved as raw JSON before opens here with its values, and saving writes the same
shape. Secrets are never among them: they come from configuration (HELPDESK_MAILBOX_<NAME>_...).
"""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..intake.models import MailChannel
from .forms import WholeNumberField, one_of, optional_text, strip
from .forms_mail import MailboxForm, secret_field

HOST = r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^[0-9A-Fa-f:]+$"
AZURE_ID = r"^$|^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$"  # blank is checked by the form (required or not)


def text(label, required=None, hint=None, default=None, max_length=200):
    validators = [DataRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=_l("Högst %(n)s tecken.", n=max_length)))
    return StringField(label, filters=[strip], validators=validators, description=hint, default=default)


def number(label, low, high, hint=None):
    return WholeNumberField(label, description=hint, validators=[Optional(), NumberRange(
        min=low, max=high, message=_l("Ange ett heltal från %(low)s till %(high)s.", low=low, high=high))])


def azure_id(label, hint):
    return StringField(label, filters=[strip], description=hint, validators=[
        Regexp(AZURE_ID, message=_l("Ange id:t som det står i Entra ID, till exempel "
                                                 "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b."))])


def folder_field(label, hint=None, default="Processed"):
    return text(label, _l("Ange mappens namn."), hint, default=default)


PROCESSED_HINT = _l("Dit flyttas e-post när dess ärende är sparat. Skapas vid första hämtningen om den saknas.")


class ImapMailboxForm(MailboxForm):
    CHANNEL = MailChannel.IMAP
    CONNECTION = ("host", "security", "port", "username", "auth", "folder", "acknowledge", "processed_folder")
    ADVANCED = ("tls_ca_file", "batch_size", "timeout")
    OWN_KEYS = CONNECTION + ADVANCED + ("ssl",)  # "ssl" (true/false) is the old spelling of "security"

    host = StringField(_l("Server"), filters=[strip], description=_l("Till exempel imap.exempelby.se."), validators=[
        DataRequired(_l("Ange IMAP-serverns namn.")), Length(max=253, message=_l("Högst 253 tecken.")),
        Regexp(HOST, message=_l("Ange bara serverns namn eller IP-adress, utan imap:// och utan port."))])
    security = one_of(_l("Kryptering"), [("ssl", _l("SSL/TLS (port 993)")), ("starttls", _l("STARTTLS (port 143)")),
                                         ("none", _l("Ingen (bara mot en server på samma dator eller i ett skyddat nät)"))],
                      _l("Välj kryptering."), default="ssl")
    port = number(_l("Port (valfritt)"), 1, 65535, _l("Tomt: 993 med SSL/TLS, annars 143."))
    username = text(_l("Användarnamn"), _l("Ange användarnamnet som helpdesk loggar in med."),
                    _l("Till exempel servicedesk eller servicedesk@exempelby.se."))
    auth = one_of(_l("Inloggning"), [("password", _l("Lösenord")), ("xoauth2", _l("OAuth2-token (XOAUTH2)"))],
                  _l("Välj hur helpdesk loggar in."), default="password")
    folder = folder_field(_l("Mapp att läsa"), default="INBOX")
    acknowledge = one_of(_l("När ett meddelande är inläst"), [
        ("move", _l("Flytta det till mappen för hanterad e-post")), ("flag", _l("Markera det som läst och lämna det kvar"))],
        _l("Välj vad som händer med inlästa meddelanden."), default="move")
    processed_folder = StringField(_l("Mapp för hanterad e-post"), filters=[strip], default="Processed",
                                   validators=[Length(max=200, message=_l("Högst %(n)s tecken.", n=200))],
                                   description=_l("En undermapp skrivs med serverns avgränsare: INBOX.Behandlat på "
                                                  "Dovecot, INBOX/Behandlat på Exchange."))
    tls_ca_file = optional_text(_l("CA-fil (valfritt)"), 500, _l(
        "Sökväg på servern till en PEM-fil med kommunens egna CA-certifikat, om IMAP-servern inte har ett allmänt "
        "betrott certifikat."))
    batch_size = number(_l("Meddelanden per nedladdning (valfritt)"), 1, 100, _l("Tomt: 5."))
    timeout = number(_l("Tidsgräns i sekunder (valfritt)"), 5, 600, _l("Tomt: 60."))
    secret = secret_field(_l("Lösenord eller token för test (valfritt)"))

    def load(self, settings):
        if "security" not in settings and "ssl" in settings:
            settings = {**settings, "security": "ssl" if settings["ssl"] else "none"}
        super().load(settings)

    def validate_processed_folder(self, field):
        if self.acknowledge.data == "move" and not field.data:
            raise ValidationError(_l("Ange mappen som inläst e-post flyttas till."))


class GraphMailboxForm(MailboxForm):
    CHANNEL = MailChannel.GRAPH
    CONNECTION = ("tenant_id", "client_id", "acknowledge", "processed_folder")
    ADVANCED = ("page_size", "batch", "max_wait", "retries")
    OWN_KEYS = CONNECTION + ADVANCED

    tenant_id = azure_id(_l("Tenant-id (katalog-id)"), _l("Från appregistreringen i Entra ID."))
    client_id = azure_id(_l("Klient-id (program-id)"), _l(
        "Appen behöver programbehörigheten Mail.ReadWrite (och Mail.Send för svar), gärna begränsad till den här "
        "brevlådan."))
    acknowledge = one_of(_l("När ett meddelande är inläst"), [
        ("move", _l("Flytta det till mappen för hanterad e-post")), ("read", _l("Markera det som läst och lämna det kvar")),
        ("read_and_move", _l("Markera det som läst och flytta det"))],
        _l("Välj vad som händer med inlästa meddelanden."), default="move")
    processed_folder = folder_field(_l("Mapp för hanterad e-post"), PROCESSED_HINT)
    page_size = number(_l("Meddelanden per sida (valfritt)"), 1, 1000, _l("Tomt: 50."))
    batch = number(_l("Meddelanden per hämtning (valfritt)"), 1, 10000, _l("Tomt: 200."))
    max_wait = number(_l("Längsta väntan vid strypning, sekunder (valfritt)"), 0, 3600, _l("Tomt: 60."))
    retries = number(_l("Antal nya försök (valfritt)"), 0, 10, _l("Tomt: 4."))
    secret = secret_field(_l("Klienthemlighet för test (valfritt)"))

    def validate_tenant_id(self, field):
        if not field.data:
            raise ValidationError(_l("Ange tenant-id."))

    def validate_client_id(self, field):
        if not field.data:
            raise ValidationError(_l("Ange klient-id."))


class EwsMailboxForm(MailboxForm):
    CHANNEL = MailChannel.EWS
    CONNECTION = ("endpoint", "auth", "username", "tenant_id", "client_id", "processed_folder")
    ADVANCED = ("build", "batch", "max_wait")
    OWN_KEYS = CONNECTION + ADVANCED

    endpoint = StringField(_l("EWS-adress"), filters=[strip], description=_l(
        "Till exempel https://mail.exempelby.se/EWS/Exchange.asmx. Autodiscover används inte: adressen anges här."),
        validators=[DataRequired(_l("Ange EWS-adressen.")), Length(max=500, message=_l("Högst 500 tecken.")),
                    Regexp(r"^https?://[^\s/?#@]+(/[^\s]*)?$", message=_l(
                        "Ange en fullständig adress som börjar med https://, till exempel "
                        "https://mail.exempelby.se/EWS/Exchange.asmx."))])
    auth = one_of(_l("Inloggning"), [("ntlm", _l("NTLM (användarnamn och lösenord)")),
                                     ("oauth2", _l("OAuth2 (app i Entra ID, hybridmiljö)"))],
                  _l("Välj hur helpdesk loggar in."), default="ntlm")
    username = text(_l("Användarnamn (valfritt)"), hint=_l(
        "För NTLM, till exempel EXEMPELBY\\svc-helpdesk. Tomt: brevlådans adress."))
    tenant_id = azure_id(_l("Tenant-id (för OAuth2)"), _l("Från appregistreringen i Entra ID."))
    client_id = azure_id(_l("Klient-id (för OAuth2)"), _l("Appen behöver rätt att agera som brevlådan (impersonation)."))
    processed_folder = folder_field(_l("Mapp för hanterad e-post"), PROCESSED_HINT)
    build = StringField(_l("Serverns version (valfritt)"), filters=[strip], description=_l(
        "Exchange-serverns build, till exempel 15.2.1748.10. Tomt: 15.2 (Exchange 2019 och Subscription Edition)."),
        validators=[Optional(), Regexp(r"^\d{1,5}(\.\d{1,5}){1,3}$", message=_l(
            "Ange versionen som siffror med punkter, till exempel 15.2.1748.10."))])
    batch = number(_l("Meddelanden per hämtning (valfritt)"), 1, 1000, _l("Tomt: 50."))
    max_wait = number(_l("Längsta väntan när servern är upptagen, sekunder (valfritt)"), 0, 600, _l("Tomt: 30."))
    secret = secret_field(_l("Lösenord eller klienthemlighet för test (valfritt)"))

    def validate_tenant_id(self, field):
        if self.auth.data == "oauth2" and not field.data:
            raise ValidationError(_l("Ange tenant-id för OAuth2."))

    def validate_client_id(self, field):
        if self.auth.data == "oauth2" and not field.data:
            raise ValidationError(_l("Ange klient-id för OAuth2."))


class FilesMailboxForm(MailboxForm):
    CHANNEL = MailChannel.FILES
    CONNECTION = ("path", "processed_path", "suffix")
    OWN_KEYS = CONNECTION

    path = text(_l("Mapp att läsa"), _l("Ange mappen som .eml-filerna läggs i."),
                _l("Sökväg på servern, till exempel /srv/helpdesk/inkommande."), max_length=500)
    processed_path = text(_l("Mapp för inlästa filer (valfritt)"), hint=_l("Tomt: undermappen processed."), max_length=500)
    suffix = StringField(_l("Filändelse"), filters=[strip], default=".eml", validators=[
        DataRequired(_l("Ange filändelsen, till exempel .eml.")),
        Regexp(r"^\.?[A-Za-z0-9_-]{1,20}$", message=_l("Ange en filändelse som .eml."))])


class RelayMailboxForm(MailboxForm):
    CHANNEL = MailChannel.RELAY


FORMS = {form.CHANNEL: form for form in (ImapMailboxForm, GraphMailboxForm, EwsMailboxForm, FilesMailboxForm,
                                         RelayMailboxForm)}
