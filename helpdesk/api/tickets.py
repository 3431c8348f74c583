"""/api/v1/tickets: list, read, create, update, reply, note, events and attachments."""

import base64
import binascii
import hashlib
import os

import sqlalchemy as sa
from flask import abort, g, request, send_file
from flask_smorest import abort as smorest_abort

from ..auth.models import User
from ..auth.permissions import Permission, can
from ..catalogue.models import System
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError, InvalidTransition
from ..extensions import db
from ..org.models import SupportGroup
from ..tickets import attachments as files
from ..tickets import services
from ..tickets.loaders import TicketForbidden, TicketNotFound, read_ticket, Upload
from ..tickets.models import Attachment, Channel, MessageKind, TicketEvent, TicketType
from ..tickets.queries import QueueFilter, conversation, history, load_ticket, queue_page
from ..web import client_address
from . import idempotency, schemas
from .auth import audit_details, require_scope
from .blueprint import make_blueprint
from .problems import MAX_ID

blp = make_blueprint("api_tickets", "Tickets: the queue, the ticket, its conversation and history")

IF_MATCH = {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
            "description": "The ticket's ETag from the last read; required so two clients cannot overwrite each other"}
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False,
                   "schema": {"type": "string", "maxLength": 255},
                   "description": "Retrying a create with the same key returns the first answer instead of a second ticket"}
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": "Send back in If-Match to update"}}


def invalid(field: str, message: str):
    smorest_abort(422, errors=[{"field": field, "message": str(message)}])


def ticket_or_404(number: int, permission: Permission):
    """The ticket if the API user may do permission on it, through the one audited loader.

    404 for a ticket the user may not see (confidential or not), as on the web; 403 when the
    ticket is visible but the action is not; a read of a confidential ticket is audited.
    """
    details = audit_details()
    try:
        ticket = read_ticket(number, permission, actor=g.api_user, via=details.pop("via"),
                             address=client_address(), **details)
    except TicketNotFound:
        abort(404)
    except TicketForbidden:
        abort(403)
    g.ticket_loaded = ticket.id  # helpdesk.auth.routes checks that a ticket URL came through the loader
    return ticket


