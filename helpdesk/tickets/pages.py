"""Building the ticket page and the queue's choices (view helpers, no business rules)."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import User
from ..auth.permissions import Permission, reach_of, ticket_permissions
from ..catalogue.models import System
from ..database import built_once
from ..extensions import db
from ..forms import choices
from ..org.models import Department, GroupMember, SupportGroup
from ..reference import cached, row
from .forms import (
    AssignForm, ConfirmForm, EmptyForm, GroupForm, ReopenForm, ReplyForm, RequesterReplyForm,
    StatusForm, LinkForm, MergeForm, SystemForm,
)
from .labels import STATUS_LABELS
from .models import TRANSITIONS, Status, Ticket, TicketLink
from .queries import conversation, history


def page_size() -> int:
    return current_app.config["QUEUE_PAGE_SIZE"]


def group_choices():
    """(id, name) of the active groups, by name (read once per request)."""
    return list(cached("group_choices", lambda: [tuple(r) for r in db.session.execute(_groups_query())]))


@built_once
def _groups_query():
    return sa.select(SupportGroup.id, SupportGroup.name).where(SupportGroup.is_active).order_by(SupportGroup.name)


def memberships():
    """(user id, name, group id, group name) of every active member of an active group, by name (once per request)."""
    return cached("memberships", lambda: db.session.execute(_memberships_query()).all())


@built_once
def _memberships_query():
    return (sa.select(User.id, User.full_name, GroupMember.group_id, SupportGroup.name)
            .join(GroupMember, GroupMember.user_id == User.id).join(SupportGroup, SupportGroup.id == GroupMember.group_id)
            .where(User.is_active).order_by(User.full_name, User.id, SupportGroup.name))


def member_choices(group_id):
    return [(0, _("Ingen"))] + [(r.id, r.full_name) for r in memberships() if r.group_id == group_id]


def catalogue_choices():
    """What catalogue.queries.system_choices() gives without a search text (every active system by name,
    after "don't know"), read once per request: the update form and the system form both show it."""
    systems = cached("active_systems", lambda: [tuple(r) for r in db.session.execute(_systems_query())])
    return [(0, _("Vet inte / annat"))] + list(systems)


@built_once
def _systems_query():
    return sa.select(System.id, System.name).where(System.is_active).order_by(System.name)


def status_choices(ticket):
    allowed = TRANSITIONS[Status(ticket.status)]
    return [(s.value, STATUS_LABELS[s]) for s in Status if s in allowed or s == ticket.status]


def bind(form_cls, ticket):
    """A form of the ticket page with its choices filled in."""
    form = form_cls()
    if isinstance(form, GroupForm):
        form.group_id.choices = choices(group_choices())
    elif isinstance(form, AssignForm):
        form.assignee_id.choices = choices(member_choices(ticket.support_group_id))
    elif isinstance(form, StatusForm):
        form.status.choices = choices(status_choices(ticket))
    elif isinstance(form, SystemForm):
        form.system_id.choices = choices(catalogue_choices())
    elif isinstance(form, ReplyForm):
        form.status.choices = choices([("", _("Oförändrad"))] + [
            c for c in status_choices(ticket) if c[0] != ticket.status])
    return form


def render_ticket(ticket, **given):
    """Render the ticket page; forms passed in keep what the user typed."""
    perms = ticket_permissions(current_user, ticket)
    staff = Permission.TICKET_VIEW_INTERNAL in perms
    events = history(ticket) if staff else []  # read first: the update form's version and the SLA box use it
    forms = {}
    works = Permission.TICKET_WORK in perms
    if works and not ticket.merged_into_id:
        from .update import bind as bind_update

        forms["update_form"] = given.get("update_form") or bind_update(ticket, current_user, fresh=True,
                                                                       events=events if staff else None)
    # The update form holds the reply box, status, priority, group, assignee and system: the
    # separate forms (still posted to by older pages and scripts) are built only to show the
    # errors of one that was posted.
    if Permission.TICKET_REPLY in perms and not ticket.merged_into_id and (
            "update_form" not in forms or given.get("reply_form")):  # a merged ticket has no reply box
        forms["reply_form"] = given.get("reply_form") or bind(ReplyForm if Permission.TICKET_NOTE in perms
                                                              else RequesterReplyForm, ticket)
    if works:
        forms["status_form"] = given.get("status_form") or bind(StatusForm, ticket)
        forms["status_form"].status.data = forms["status_form"].status.data or ticket.status
        for key in ("priority_form", "group_form", "assign_form", "system_form"):
            if given.get(key):
                forms[key] = given[key]
        forms["claim_form"] = given.get("claim_form") or EmptyForm()
        forms["link_form"] = given.get("link_form") or LinkForm()
        forms["merge_form"] = given.get("merge_form") or MergeForm()
    if Permission.TICKET_CONFIRM in perms:
        forms["confirm_form"] = given.get("confirm_form") or ConfirmForm()
        forms["reopen_form"] = given.get("reopen_form") or ReopenForm()
    links = _links(ticket) if staff and extras(ticket.id).links else []
    incident = legal = None
    if staff and ticket.type == "security_incident":
        from ..clock import utcnow
        from ..security.services import incident_legal_view

        incident, legal = incident_legal_view(ticket, now=utcnow())
    return render_template(
        "tickets/show.html" if staff else "tickets/requester.html", incident=incident, legal=legal,
        ticket=ticket, perms=perms, messages=conversation(ticket, internal=staff), events=events,
        conflict=given.get("conflict"), merged_target=_merged_target(ticket),
        history_entries=history_entries(events), canned_data=canned_data,
        next_ticket=next_in_queue(ticket) if "update_form" in forms else None,
        due=due_view(ticket) if staff else None,
        names=event_names(events) if staff else {}, links=links, sla=sla_view(ticket, events) if staff else None,
        **forms,
    )


@dataclass(frozen=True)
class Extras:
    """Which of the rarer things the agent's ticket page shows a ticket has."""

    legal_hold: bool  # a standing legal hold
    major: bool  # the ticket is a major incident
    under_major: bool  # the ticket lies under one
    links: bool
    escalations: bool  # to suppliers (and so messages to or from them)
    time_entries: bool


