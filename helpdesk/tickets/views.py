"""Ticket page, agent actions, attachments, queue and phone log."""

import os

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..auth.models import User
from ..auth.permissions import Permission, can
from ..catalogue.queries import system_choices
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..forms import choices as as_choices
from ..org.models import SupportGroup
from ..limits import bounded_int, int_arg
from ..auth.routes import declare, requires, signed_in
from . import attachments as files
from . import services
from .forms import (
    AssignForm, BulkAssignForm, ConfirmForm, EmptyForm, GroupForm, LinkForm, MergeForm, PhoneForm,
    PriorityForm, ReopenForm, ReplyForm, RequesterReplyForm, StatusForm, SystemForm,
)
from .labels import STATUS_LABELS
from .loaders import get_ticket_or_404, uploads_from
from .models import Attachment, Channel, MessageKind, Status
from .queries import SORTS, QueueFilter, load_ticket, queue_page
from . import pages

bp = Blueprint("tickets", __name__)
declare(bp, signed_in)  # each ticket route checks its ticket through get_ticket_or_404


@bp.before_request
@login_required
def require_login():
    """Every ticket page needs a signed-in user."""


@bp.route("/tickets/<int:number>")
def show(number):
    """The ticket page: staff see the work view, requesters the conversation."""
    ticket = get_ticket_or_404(number, Permission.TICKET_VIEW)  # audits a confidential read
    return pages.render_ticket(ticket)


def _act(number, permission, form_cls, action, *, form_key):
    """Validate one small form on the ticket page and run one service."""
    ticket = get_ticket_or_404(number, permission)
    form = pages.bind(form_cls, ticket)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                action(ticket, form)
        except DomainError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for("tickets.show", number=ticket.id))
    return pages.render_ticket(ticket, **{form_key: form}), 400


@bp.route("/tickets/<int:number>/reply", methods=["POST"])
def reply(number):
    """A public reply or internal note from staff, or an answer from the requester."""
    ticket = get_ticket_or_404(number, Permission.TICKET_REPLY)
    staff = can(current_user, Permission.TICKET_NOTE, ticket)
    form = pages.bind(ReplyForm if staff else RequesterReplyForm, ticket)
    if form.validate_on_submit():
        kind = MessageKind(form.kind.data) if staff else MessageKind.PUBLIC
        try:
            with unit_of_work():
                now = utcnow()
                services.add_reply(ticket, body=form.body.data, actor=current_user, now=now,
                                   kind=kind, uploads=uploads_from(), staff=staff)
                if staff and form.status.data:
                    services.change_status(ticket, form.status.data, actor=current_user, now=now)
        except files.AttachmentRefused as error:
            form.attachments.errors = [error.message]
        except DomainError as error:
            form.body.errors = [*form.body.errors, error.message]
        else:
            flash(_("Meddelandet är sparat."), "success")
            return redirect(url_for("tickets.show", number=ticket.id, _anchor="conversation"))
    return pages.render_ticket(ticket, reply_form=form), 400


@bp.route("/tickets/<int:number>/status", methods=["POST"])
def change_status(number):
    return _act(number, Permission.TICKET_WORK, StatusForm, lambda t, f: services.change_status(
        t, f.status.data, actor=current_user, now=utcnow()), form_key="status_form")


@bp.route("/tickets/<int:number>/priority", methods=["POST"])
def change_priority(number):
    return _act(number, Permission.TICKET_WORK, PriorityForm, lambda t, f: services.change_priority(
        t, impact=f.impact.data, urgency=f.urgency.data, actor=current_user, now=utcnow()),
        form_key="priority_form")


@bp.route("/tickets/<int:number>/group", methods=["POST"])
def move_group(number):
    def move(ticket, form):
        group = db.session.get(SupportGroup, form.group_id.data)
        services.move_to_group(ticket, group, actor=current_user, now=utcnow(), reason=form.reason.data or None)
    return _act(number, Permission.TICKET_WORK, GroupForm, move, form_key="group_form")


@bp.route("/tickets/<int:number>/system", methods=["POST"])
def change_system(number):
    return _act(number, Permission.TICKET_WORK, SystemForm, lambda t, f: services.change_system(
        t, pages.system_or_none(f.system_id.data), actor=current_user, now=utcnow()), form_key="system_form")


@bp.route("/tickets/<int:number>/raise-incident", methods=["POST"])
def raise_incident(number):
    """Turn the ticket into a security incident (confidential from now on)."""
    from ..security.services import raise_to_incident

    def act(ticket, form):
        incident = raise_to_incident(ticket, actor=current_user, now=utcnow())
        flash(_("Ärendet är nu en säkerhetsincident och konfidentiellt."), "success")
        return incident
    return _act(number, Permission.TICKET_WORK, EmptyForm, act, form_key="claim_form")


