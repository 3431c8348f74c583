"""The one way to load a ticket for someone: permission check, 404 rule and the confidential-read audit.

Every read of a ticket on someone's behalf goes through ``read_ticket`` (or its web form
``get_ticket_or_404``): the ticket page and its actions, attachments, the incident page, the
legal hold, the disclosure form, access requests, the mail admin's view of a ticket's mail,
``helpdesk tickets show``, and the API. It

- answers "not found" (404 on the web) for a ticket the user may not see, exactly as for one
  that does not exist, so numbers reveal neither existence nor confidentiality (issue 8, 17);
- answers "forbidden" (403) only when the user sees the ticket but may not do this to it;
- writes a ``confidential_read`` audit entry, in its own committed transaction, for every
  load of a confidential ticket, naming the channel (``via``), so no new route can forget it.

It needs no request context: callers outside Flask (CLI, jobs, API) pass the actor, the
channel and the address themselves. Call it outside a unit of work: it commits the audit entry.
"""

from dataclasses import dataclass

from flask import abort, g, request
from flask_login import current_user

from ..auth.permissions import Permission, ticket_permissions
from ..limits import MAX_ID
from .queries import load_ticket


class TicketNotFound(LookupError):
    """No such ticket, or one the user may not see: the same answer for both."""


class TicketForbidden(PermissionError):
    """The user sees the ticket but may not do this to it."""


def read_ticket(number, permission: Permission | None, *, actor, via: str, address: str | None = None,
                **details):
    """The ticket if actor may do permission on it, audited when confidential.

    permission None means a trusted channel without a signed-in user (the command line run by
    the server's operator): no check, but the read is still audited with actor None.
    """
    from ..audit.services import record
    from ..clock import utcnow
    from ..database import unit_of_work

    if not isinstance(number, int) or not 0 < number <= MAX_ID:
        raise TicketNotFound(number)
    ticket = load_ticket(number)
    if ticket is None:
        raise TicketNotFound(number)
    if permission is not None:
        perms = ticket_permissions(actor, ticket)
        if Permission.TICKET_VIEW not in perms:
            raise TicketNotFound(number)
        if permission not in perms:
            raise TicketForbidden(number)
    if ticket.is_confidential:
        with unit_of_work():
            record("confidential_read", actor=actor, now=utcnow(), object_type="ticket", object_id=ticket.id,
                   address=address, via=via, **details)
        ticket = load_ticket(number)  # the commit expired it; load it again in one round trip
    return ticket


def get_ticket_or_404(number: int, permission: Permission, *, via: str = "web"):
    """read_ticket for the signed-in user of this request: 404 when hidden or missing, 403 when not allowed."""
    from ..web import client_address

    try:
        ticket = read_ticket(number, permission, actor=current_user, via=via, address=client_address(),
                             path=request.path)
    except TicketNotFound:
        abort(404)
    except TicketForbidden:
        abort(403)
    g.ticket_loaded = ticket.id  # helpdesk.auth.routes checks that a ticket URL came through here
    return ticket


@dataclass
class Upload:
    filename: str
    data: bytes


def uploads_from(field_name: str = "attachments") -> list[Upload]:
    """The non-empty files posted under field_name."""
    return [
        Upload(f.filename, f.read())
        for f in request.files.getlist(field_name)
        if f and f.filename
    ]
