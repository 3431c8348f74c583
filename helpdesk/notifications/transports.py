"""Ways to send an outbox row: write files (development), SMTP, or a mailbox's own API.

Every transport takes an OutboundMessage and raises on failure; the job retries.
"""

import contextlib
import contextvars
import os
import smtplib
import ssl

from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from flask import current_app

from ..netguard import refuse_remote_in_tests


class TransportError(Exception):
    """Sending failed; retry later."""


def build_mime(outbound, *, display_name: str | None = None) -> EmailMessage:
    """The RFC 5322 message for an outbox row, with our threading and loop headers."""
    msg = EmailMessage()
    msg["From"] = formataddr((display_name or "", outbound.sender)) if display_name else outbound.sender
    msg["To"] = ", ".join(outbound.recipients)
    if outbound.cc:
        msg["Cc"] = ", ".join(outbound.cc)
    msg["Subject"] = outbound.subject
    msg["Message-ID"] = f"<{outbound.message_id}>"
    msg["Date"] = format_datetime(outbound.created_at)
    for name, value in outbound.headers.items():
        msg[name] = value
    msg.set_content(outbound.body_text)
    if outbound.body_html:
        msg.add_alternative(outbound.body_html, subtype="html")
    return msg


def send_files(outbound) -> None:
    """Development transport: each mail becomes an .eml file under instance/mail-out."""
    folder = current_app.config.get("MAIL_OUT_DIR") or os.path.join(current_app.instance_path, "mail-out")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{outbound.id:08d}.eml"), "wb") as fh:
        fh.write(bytes(build_mime(outbound)))


class _Relay:
    """One SMTP connection kept open for a run of the outbox; opened on first use, reopened after a failure."""

    MESSAGES_PER_CONNECTION = 100  # relays limit messages per session; start a new one well before

    def __init__(self):
        self.smtp = None
        self.count = 0

    def send(self, message, sender, recipients) -> None:
        if self.smtp is None or self.count >= self.MESSAGES_PER_CONNECTION:
            self.close()
            self.smtp = _connect(current_app.config)
        try:
            self.smtp.send_message(message, from_addr=sender, to_addrs=recipients)
            self.count += 1
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
            self.count += 1  # the relay refused this message; the session itself is fine (smtplib sent RSET) ...
            if self.smtp.sock is None:  # ... unless the answer was 421 (closing): smtplib closed its end
                self.close(quit=False)
            raise
        except BaseException:
            self.close(quit=False)  # the session is in an unknown state: never reuse it
            raise

    def close(self, quit=True) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit() if quit else self.smtp.close()
        self.smtp, self.count = None, 0


_relay: contextvars.ContextVar[_Relay | None] = contextvars.ContextVar("smtp_relay", default=None)


@contextlib.contextmanager
def smtp_connection():
    """Within this block, SMTP sends share one connection to the relay (the outbox job's run)."""
    relay = _Relay()
    token = _relay.set(relay)
    try:
        yield
    finally:
        _relay.reset(token)
        relay.close()


def _connect(cfg) -> smtplib.SMTP:
    refuse_remote_in_tests(cfg["SMTP_HOST"], "SMTP")
    smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"])
    try:
        if cfg["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["SMTP_USERNAME"]:
            smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_smtp(outbound) -> None:
    """Send through the SMTP relay (STARTTLS and login when configured)."""
    message, recipients = build_mime(outbound), list(outbound.recipients) + list(outbound.cc)
    try:
        relay = _relay.get()
        if relay is not None:
            relay.send(message, outbound.sender, recipients)
            return
        with _connect(current_app.config) as smtp:
            smtp.send_message(message, from_addr=outbound.sender, to_addrs=recipients)
    except (smtplib.SMTPException, OSError) as error:
        raise TransportError(f"{type(error).__name__}: {error}") from error


TRANSPORTS = {"files": send_files, "smtp": send_smtp}


def register(name: str, send) -> None:
    """Add a transport (EWS and Graph register themselves from the intake package)."""
    TRANSPORTS[name] = send


def transport_for(outbound, mailbox):
    """The mailbox's own transport when it has one, else the configured default."""
    name = (mailbox.send_transport if mailbox is not None and mailbox.send_transport != "smtp" else None) \
        or current_app.config["MAIL_TRANSPORT"]
    if name not in ("files", "smtp"):
        from ..intake.fetchers import _load_channels

        _load_channels()  # EWS and Graph register their transports on import
    try:
        return TRANSPORTS[name]
    except KeyError:
        raise TransportError(f"unknown mail transport {name!r}") from None



