"""The API's JSON shapes (marshmallow): they validate requests and generate the OpenAPI document."""

import re

import marshmallow as ma
from marshmallow import validate

from ..tickets.models import Status, TicketType
from .models import Scope

UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Text made safe where it enters: no control characters (NUL above all) or bidi overrides."""
    return UNSAFE.sub("", text)


class Text(ma.fields.String):
    """A string field that drops control and bidi-override characters on the way in."""

    def _deserialize(self, value, attr, data, **kwargs):
        return clean(super()._deserialize(value, attr, data, **kwargs))


class Ref(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = Text(required=True)


class Person(ma.Schema):
    id = ma.fields.Integer(required=True)
    username = Text(required=True)
    name = Text(required=True, attribute="full_name")
    email = Text(allow_none=True)


class TicketSummary(ma.Schema):
    number = ma.fields.Integer(required=True, attribute="id")
    subject = Text(required=True)
    type = Text(required=True)
    channel = Text(required=True)
    status = Text(required=True)
    priority = ma.fields.Integer(required=True)
    impact = ma.fields.Integer(required=True)
    urgency = ma.fields.Integer(required=True)
    confidential = ma.fields.Boolean(required=True, attribute="is_confidential")
    requester = ma.fields.Nested(Person, required=True)
    assignee = ma.fields.Nested(Person, allow_none=True)
    group = ma.fields.Nested(Ref, required=True, attribute="support_group")
    system = ma.fields.Nested(Ref, allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)
    updated_at = ma.fields.AwareDateTime(required=True)
    solved_at = ma.fields.AwareDateTime(allow_none=True)
    first_response_due_at = ma.fields.AwareDateTime(allow_none=True)
    resolution_due_at = ma.fields.AwareDateTime(allow_none=True)


class AttachmentOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    filename = Text(required=True)
    content_type = Text(required=True)
    size = ma.fields.Integer(required=True)
    sha256 = Text(required=True)


class MessageOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = Text(required=True)
    channel = Text(required=True)
    author = ma.fields.Nested(Person, allow_none=True)
    body = Text(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    attachments = ma.fields.List(ma.fields.Nested(AttachmentOut), required=True)


class TicketOut(TicketSummary):
    messages = ma.fields.List(ma.fields.Nested(MessageOut), required=True, attribute="api_messages")


class TicketPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TicketSummary), required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    has_next = ma.fields.Boolean(required=True)


class TicketListArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    status = Text(validate=validate.OneOf(["open", "all", *[s.value for s in Status]]),
                              metadata={"description": "open (default): every open status; all: any"})
    priority = ma.fields.Integer(validate=validate.Range(1, 4))
    group = ma.fields.Integer(validate=validate.Range(1, 2**31 - 1))
    system = ma.fields.Integer(validate=validate.Range(1, 2**31 - 1))
    assignee = ma.fields.Integer(validate=validate.Range(0, 2**31 - 1), metadata={"description": "0: unassigned"})
    department = ma.fields.Integer(validate=validate.Range(1, 2**31 - 1))
    q = Text(validate=validate.Length(max=200))
    page = ma.fields.Integer(load_default=1, validate=validate.Range(1, 10000))
    per_page = ma.fields.Integer(load_default=25, validate=validate.Range(1, 100))


class UploadIn(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    filename = Text(required=True, validate=validate.Length(1, 255))
    content_base64 = Text(required=True, validate=validate.Length(max=30_000_000))


class TicketCreate(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    requester = Text(required=True, validate=validate.Length(1, 254),
                                 metadata={"description": "User name or e-mail address"})
    subject = Text(required=True, validate=validate.Length(1, 300))
    body = Text(required=True, validate=validate.Length(max=100_000))
    system = Text(allow_none=True, validate=validate.Length(max=200),
                              metadata={"description": "Catalogue system name or id"})
    type = Text(load_default="incident", validate=validate.OneOf(
        [TicketType.INCIDENT, TicketType.REQUEST]))
    impact = ma.fields.Integer(load_default=3, validate=validate.Range(1, 3))
    urgency = ma.fields.Integer(load_default=3, validate=validate.Range(1, 3))
    attachments = ma.fields.List(ma.fields.Nested(UploadIn), load_default=list, validate=validate.Length(max=10))


class TicketUpdate(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    status = Text(validate=validate.OneOf([s.value for s in Status]))
    impact = ma.fields.Integer(validate=validate.Range(1, 3))
    urgency = ma.fields.Integer(validate=validate.Range(1, 3))
    system = ma.fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1))
    group = ma.fields.Integer(validate=validate.Range(1, 2**31 - 1))
    assignee = ma.fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1))


class MessageIn(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    body = Text(required=True, validate=validate.Length(max=100_000))
    status = Text(validate=validate.OneOf([s.value for s in Status]),
                              metadata={"description": "Staff only: set this status with the reply"})
    attachments = ma.fields.List(ma.fields.Nested(UploadIn), load_default=list, validate=validate.Length(max=10))


class EventOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    at = ma.fields.AwareDateTime(required=True)
    kind = Text(required=True)
    actor = ma.fields.Nested(Person, allow_none=True)
    old = Text(allow_none=True, attribute="old_value")
    new = Text(allow_none=True, attribute="new_value")


class UserOut(Person):
    department_id = ma.fields.Integer(allow_none=True)
    organisation_id = ma.fields.Integer(allow_none=True)
    is_active = ma.fields.Boolean(required=True)
    is_contact = ma.fields.Boolean(required=True)
    roles = ma.fields.Method("role_list", required=True)

    def role_list(self, user):
        return sorted(user.roles)


class UserCreate(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    username = Text(required=True, validate=validate.Regexp(r"^[a-z0-9._-]{2,64}$"))
    full_name = Text(required=True, validate=validate.Length(1, 200))
    email = ma.fields.Email(allow_none=True, validate=validate.Length(max=254))
    department_id = ma.fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1))
    is_contact = ma.fields.Boolean(load_default=False)


class OrganisationOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = Text(required=True)


class DepartmentOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = Text(required=True)
    organisation_id = ma.fields.Integer(required=True)


class GroupOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = Text(required=True)
    organisation_id = ma.fields.Integer(required=True)
    department_id = ma.fields.Integer(allow_none=True)
    is_service_desk = ma.fields.Boolean(required=True)
    handles_security_incidents = ma.fields.Boolean(required=True)
    is_active = ma.fields.Boolean(required=True)


class SystemOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = Text(required=True)
    description = Text(allow_none=True)
    department_id = ma.fields.Integer(allow_none=True)
    support_group_id = ma.fields.Integer(allow_none=True)
    is_common = ma.fields.Boolean(allow_none=True)


class TokenOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = Text(required=True)
    kind = Text(required=True)
    prefix = Text(required=True)
    scope = Text(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    expires_at = ma.fields.AwareDateTime(allow_none=True)
    last_used_at = ma.fields.AwareDateTime(allow_none=True)
    revoked_at = ma.fields.AwareDateTime(allow_none=True)


class TokenCreate(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = Text(required=True, validate=validate.Length(1, 120))
    scope = Text(required=True, validate=validate.OneOf([s.value for s in Scope]))
    expires_at = ma.fields.AwareDateTime(allow_none=True)


class TokenCreated(TokenOut):
    token = Text(required=True, metadata={"description": "The secret; shown this once"})


class AlertIn(ma.Schema):
    """Alertmanager's webhook body, or the generic form (system, severity, summary, fingerprint)."""

    class Meta:
        unknown = ma.INCLUDE

    alerts = ma.fields.List(ma.fields.Dict(), validate=validate.Length(max=1000))
    fingerprint = Text(validate=validate.Length(1, 255))
    system = Text(allow_none=True, validate=validate.Length(max=200))
    severity = Text(allow_none=True, validate=validate.Length(max=40))
    summary = Text(validate=validate.Length(max=300))
    description = Text(allow_none=True, validate=validate.Length(max=10_000))
    status = Text(validate=validate.OneOf(["firing", "resolved"]))


class AlertResult(ma.Schema):
    fingerprint = Text(required=True)
    ticket = ma.fields.Integer(required=True)
    action = Text(required=True)


class AlertResults(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(AlertResult), required=True)
