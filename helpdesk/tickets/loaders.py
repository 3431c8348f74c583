"""Loading tickets and uploads for views, with the permission check."""

from dataclasses import dataclass

from flask import abort, request
from flask_login import current_user

from ..auth.permissions import Permission, ticket_permissions
from .queries import load_ticket


def get_ticket_or_404(number: int, permission: Permission):
    """The ticket if the user may do permission on it; 404 when hidden, else 403."""
    ticket = load_ticket(number)
    if ticket is None:
        abort(404)
    perms = ticket_permissions(current_user, ticket)
    if Permission.TICKET_VIEW not in perms:
        abort(404 if ticket.is_confidential else 403)
    if permission not in perms:
        abort(403)
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
