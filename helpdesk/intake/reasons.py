"""Why a received message went where it went, and where the parser tolerated a fault, in Swedish.

InboundMessage.reason and SwallowedError.last_error are written by the intake in English for the
log and the CLI ("error: KeyError: 'x'", "sender not verified: dmarc=fail"). The admin pages show
the sentence from here instead; the technical detail is at most an exception's class name or a
verification verdict, cleaned and cut short, never an exception's text (it may quote the mail).
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from ..textnorm import single_line

DETAIL_MAX = 80
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,79}")


@dataclass(frozen=True)
class Explained:
    text: str
    detail: str = ""  # short and technical, for a details element; "" when there is none


def _detail(value: str) -> str:
    return single_line(value or "")[:DETAIL_MAX]


def _class_name(value: str) -> str:
    match = _IDENTIFIER.match((value or "").strip())
    return match.group(0) if match else ""


def _number(part: str) -> str:
    match = re.search(r"#(\d+)", part)
    return match.group(1) if match else "?"


def _part(part: str) -> Explained:
    kinds = {
        "too_large": lambda: _("Meddelandet är större än den tillåtna storleken. Det är sparat, men bara avsändare "
                               "och ämne är lästa."),
        "no sender address": lambda: _("Meddelandet saknar avsändaradress."),
        "duplicate": lambda: _("Dubblett av ett meddelande som redan tagits emot."),
        "own mail": lambda: _("Vår egen e-post som kom tillbaka."),
        "own": lambda: _("Vår egen e-post som kom tillbaka."),
        "bounce": lambda: _("Studsat meddelande: e-post som inte kunde levereras."),
        "report": lambda: _("Läskvitto eller annan automatisk rapport."),
        "auto_reply": lambda: _("Automatiskt svar, till exempel ett frånvaromeddelande."),
        "list": lambda: _("E-postlista eller massutskick."),
        "loop": lambda: _("E-post som går i en slinga mellan automatiska system."),
        "supplier reply": lambda: _("Svar från en leverantör på en eskalering."),
    }
    if part in kinds:
        return Explained(kinds[part]())
    if part.startswith("unreadable:"):
        return Explained(_("Meddelandet gick inte att tolka som e-post. Det är sparat och kan laddas ned."),
                         _class_name(part.removeprefix("unreadable:")))
    if part.startswith("error:"):
        return Explained(_("Ett fel i programmet stoppade inläsningen. Meddelandet är sparat; läs in det igen när "
                           "felet är rättat. Detaljerna finns i serverns logg."),
                         _class_name(part.removeprefix("error:")))
    if part.startswith("duplicate of inbound #"):
        return Explained(_("Dubblett av mottaget meddelande #%(n)s.", n=_number(part)))
    if part.startswith("sender not verified:"):
        return Explained(_("Avsändaren kunde inte verifieras (SPF, DKIM eller DMARC)."),
                         _detail(part.removeprefix("sender not verified:").strip()))
    if part.startswith("sender domain not allowed:"):
        return Explained(_("Avsändarens domän %(domain)s får inte skapa ärenden i den här brevlådan.",
                           domain=_detail(part.removeprefix("sender domain not allowed:").strip())))
    if part.startswith("reply to closed #"):
        return Explained(_("Svar på det stängda ärendet #%(n)s: ett nytt, länkat ärende skapades.", n=_number(part)))
    if part.startswith("names #"):
        return Explained(_("Nämner ärende #%(n)s, men avsändaren är inte part i det: ett nytt, länkat ärende skapades.",
                           n=_number(part)))
    return Explained(_("Annan orsak; se serverns logg."), _class_name(part))


def explain_reason(reason: str | None) -> Explained:
    """The Swedish explanation of an InboundMessage.reason ("" stays empty); parts joined by "; " are each explained."""
    if not reason:
        return Explained("")
    parts = [_part(part.strip()) for part in reason.split("; ") if part.strip()]
    return Explained(" ".join(p.text for p in parts), ", ".join(p.detail for p in parts if p.detail))


SITES = (
    ("decoding.", lambda: _("Avkodning av rubrikrader (till exempel ämne och namn med å, ä och ö)")),
    ("parse.addresses", lambda: _("Tolkning av mottagaradresser")),
    ("parse.sender", lambda: _("Tolkning av avsändaren")),
    ("parse.content_type", lambda: _("Tolkning av meddelandets innehållstyp")),
    ("mime.tnef", lambda: _("Bilagan winmail.dat från Outlook (TNEF)")),
    ("mime.filename", lambda: _("Bilagors filnamn")),
    ("mime.part_text", lambda: _("Teckenkodning i meddelandets text")),
    ("mime.", lambda: _("Meddelandets delar och bilagor (MIME)")),
    ("classify.", lambda: _("Igenkänning av studsade meddelanden")),
    ("imap.", lambda: _("Anslutningen till IMAP-servern")),
)


def explain_swallowed(site: str, last_error: str) -> Explained:
    """What a parser site handles, in Swedish, and the class name of the last fault it tolerated."""
    text = next((label() for prefix, label in SITES if site.startswith(prefix)), _("Annat ställe i tolkningen"))
    return Explained(text, _class_name(last_error))


# OutboundMessage.last_error: "TransportError: SMTPAuthenticationError: (535, b'...')" and the like
# (helpdesk.notifications.jobs). The names before the first text are the causes, outermost first.
_CAUSE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_.]{0,79}):(?:\s|$)")
SEND_CAUSES = (
    (("SMTPAuthenticationError",), lambda: _("Inloggningen på e-postservern misslyckades. Kontrollera användarnamn "
                                             "och lösenord för SMTP i inställningarna.")),
    (("SMTPRecipientsRefused",), lambda: _("E-postservern tog inte emot mottagarens adress.")),
    (("SMTPSenderRefused",), lambda: _("E-postservern godtog inte avsändaradressen.")),
    (("SMTPDataError",), lambda: _("E-postservern avvisade meddelandet.")),
    (("SSLCertVerificationError", "SSLError"), lambda: _("Den krypterade anslutningen (TLS) till e-postservern "
                                                         "misslyckades.")),
    (("TimeoutError", "timeout", "ConnectTimeout", "ReadTimeout"), lambda: _("E-postservern svarade inte i tid.")),
    (("ConnectionRefusedError", "SMTPConnectError", "SMTPServerDisconnected", "gaierror", "ConnectionError",
      "ConnectionResetError", "OSError"), lambda: _("Det gick inte att ansluta till e-postservern.")),
    (("Graph",), lambda: _("Microsoft Graph svarade med ett fel.")),
    (("EWS",), lambda: _("Exchange (EWS) svarade med ett fel.")),
)


def _causes(last_error: str) -> list[str]:
    found, rest = [], single_line(last_error or "")
    while len(found) < 4:
        match = _CAUSE.match(rest)
        if match is None:
            break
        found.append(match.group(1))
        rest = rest[match.end():]
    return found


def explain_send_error(last_error: str | None) -> Explained:
    """Why an outgoing mail was not sent, in Swedish; the detail is the chain of exception classes only
    (a server's answer may hold addresses, host names or a secret)."""
    if not last_error:
        return Explained("")
    if last_error.startswith("withheld:"):
        return Explained(_("Stoppat: ingen av mottagarna får längre se det konfidentiella ärendet, så e-posten "
                           "skickas inte."))
    causes = _causes(last_error)
    detail = " → ".join(causes)
    for cause in reversed(causes):
        text = next((label() for names, label in SEND_CAUSES if cause in names), None)
        if text:
            return Explained(text, detail)
    if last_error.startswith("TransportError: unknown mail transport"):
        return Explained(_("Inställningen för hur e-post skickas är okänd. Kontrollera MAIL_TRANSPORT och "
                           "brevlådans sändsätt."), detail)
    return Explained(_("Utskicket misslyckades av ett oväntat skäl. Detaljerna finns i serverns logg."), detail)