@bp.route("/tickets/<int:number>/assign", methods=["POST"])
def assign(number):
    def do_assign(ticket, form):
        user = db.session.get(User, form.assignee_id.data) if form.assignee_id.data else None
        services.assign(ticket, user, actor=current_user, now=utcnow())
    return _act(number, Permission.TICKET_WORK, AssignForm, do_assign, form_key="assign_form")


@bp.route("/tickets/<int:number>/claim", methods=["POST"])
def claim(number):
    return _act(number, Permission.TICKET_WORK, EmptyForm, lambda t, f: services.assign(
        t, current_user, actor=current_user, now=utcnow()), form_key="claim_form")


def _other(form, permission):
    """The ticket named in a link/merge form, if the user may work it."""
    other = load_ticket(form.number.data)
    if other is None or not can(current_user, permission, other):
        raise DomainError(_("Ärende #%(n)s finns inte eller så saknar du behörighet.", n=form.number.data))
    return other


@bp.route("/tickets/<int:number>/link", methods=["POST"])
def link(number):
    return _act(number, Permission.TICKET_WORK, LinkForm, lambda t, f: services.link_tickets(
        t, _other(f, Permission.TICKET_WORK), actor=current_user, now=utcnow()), form_key="link_form")


@bp.route("/tickets/<int:number>/merge", methods=["POST"])
def merge(number):
    """Merging asks first: a page with both subjects; only its "Ja, sammanfoga" button merges."""
    if request.form.get("confirmed") != "1":
        ticket = get_ticket_or_404(number, Permission.TICKET_WORK)
        form = pages.bind(MergeForm, ticket)
        if form.validate_on_submit():
            try:
                other = _other(form, Permission.TICKET_WORK)
                if other.id == ticket.id:
                    raise DomainError(_("Ett ärende kan inte sammanfogas med sig självt."))
            except DomainError as error:
                form.number.errors = [error.message]
            else:
                return render_template("tickets/merge_confirm.html", ticket=ticket, other=other, form=form)
        return pages.render_ticket(ticket, merge_form=form), 400
    return _act(number, Permission.TICKET_WORK, MergeForm, lambda t, f: services.merge_ticket(
        t, _other(f, Permission.TICKET_WORK), actor=current_user, now=utcnow()), form_key="merge_form")


@bp.route("/tickets/<int:number>/confirm", methods=["POST"])
def confirm(number):
    return _act(number, Permission.TICKET_CONFIRM, ConfirmForm, lambda t, f: services.confirm_solution(
        t, actor=current_user, now=utcnow()), form_key="confirm_form")


@bp.route("/tickets/<int:number>/reopen", methods=["POST"])
def reopen(number):
    return _act(number, Permission.TICKET_CONFIRM, ReopenForm, lambda t, f: services.reject_solution(
        t, body=f.body.data, actor=current_user, now=utcnow()), form_key="reopen_form")


