"""The one "Uppdatera" form of the agent's ticket page.

Status, impact and urgency, system, group (with a reason), assignee and a
reply or internal note are saved in one submit and one transaction; each
change still writes its own TicketEvent, and the history shows the submit as
one entry (events of one actor at one moment). A hidden version (the id of the
ticket's newest event when the form was drawn) refuses a stale form: if someone
else changed the ticket meanwhile, nothing is saved and the agent is told what
changed, with everything typed kept.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import HiddenField, MultipleFileField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from ..extensions import db
from ..forms import choices
from ..limits import bounded_int
from .labels import IMPACT_CHOICES, URGENCY_CHOICES
from .models import MessageKind, Status, TicketEvent


class UpdateForm(FlaskForm):
    """Every field has an id of its own ("u-…"): the page holds other small forms too."""

    version = HiddenField(id="u-version")
    kind = RadioField(_l("Typ"), choices=choices([("public", _l("Svar till anmälaren")),
                                                  ("internal", _l("Intern anteckning"))]),
                      default="public", id="u-kind")
    canned = SelectField(_l("Svarsmall"), validators=[Optional()], id="u-canned")
    use_canned = SubmitField(_l("Använd mall"), id="u-use-canned")
    body = TextAreaField(_l("Meddelande"), validators=[Length(max=50000, message=_l("Texten är för lång."))],
                         id="u-body")
    attachments = MultipleFileField(_l("Bifoga filer"), id="u-attachments")
    status = SelectField(_l("Status"), id="u-status")
    impact = SelectField(_l("Påverkan"), coerce=int, choices=choices(IMPACT_CHOICES), id="u-impact")
    urgency = SelectField(_l("Brådska"), coerce=int, choices=choices(URGENCY_CHOICES), id="u-urgency")
    system_id = SelectField(_l("System"), coerce=int, id="u-system")
    group_id = SelectField(_l("Grupp"), coerce=int, id="u-group")
    group_reason = StringField(_l("Anledning till gruppbyte"), validators=[Optional(), Length(max=300)],
                               id="u-group-reason")
    assignee_id = SelectField(_l("Handläggare"), coerce=int, id="u-assignee")
    submit = SubmitField(_l("Uppdatera"), id="u-submit")


def version_of(ticket) -> str:
    """The ticket's version: the id of its newest history event."""
    newest = db.session.scalar(sa.select(sa.func.max(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id))
    return str(newest or 0)


def changes_since(ticket, version: str) -> list[TicketEvent]:
    """Events other people recorded on the ticket after the form was drawn."""
    after = bounded_int(version, 0)  # an event id; anything else (or too large for one): all changes
    return list(db.session.scalars(sa.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.id > after).order_by(TicketEvent.id)))


def bind(ticket, agent, *, fresh: bool, events=None):
    """The form with its choices; fresh: filled with the ticket's current values.

    events: the ticket's history when the caller has read it already (its newest id is the version).
    """
    from ..replies.services import usable
    from .pages import catalogue_choices, group_choices, member_choices, status_choices

    form = UpdateForm()
    form.status.choices = choices(status_choices(ticket))
    form.system_id.choices = choices(catalogue_choices())
    form.group_id.choices = choices(group_choices())
    form.assignee_id.choices = choices(member_choices(ticket.support_group_id) + _other_members(ticket))
    replies = usable(agent, ticket)
    form.canned.choices = choices([("", _("Ingen mall"))] + [(str(r.id), r.title) for r in replies])
    form.canned_replies = replies
    if fresh:
        form.version.data = version_of(ticket) if events is None else str(max((e.id for e in events), default=0))
        form.status.data = ticket.status
        form.impact.data, form.urgency.data = ticket.impact, ticket.urgency
        form.system_id.data = ticket.system_id or 0
        form.group_id.data = ticket.support_group_id
        form.assignee_id.data = ticket.assignee_id or 0
    return form


def _other_members(ticket):
    """Members of every active group, so a group change and an assignee can be chosen together."""
    from .pages import group_choices, memberships

    active = {group_id for group_id, _name in group_choices()}
    own = {r.id for r in memberships() if r.group_id == ticket.support_group_id}
    seen, out = set(), []
    for r in memberships():  # by name, then by group name: each person once, with their first group
        if r.id not in seen and r.id not in own and r.group_id in active:
            seen.add(r.id)
            out.append((r.id, f"{r.full_name} ({r.name})"))
    return out


@dataclass
class Outcome:
    changed: int  # how many things changed
    message: bool  # whether a reply or note was saved


def canned_choice(form):
    """The chosen canned reply, if the agent may use it."""
    wanted = form.canned.data or ""
    return next((r for r in getattr(form, "canned_replies", []) if str(r.id) == wanted), None)


def apply(ticket, form, *, actor, now, uploads) -> Outcome:
    """Save everything the form changes, in this order: group, assignee, system, priority, message, status."""
    from ..auth.models import User
    from ..org.models import SupportGroup
    from ..replies.services import fill
    from . import services
    from .pages import system_or_none

    before = ticket.status
    changed = 0
    if form.group_id.data != ticket.support_group_id:
        group = db.session.get(SupportGroup, form.group_id.data)
        services.move_to_group(ticket, group, actor=actor, now=now, reason=form.group_reason.data or None)
        changed += 1
    wanted_assignee = form.assignee_id.data or None
    if wanted_assignee != ticket.assignee_id:
        services.assign(ticket, db.session.get(User, wanted_assignee) if wanted_assignee else None,
                        actor=actor, now=now)
        changed += 1
    if (form.system_id.data or None) != ticket.system_id:
        services.change_system(ticket, system_or_none(form.system_id.data), actor=actor, now=now)
        changed += 1
    if (form.impact.data, form.urgency.data) != (ticket.impact, ticket.urgency):
        services.change_priority(ticket, impact=form.impact.data, urgency=form.urgency.data, actor=actor, now=now)
        changed += 1
    canned = canned_choice(form)
    body = form.body.data or ""
    if canned is not None and not body.strip():
        body = fill(canned.body, ticket=ticket, agent=actor)
    message = bool(body.strip() or uploads)
    if message:
        services.add_reply(ticket, body=body, actor=actor, now=now, kind=MessageKind(form.kind.data or "public"),
                           uploads=uploads, staff=True)
    status = form.status.data if form.status.data != before else None
    if status is None and canned is not None and canned.set_status:
        status = canned.set_status
    if status and Status(status) != ticket.status:
        services.change_status(ticket, status, actor=actor, now=now)
        changed += 1
    return Outcome(changed, message)
