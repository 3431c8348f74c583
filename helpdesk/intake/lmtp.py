"""LMTP listener (`helpdesk lmtp`): the mail relay delivers here and hears back per recipient.

Each recipient's copy is ingested in its own transaction and answered "250 OK" only
after the commit; a database that is away answers "451 4.3.0 try again later", so
the relay keeps the message and retries. The RCPT TO address picks the Mailbox (the
first active one when no mailbox has that address). Ingesting runs on one worker
thread: the asyncio loop keeps serving connections, and SQLite sees one writer.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from sqlalchemy.exc import DBAPIError

from ..clock import get_clock
from ..database import unit_of_work
from ..extensions import db
from .models import Mailbox
from .services import ingest

log = logging.getLogger(__name__)
OK = "250 OK"
TRY_LATER = "451 4.3.0 try again later"


def mailbox_for(address: str):
    """The active Mailbox with this address, else the first active one (None when there is none)."""
    found = db.session.scalar(sa.select(Mailbox).where(
        Mailbox.is_active, sa.func.lower(Mailbox.address) == (address or "").strip().lower()))
    return found or db.session.scalar(sa.select(Mailbox).where(Mailbox.is_active).order_by(Mailbox.id))


def deliver(app, raw: bytes, recipients: list[str]) -> list[str]:
    """Ingest one copy per recipient, each committed before its reply line is decided."""
    replies = []
    with app.app_context():
        for address in recipients:
            try:
                with unit_of_work():
                    ingest(raw, mailbox_for(address), now=get_clock().now())
            except Exception as error:  # database away (or disk full...): the relay keeps it and retries
                level = logging.WARNING if isinstance(error, DBAPIError) else logging.ERROR
                log.log(level, "LMTP delivery to %s failed; asking the relay to retry", address, exc_info=True)
                replies.append(TRY_LATER)
            else:
                replies.append(OK)
    return replies


class IntakeHandler:
    """aiosmtpd handler: DATA hands the raw bytes to ingest() on the worker thread."""

    def __init__(self, app, executor):
        self.app = app
        self.executor = executor

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        replies = await loop.run_in_executor(self.executor, deliver, self.app, raw, list(envelope.rcpt_tos))
        return "\r\n".join(replies)  # LMTP: one reply line per accepted recipient


class LMTPController(Controller):
    def factory(self):
        return LMTP(self.handler, **self.SMTP_kwargs)


class LMTPListener:
    """The listener on host:port; start() returns once it accepts connections, stop() closes everything."""

    def __init__(self, app, host: str, port: int):
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lmtp-intake")
        self.controller = LMTPController(
            IntakeHandler(app, self.executor), hostname=host, port=port,
            data_size_limit=2 * app.config["MAIL_MAX_BYTES"],  # oversize mail is kept and quarantined, not refused
            server_hostname=app.config["MAIL_MESSAGE_ID_DOMAIN"])

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
        self.executor.shutdown(wait=True)