@bp.route("/tickets/<int:number>/attachments/<int:attachment_id>")
def attachment(number, attachment_id):
    """Download an attachment; internal ones only for staff."""
    ticket = get_ticket_or_404(number, Permission.TICKET_VIEW, via="attachment")
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.ticket_id != ticket.id:
        abort(404)
    if item.message and not item.message.is_public and not can(current_user, Permission.TICKET_VIEW_INTERNAL, ticket):
        abort(404)
    path = files.path_of(item.storage_key)
    if not os.path.exists(path):
        abort(404)
    response = send_file(path, mimetype=files.served_type(item.content_type), as_attachment=True,
                         download_name=item.filename, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _int_arg(name):
    return int_arg(name)


@bp.route("/queue")
@requires(Permission.QUEUE_VIEW)
def queue():
    """The agent's queue: filters, sortable columns, a capped total count, flags and saved views."""
    from . import queue_tools

    if not can(current_user, Permission.QUEUE_VIEW):
        abort(403)
    text = request.args.get("q", "")[:200]
    number = queue_tools.number_in(text)
    if number is not None:  # "2750" or "#2750" opens that ticket
        found = load_ticket(number)
        if found is not None and can(current_user, Permission.TICKET_VIEW, found):
            return redirect(url_for("tickets.show", number=number))
    choices = pages.queue_choices(current_user)
    group_id = _int_arg("group")
    sort = request.args.get("sort")
    flt = QueueFilter(
        group_id=group_id, status=request.args.get("status") or "all_open",
        priority=_int_arg("priority"), assignee_id=_int_arg("assignee"),
        system_id=_int_arg("system"), department_id=_int_arg("department"),
        text=text,
        mine_only_groups=() if request.args.get("scope") == "all" else choices.own_group_ids,
        sort=sort if sort in SORTS else None, descending=request.args.get("dir") == "desc",
    )
    if flt.status not in {"all_open", "all", *[s.value for s in Status]}:
        flt.status = "all_open"
    page = max(1, min(_int_arg("page") or 1, 100000))
    size = pages.page_size()
    tickets, has_next = queue_page(current_user, flt, page, size)
    total, more_than, also = queue_tools.count_and_hints(current_user, flt)
    mentioned = [t for t in (load_ticket(n) for n in queue_tools.numbers_mentioned(text)[:3])
                 if t is not None and can(current_user, Permission.TICKET_VIEW, t)]
    bulk = BulkAssignForm()
    bulk.assignee_id.choices = as_choices(choices.assignee_choices)
    return render_template("tickets/queue.html", tickets=tickets, has_next=has_next, page=page,
                           flt=flt, choices=choices, bulk_form=bulk, scope=request.args.get("scope", ""),
                           statuses=STATUS_LABELS, now=utcnow(), total=total, more_than=more_than,
                           first=(page - 1) * size + 1 if tickets else 0, last=(page - 1) * size + len(tickets),
                           flags=queue_tools.flags(tickets), also=also,
                           mentioned=mentioned, not_found=number if number is not None else None,
                           views=queue_tools.views_of(current_user), view_query=queue_tools.view_query(request.args),
                           view_form=EmptyForm(), count_cap=queue_tools.COUNT_CAP)


@bp.route("/queue/views", methods=["POST"])
def save_queue_view():
    """Save the queue's current filters and sort under a name of the agent's choice."""
    from . import queue_tools

    if not can(current_user, Permission.QUEUE_VIEW):
        abort(403)
    query = request.form.get("query", "")[:1000]
    if EmptyForm().validate_on_submit():
        try:
            with unit_of_work():
                queue_tools.save_view(current_user, request.form.get("name", ""), query, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Vyn är sparad."), "success")
    return redirect(url_for("tickets.queue") + (f"?{query}" if query else ""))


@bp.route("/queue/views/<int:view_id>/delete", methods=["POST"])
@requires(Permission.QUEUE_VIEW)
def delete_queue_view(view_id):
    """Remove one of the agent's own saved views; anyone else's, or none, is 404."""
    from . import queue_tools

    if EmptyForm().validate_on_submit():
        with unit_of_work():
            if not queue_tools.delete_view(current_user, view_id):
                abort(404)
        flash(_("Vyn är borttagen."), "success")
    return redirect(url_for("tickets.queue"))


@bp.route("/queue/assign", methods=["POST"])
@requires(Permission.QUEUE_VIEW)
def bulk_assign():
    """Assign the ticked tickets to one agent."""
    if not can(current_user, Permission.QUEUE_VIEW):
        abort(403)
    form = BulkAssignForm()
    form.assignee_id.choices = as_choices(pages.queue_choices(current_user).assignee_choices)
    ids = [n for n in (bounded_int(i) for i in request.form.getlist("ticket")) if n is not None][:200]
    if not form.validate_on_submit() or not ids:
        flash(_("Markera minst ett ärende och välj handläggare."), "error")
        return redirect(request.referrer if _same_site(request.referrer) else url_for("tickets.queue"))
    done, refused = 0, []
    user = db.session.get(User, form.assignee_id.data) if form.assignee_id.data else None
    for number in ids:
        ticket = load_ticket(number)
        if ticket is None or not can(current_user, Permission.TICKET_WORK, ticket):
            refused.append(number)
            continue
        try:
            with unit_of_work():
                services.assign(ticket, user, actor=current_user, now=utcnow())
            done += 1
        except DomainError as error:
            refused.append(number)
            flash(f"#{number}: {error.message}", "error")
    flash(ngettext("%(num)s ärende tilldelat.", "%(num)s ärenden tilldelade.", done), "success")
    if refused:
        flash(ngettext("Inte tilldelat: %(list)s.", "Inte tilldelade (%(num)s): %(list)s.", len(refused),
                       list=", ".join(f"#{n}" for n in refused)), "error")
    return redirect(url_for("tickets.queue"))


def _same_site(url):
    return bool(url) and url.startswith(request.host_url)


@bp.route("/phone", methods=["GET", "POST"])
@requires(Permission.PHONE_LOG)
def phone():
    """Log a phone call as a ticket on behalf of the caller."""
    if not can(current_user, Permission.PHONE_LOG):
        abort(403)
    form = PhoneForm()
    form.system_id.choices = as_choices(system_choices())
    candidates = []
    if form.validate_on_submit():
        from . import callers
        from ..errors import InvalidField

        caller = None
        if form.caller_id.data:
            caller = db.session.get(User, form.caller_id.data)
        elif (form.caller.data or "").strip():
            candidates = callers.find_callers(form.caller.data)
            if len(candidates) == 1:
                caller = candidates[0]
            elif not candidates:
                form.caller.errors = [_("Ingen person matchar. Kontrollera stavningen, eller fyll i uppringaren som ny kontakt nedan.")]
            else:
                form.caller_id.choices = as_choices((u.id, f"{u.full_name} ({u.email or u.username})") for u in candidates)
                form.caller_id.errors = [_("Flera personer matchar. Välj vem som ringde.")]
        elif any((f.data or "").strip() for f in (form.contact_name, form.contact_email, form.contact_phone)):
            caller = "contact"  # made in the ticket's own transaction below
        else:
            form.caller.errors = [_("Ange vem som ringde, eller fyll i uppringaren som ny kontakt.")]
        if caller is not None:
            try:
                with unit_of_work():
                    now = utcnow()
                    if caller == "contact":
                        caller = callers.new_contact(name=form.contact_name.data, email=form.contact_email.data,
                                                     phone=form.contact_phone.data,
                                                     organisation_id=current_user.organisation_id, now=now)
                    system = pages.system_or_none(form.system_id.data)
                    ticket = services.create_ticket(
                        requester=caller, subject=form.subject.data, body=form.description.data,
                        actor=current_user, now=now, system=system, impact=form.impact.data,
                        urgency=form.urgency.data, channel=Channel.PHONE)
                    if form.solved.data:
                        services.change_status(ticket, Status.SOLVED, actor=current_user, now=now)
            except InvalidField as error:
                getattr(form, error.field).errors = [error.message]
            except DomainError as error:
                form.subject.errors = [*form.subject.errors, error.message]
            else:
                flash(_("Samtalet är registrerat som ärende #%(n)s.", n=ticket.id), "success")
                return redirect(url_for("tickets.show", number=ticket.id))
    return render_template("tickets/phone.html", form=form, candidates=candidates), 400 if form.errors else 200


@bp.route("/tickets/<int:number>/update", methods=["POST"])
def update(number):
    """The one "Uppdatera" form: every change of the agent's ticket page in one submit."""
    from . import update as updating
    from ..replies.services import fill

    ticket = get_ticket_or_404(number, Permission.TICKET_WORK)
    if ticket.merged_into_id:
        flash(_("Ärendet är sammanfogat med #%(n)s.", n=ticket.merged_into_id), "error")
        return redirect(url_for("tickets.show", number=ticket.id))
    form = updating.bind(ticket, current_user, fresh=False)
    if form.use_canned.data and form.validate_on_submit():  # without JavaScript: fill the text, save nothing
        canned = updating.canned_choice(form)
        if canned is not None:
            form.body.data = fill(canned.body, ticket=ticket, agent=current_user)
            if canned.set_status and canned.set_status in {c.value for c in form.status.choices}:
                form.status.data = canned.set_status
        return pages.render_ticket(ticket, update_form=form)
    if form.validate_on_submit():
        current = updating.version_of(ticket)
        if form.version.data != current:
            conflict = updating.changes_since(ticket, form.version.data)
            form.version.data = current
            return pages.render_ticket(ticket, update_form=form, conflict=conflict), 409
        try:
            with unit_of_work():
                outcome = updating.apply(ticket, form, actor=current_user, now=utcnow(), uploads=uploads_from("attachments"))
        except files.AttachmentRefused as error:
            form.attachments.errors = [error.message]
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            if outcome.changed or outcome.message:
                flash(_("Ärendet är uppdaterat."), "success")
            else:
                flash(_("Inget ändrades."), "info")
            return redirect(url_for("tickets.show", number=ticket.id))
    return pages.render_ticket(ticket, update_form=form), 400


@bp.app_template_filter("thousands")
def thousands(value):
    """A whole number grouped in the reader's language ("1 234" in Swedish)."""
    from flask_babel import format_number

    return format_number(value)


@bp.app_template_filter("relative")
def relative(moment):
    """A moment relative to now: "om 3 h", "2 h sedan", "om 25 min", "om 3 dagar"."""
    if moment is None:
        return ""
    seconds = (moment - utcnow()).total_seconds()
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        span = _("%(n)s min", n=max(minutes, 1))
    elif minutes < 48 * 60:
        span = _("%(n)s h", n=minutes // 60)
    else:
        span = ngettext("%(num)s dag", "%(num)s dagar", minutes // (24 * 60))
    return _("om %(span)s", span=span) if seconds >= 0 else _("%(span)s sedan", span=span)