def etag_of(ticket) -> str:
    """Changes with every recorded change of the ticket (each writes a TicketEvent)."""
    last = db.session.scalar(sa.select(sa.func.max(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id))
    raw = f"{ticket.id}:{last}:{ticket.updated_at.isoformat()}:{ticket.status}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def with_messages(ticket):
    internal = can(g.api_user, Permission.TICKET_VIEW_INTERNAL, ticket)
    ticket.api_messages = conversation(ticket, internal=internal)
    return ticket


def uploads(items, field="attachments") -> list[Upload]:
    found = []
    for i, item in enumerate(items or ()):
        try:
            data = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            invalid(f"{field}.{i}.content_base64", "Inte giltig base64.")
        try:
            files.check_upload(item["filename"], len(data))
        except files.AttachmentRefused as error:
            invalid(f"{field}.{i}.filename", error.message)
        found.append(Upload(item["filename"], data))
    return found


def find_system(value):
    if value in (None, ""):
        return None
    value = str(value).strip()
    query = sa.select(System).where(System.id == int(value)) if value.isdigit() and len(value) < 10 \
        else sa.select(System).where(System.name == value)
    system = db.session.scalar(query)
    if system is None or not system.is_active:
        invalid("system", "Okänt system.")
    return system


def find_requester(value: str):
    value = value.strip().lower()
    column = User.email if "@" in value else User.username
    user = db.session.scalar(sa.select(User).where(column == value))
    if user is None or not user.is_active:
        invalid("requester", "Okänd eller inaktiv användare.")
    return user


@blp.get("/tickets")
@blp.arguments(schemas.TicketListArgs, location="query", as_kwargs=True)
@blp.response(200, schemas.TicketPage)
def list_tickets(page, per_page, **filters):
    """The tickets the caller may see, with the queue's filters, sorted by due time (or relevance with q)."""
    flt = QueueFilter(group_id=filters.get("group"), status=filters.get("status"), priority=filters.get("priority"),
                      assignee_id=filters.get("assignee"), system_id=filters.get("system"),
                      department_id=filters.get("department"), text=filters.get("q") or "")
    items, has_next = queue_page(g.api_user, flt, page, per_page)
    return {"items": items, "page": page, "per_page": per_page, "has_next": has_next}


@blp.post("/tickets")
@blp.arguments(schemas.TicketCreate)
@blp.response(201, schemas.TicketOut, headers=ETAG_HEADER)
@blp.doc(parameters=[IDEMPOTENCY_KEY])
def create_ticket(data):
    """Register a ticket on behalf of a requester (channel API) and route it; answers with its number."""
    require_scope("write")
    user = g.api_user
    replay = idempotency.replay(user, data)
    if replay is not None:
        return replay
    requester = find_requester(data["requester"])
    if requester.id != user.id and not (can(user, Permission.PHONE_LOG) or can(user, Permission.ADMIN_MANAGE)):
        abort(403, description="Bara handläggare och administratörer registrerar ärenden åt andra.")
    system = find_system(data.get("system"))
    files_in = uploads(data.get("attachments"))
    try:
        with unit_of_work():
            ticket = services.create_ticket(
                requester=requester, subject=data["subject"], body=data["body"], actor=user, now=utcnow(),
                system=system, impact=data["impact"], urgency=data["urgency"], type=TicketType(data["type"]),
                channel=Channel.API, uploads=files_in)
            ticket = with_messages(load_ticket(ticket.id))
            body = schemas.TicketOut().dumps(ticket)
            location = f"/api/v1/tickets/{ticket.id}"
            idempotency.remember(user, data, status=201, body=body, location=location)
            etag = etag_of(ticket)
    except files.AttachmentRefused as error:
        invalid("attachments", error.message)
    except DomainError as error:
        invalid(getattr(error, "field", "subject"), error.message)
    except idempotency.InFlight:
        abort(409, description="En begäran med samma Idempotency-Key pågår redan.")
    return ticket, 201, {"Location": location, "ETag": etag}


@blp.get("/tickets/<int:number>")
@blp.response(200, schemas.TicketOut, headers=ETAG_HEADER)
def get_ticket(number):
    """One ticket with its conversation (internal notes for staff only)."""
    ticket = ticket_or_404(number, Permission.TICKET_VIEW)
    return with_messages(ticket), 200, {"ETag": etag_of(ticket)}


@blp.patch("/tickets/<int:number>")
@blp.arguments(schemas.TicketUpdate)
@blp.response(200, schemas.TicketOut, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
def update_ticket(data, number):
    """Change status, impact/urgency, system, group or assignee through the ticket services.

    If-Match is required (428 without it, 412 when the ticket changed since it was read).
    """
    require_scope("write")
    ticket = ticket_or_404(number, Permission.TICKET_WORK)
    wanted = request.headers.get("If-Match")
    if not wanted:
        abort(428, description="Skicka If-Match med ärendets ETag.")
    if wanted.strip() not in (etag_of(ticket), "*"):
        abort(412, description="Ärendet har ändrats sedan du läste det. Läs det igen.")
    user, now = g.api_user, utcnow()
    try:
        with unit_of_work():
            if "group" in data:
                group = db.session.get(SupportGroup, data["group"])
                if group is None:
                    invalid("group", "Okänd grupp.")
                services.move_to_group(ticket, group, actor=user, now=now)
            if "assignee" in data:
                assignee = db.session.get(User, data["assignee"]) if data["assignee"] else None
                if data["assignee"] and assignee is None:
                    invalid("assignee", "Okänd användare.")
                _field("assignee", services.assign, ticket, assignee, actor=user, now=now)
            if "system" in data:
                system = find_system(data["system"]) if data["system"] else None
                services.change_system(ticket, system, actor=user, now=now)
            if "impact" in data or "urgency" in data:
                services.change_priority(ticket, impact=data.get("impact", ticket.impact),
                                         urgency=data.get("urgency", ticket.urgency), actor=user, now=now)
            if "status" in data:
                _field("status", services.change_status, ticket, data["status"], actor=user, now=now)
    except DomainError as error:
        invalid(getattr(error, "field", "group"), error.message)
    ticket = load_ticket(number)
    return with_messages(ticket), 200, {"ETag": etag_of(ticket)}


def _field(name, function, *args, **kwargs):
    """Run a service; a refusal names the field it came from."""
    try:
        return function(*args, **kwargs)
    except (DomainError, InvalidTransition) as error:
        error.field = name
        raise


def _post_message(number, data, *, note: bool):
    require_scope("write")
    ticket = ticket_or_404(number, Permission.TICKET_NOTE if note else Permission.TICKET_REPLY)
    user, now = g.api_user, utcnow()
    staff = can(user, Permission.TICKET_NOTE, ticket)
    if data.get("status") and not staff:
        invalid("status", "Bara handläggare kan ändra status.")
    files_in = uploads(data.get("attachments"))
    try:
        with unit_of_work():
            message = services.add_reply(ticket, body=data["body"], actor=user, now=now, staff=staff,
                                         kind=MessageKind.INTERNAL if note else MessageKind.PUBLIC,
                                         uploads=files_in, channel=Channel.API)
            if data.get("status"):
                _field("status", services.change_status, ticket, data["status"], actor=user, now=now)
            message_id = message.id
    except files.AttachmentRefused as error:
        invalid("attachments", error.message)
    except DomainError as error:
        invalid(getattr(error, "field", "body"), error.message)
    found = next(m for m in conversation(ticket, internal=True) if m.id == message_id)
    return found, 201, {"ETag": etag_of(ticket)}


@blp.post("/tickets/<int:number>/replies")
@blp.arguments(schemas.MessageIn)
@blp.response(201, schemas.MessageOut, headers=ETAG_HEADER)
def reply(data, number):
    """A public reply: e-mailed to the requester (from staff) and counted by the SLA like the web's."""
    return _post_message(number, data, note=False)


@blp.post("/tickets/<int:number>/notes")
@blp.arguments(schemas.MessageIn)
@blp.response(201, schemas.MessageOut, headers=ETAG_HEADER)
def note(data, number):
    """An internal note, for staff on the ticket only."""
    return _post_message(number, data, note=True)


@blp.get("/tickets/<int:number>/events")
@blp.response(200, schemas.EventOut(many=True))
def events(number):
    """The ticket's history: every change with actor and time."""
    ticket = ticket_or_404(number, Permission.TICKET_VIEW_INTERNAL)
    return history(ticket)


@blp.get("/tickets/<int:number>/attachments/<int:attachment_id>")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
def attachment(number, attachment_id):
    """Download one attachment (internal ones for staff only)."""
    ticket = ticket_or_404(number, Permission.TICKET_VIEW)
    item = db.session.get(Attachment, attachment_id) if attachment_id <= MAX_ID else None
    if item is None or item.ticket_id != ticket.id:
        abort(404)
    if item.message and not item.message.is_public and not can(g.api_user, Permission.TICKET_VIEW_INTERNAL, ticket):
        abort(404)
    path = files.path_of(item.storage_key)
    if not os.path.exists(path):
        abort(404)
    return send_file(path, mimetype="application/octet-stream", as_attachment=True,
                     download_name=item.filename, max_age=0)