def extras(ticket_id) -> Extras:
    """What the ticket has of the rarer things its page shows, in one round trip (once per request).

    Most tickets have none of them: the panels ask this before reading their rows, so the page
    makes one query here instead of one per panel.
    """
    return cached(("ticket_extras", ticket_id), lambda: Extras(
        *(bool(v) for v in db.session.execute(_extras_query(), {"ticket_id": ticket_id}).one())))


@built_once
def _extras_query():
    from ..effort.models import TimeEntry
    from ..outages.models import MajorIncident, MajorIncidentTicket
    from ..retention.models import LegalHold
    from ..suppliers.models import SupplierEscalation

    ticket_id = sa.bindparam("ticket_id")
    return sa.select(
        sa.exists().where(LegalHold.ticket_id == ticket_id, LegalHold.lifted_at.is_(None)),
        sa.exists().where(MajorIncident.ticket_id == ticket_id),
        sa.exists().where(MajorIncidentTicket.ticket_id == ticket_id),
        sa.or_(sa.exists().where(TicketLink.ticket_id == ticket_id), sa.exists().where(TicketLink.other_id == ticket_id)),
        sa.exists().where(SupplierEscalation.ticket_id == ticket_id),
        sa.exists().where(TimeEntry.ticket_id == ticket_id),
    )


def _links(ticket):
    """The linked tickets the viewer may see (a linked confidential ticket's subject is its content).

    Read for every call: only the statement is built once (_links_query), never its result, which
    depends on the viewer and on the links of the moment."""
    from .queries import visibility_shape, visibility_values

    values = visibility_values(current_user)
    return db.session.scalars(_links_query(visibility_shape(values)), {**values, "ticket_id": ticket.id}).all()


@built_once
def _links_query(shape):
    from .queries import visible_tickets_clause

    ticket_id = sa.bindparam("ticket_id")
    return sa.select(Ticket).where(Ticket.id.in_(
        sa.union(sa.select(TicketLink.other_id).where(TicketLink.ticket_id == ticket_id),
                 sa.select(TicketLink.ticket_id).where(TicketLink.other_id == ticket_id))),
        visible_tickets_clause(shape))


def due_view(ticket):
    """The next deadline for the facts box: passed or not, and whether it falls outside the desk's hours."""
    from ..clock import utcnow
    from ..org.models import Organisation
    from ..sla.models import Calendar
    from ..sla.services import business_calendar

    if not (ticket.resolution_due_at or ticket.first_response_due_at) or (
            ticket.sla_paused_since and not ticket.first_response_due_at):
        return None
    at = ticket.due_at
    org = row(Organisation, ticket.organisation_id)
    desk = row(Calendar, org.default_calendar_id) if org is not None and org.default_calendar_id else None
    outside = desk is not None and not business_calendar(desk).is_open(at - timedelta(minutes=1))
    return {"at": at, "overdue": at <= utcnow(), "outside_hours": outside}


def next_in_queue(ticket):
    """The number of the ticket after this one in the agent's own queue (open, own groups, by due time)."""
    from .queries import visibility_shape, visibility_values

    own = sorted(reach_of(current_user).group_ids)
    values = visibility_values(current_user)
    return db.session.scalar(_next_query(visibility_shape(values), bool(own)),
                             {**values, "own_groups": own, "ticket_id": ticket.id, "due_at": ticket.due_at})


