"""Building raw e-mail for intake tests."""

from email.message import EmailMessage
from email.utils import format_datetime

from tests.conftest import BASE_TIME

_counter = [0]


def mail(*, sender="anna@exempelby.se", to="servicedesk@exempelby.se", subject="Skrivaren krånglar",
         body="Skrivaren på plan 2 skriver inte ut.", message_id=None, headers=None, cc=None,
         html=None, attachments=(), charset="utf-8") -> bytes:
    """A plain (or HTML alternative) message as bytes."""
    _counter[0] += 1
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = format_datetime(BASE_TIME)
    if message_id is not False:
        msg["Message-ID"] = message_id or f"<test-{_counter[0]}-{id(msg)}@mail.exempelby.se>"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body, charset=charset)
    if html:
        msg.add_alternative(html, subtype="html")
    for filename, data, ctype in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(msg)


def message_id_of(raw: bytes) -> str:
    from email import message_from_bytes, policy

    return str(message_from_bytes(raw, policy=policy.default)["Message-ID"]).strip("<>")