@built_once
def _next_query(shape, own_groups: bool):
    from .queries import visible_tickets_clause

    ticket_id, due_at = sa.bindparam("ticket_id"), sa.bindparam("due_at", type_=Ticket.due_at.type)
    # "due_at >= " besides the OR: an index range to start from. Without it SQLite walked the
    # group's whole open queue from its start (27,000 tickets a group at 1M: up to 14 ms).
    query = sa.select(Ticket.id).where(visible_tickets_clause(shape), Ticket.is_open, Ticket.id != ticket_id,
                                       Ticket.due_at >= due_at,
                                       sa.or_(Ticket.due_at > due_at, sa.and_(Ticket.due_at == due_at, Ticket.id > ticket_id)))
    if own_groups:
        query = query.where(Ticket.support_group_id.in_(sa.bindparam("own_groups", expanding=True)))
    return query.order_by(Ticket.due_at, Ticket.id).limit(1)


def history_entries(events):
    """The history with the changes one person saved at one moment (one submit) grouped as one entry."""
    entries = []
    for event in events:
        if entries and entries[-1][0].at == event.at and entries[-1][0].actor_id == event.actor_id:
            entries[-1].append(event)
        else:
            entries.append([event])
    return entries


def canned_data(form, ticket):
    """Canned replies filled for this ticket, for the script that puts the text in the box."""
    from ..replies.services import fill

    return {str(r.id): {"body": fill(r.body, ticket=ticket, agent=current_user), "status": r.set_status or ""}
            for r in getattr(form, "canned_replies", [])}


def _merged_target(ticket):
    return db.session.get(Ticket, ticket.merged_into_id) if ticket.merged_into_id else None


def sla_view(ticket, events=None):
    """The ticket's SLA clocks for the page: targets, stretches and how each due time follows.

    events: the ticket's whole history when already read (its status changes drive the clocks).
    """
    from ..clock import utcnow
    from ..sla.services import calendar_of, level_of, state_of

    changes = None if events is None else [(e.at, e.new_value) for e in events if e.kind == "status"]
    state = state_of(ticket, changes=changes)
    from ..catalogue.labels import TIER_LABELS

    level = level_of(ticket)
    return {"state": state, "now": utcnow(), "level": level, "calendar": calendar_of(ticket),
            "tier_label": TIER_LABELS.get(level.tier, level.tier) if level else "",
            "clocks": [("first_response", state.first_response), ("resolution", state.resolution)]}


def event_names(events):
    """Names for the ids that events refer to (groups, users)."""
    group_ids = {int(v) for e in events if e.kind == "group" for v in (e.old_value, e.new_value) if v}
    user_ids = {int(v) for e in events if e.kind == "assignee" for v in (e.old_value, e.new_value) if v}
    groups = {i: name for i, name in group_choices() if i in group_ids}
    if group_ids - groups.keys():  # a group made inactive since
        groups |= dict(db.session.execute(sa.select(SupportGroup.id, SupportGroup.name).where(
            SupportGroup.id.in_(group_ids - groups.keys()))).all())
    users = {r.id: r.full_name for r in memberships() if r.id in user_ids} if user_ids else {}
    if user_ids - users.keys():  # someone no longer in an active group
        users |= dict(db.session.execute(sa.select(User.id, User.full_name).where(
            User.id.in_(user_ids - users.keys()))).all())
    return {"group": groups, "assignee": users}


@dataclass
class QueueChoices:
    own_group_ids: tuple
    groups: list
    assignee_choices: list
    systems: list
    departments: list


def queue_choices(user) -> QueueChoices:
    """Filter choices for the queue of this user."""
    reach = reach_of(user)
    own = tuple(sorted(reach.group_ids))  # empty: the queue shows all the user may see
    members = db.session.execute(
        sa.select(User.id, User.full_name).where(User.id.in_(
            sa.select(GroupMember.user_id).where(GroupMember.group_id.in_(own or group_ids_all()))
        ), User.is_active).order_by(User.full_name)
    ).all()
    return QueueChoices(
        own_group_ids=own,
        groups=group_choices(),
        assignee_choices=[(0, _("Ingen"))] + [(m.id, m.full_name) for m in members],
        systems=[(s.id, s.name) for s in db.session.scalars(sa.select(System).where(System.is_active).order_by(System.name))],
        departments=[(d.id, d.name) for d in db.session.scalars(sa.select(Department).order_by(Department.name))],
    )


def group_ids_all():
    return sa.select(SupportGroup.id)


def find_person(text: str):
    """A user by user name or e-mail address."""
    text = (text or "").strip().lower()  # user names and addresses are stored lower-cased
    return db.session.scalar(sa.select(User).where(
        sa.or_(User.username == text, User.email == text), User.is_active))


def system_or_none(system_id):
    return db.session.get(System, system_id) if system_id else None

