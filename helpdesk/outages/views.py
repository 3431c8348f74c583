"""Outage pages: the agents' notices and major incidents, "me too", the status page and its feed."""

from datetime import UTC
from functools import wraps

from flask import (
    Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Permission, can
from ..clock import STOCKHOLM, utcnow
from ..database import unit_of_work
from ..errors import DomainError, InvalidField
from ..extensions import db, login_manager
from ..forms import choices
from ..tickets.loaders import get_ticket_or_404
from ..tickets.pages import extras
from ..tickets.models import Ticket
from . import feed, queries, services
from .forms import EditNoticeForm, LinkTicketForm, MeTooForm, NoticeForm, ResolveForm, SubscribeForm, UpdateForm
from .labels import EXTENT_LABELS, KIND_LABELS, SOURCE_LABELS
from .models import NoticeKind, OutageNotice
from ..auth import routes as access
from ..limits import bounded_int

bp = Blueprint("outages", __name__)
access.declare(bp, access.signed_in)  # publishers' pages check OUTAGE_PUBLISH themselves


@bp.app_context_processor
def outage_helpers():
    """Labels and the ticket page's major-incident line (templates/outages/_ticket_link.html)."""
    return {"outage_labels": {"kind": KIND_LABELS, "extent": EXTENT_LABELS, "source": SOURCE_LABELS},
            "major_of": _major_of, "major_above": _major_above}


def _major_of(ticket_id):
    return queries.major_of(ticket_id) if extras(ticket_id).major else None


def _major_above(ticket_id):
    return queries.major_above(ticket_id) if extras(ticket_id).under_major else None


def _utc(local_naive):
    return None if local_naive is None else local_naive.replace(tzinfo=STOCKHOLM).astimezone(UTC)


def _local(at):
    return None if at is None else at.astimezone(STOCKHOLM).replace(tzinfo=None, second=0, microsecond=0)


def publisher_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can(current_user, Permission.OUTAGE_PUBLISH):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def status_readable(view):
    """The status page is public when the installation allows it, else for signed-in users."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_app.config["STATUS_PAGE_PUBLIC"] and not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)
    return wrapped


def _run(form, action):
    """Run one service in a transaction; a refused value lands on its field. True when done."""
    try:
        with unit_of_work():
            action()
    except InvalidField as error:
        target = getattr(form, error.field, None) if form is not None else None
        if target is not None:
            target.errors = [*target.errors, error.message]
        else:
            flash(error.message, "error")
        return False
    except DomainError as error:
        flash(error.message, "error")
        return False
    return True


def _notice_or_404(notice_id) -> OutageNotice:
    notice = db.session.get(OutageNotice, notice_id)
    if notice is None:
        abort(404)
    return notice


def _system_choices():
    return [(s.id, s.name) for s in queries.subscribable_systems()]


@bp.route("/outages")
@publisher_required
def index():
    """The agents' overview: current and planned notices, open major incidents."""
    now = utcnow()
    current, planned, _by_system = queries.status_board(now=now)
    return render_template("outages/index.html", current=current, planned=planned,
                           majors=queries.open_major_incidents(), ended=queries.ended_notices(now=now))


@bp.route("/outages/new", methods=["GET", "POST"])
@publisher_required
def new():
    """Publish a notice, from scratch or from a major incident (?ticket=N)."""
    form = NoticeForm()
    form.system_ids.choices = choices(_system_choices())
    ticket = None
    number = request.values.get("ticket", "")
    if number.isdigit():
        ticket = get_ticket_or_404(int(number), Permission.TICKET_WORK)
        if request.method == "GET":
            form.title.data = ticket.subject
            form.system_ids.data = [ticket.system_id] if ticket.system_id else []
            form.ticket.data = str(ticket.id)
    if form.validate_on_submit():
        now = utcnow()
        starts_at = _utc(form.starts_at.data) or now
        kind = NoticeKind(form.kind.data)
        created = {}

        def publish():
            created["notice"] = services.publish_notice(
                title=form.title.data, systems=services.active_systems(form.system_ids.data or []),
                all_systems=form.all_systems.data, kind=kind, extent=form.extent.data,
                works_text=form.works_text.data, broken_text=form.broken_text.data, starts_at=starts_at,
                expected_end_at=_utc(form.expected_end.data), major_ticket=ticket, actor=current_user, now=now)
        if _run(form, publish):
            flash(_("Driftinformationen är publicerad."), "success")
            return redirect(url_for("outages.show", notice_id=created["notice"].id))
    status = 400 if request.method == "POST" else 200
    return render_template("outages/new.html", form=form, ticket=ticket), status


def _notice_forms(notice):
    edit = EditNoticeForm(prefix="edit", formdata=None, obj=notice)
    edit.expected_end.data = _local(notice.expected_end_at)
    return {"edit_form": edit, "update_form": UpdateForm(prefix="update", formdata=None),
            "resolve_form": ResolveForm(prefix="resolve", formdata=None)}


def _render_notice(notice, status=200, **forms):
    context = _notice_forms(notice) | forms
    view = queries.with_latest([notice])[0]
    return render_template("outages/show.html", notice=notice, view=view, **context), status


@bp.route("/outages/<int:notice_id>")
@publisher_required
def show(notice_id):
    """One notice for the agents: edit, post an update, close with a resolution."""
    return _render_notice(_notice_or_404(notice_id))


@bp.route("/outages/<int:notice_id>/edit", methods=["POST"])
@publisher_required
def edit(notice_id):
    notice = _notice_or_404(notice_id)
    form = EditNoticeForm(prefix="edit")
    if form.validate_on_submit() and _run(form, lambda: services.edit_notice(
            notice, title=form.title.data, extent=form.extent.data, works_text=form.works_text.data,
            broken_text=form.broken_text.data, expected_end_at=_utc(form.expected_end.data),
            actor=current_user, now=utcnow())):
        flash(_("Ändringarna är sparade."), "success")
        return redirect(url_for("outages.show", notice_id=notice.id))
    return _render_notice(notice, 400, edit_form=form)


@bp.route("/outages/<int:notice_id>/update", methods=["POST"])
@publisher_required
def update(notice_id):
    notice = _notice_or_404(notice_id)
    form = UpdateForm(prefix="update")
    if form.validate_on_submit() and _run(form, lambda: services.post_update(
            body=form.body.data, notice=notice, actor=current_user, now=utcnow())):
        flash(_("Uppdateringen är publicerad."), "success")
        return redirect(url_for("outages.show", notice_id=notice.id))
    return _render_notice(notice, 400, update_form=form)


@bp.route("/outages/<int:notice_id>/close", methods=["POST"])
@publisher_required
def close(notice_id):
    notice = _notice_or_404(notice_id)
    form = ResolveForm(prefix="resolve")
    if form.validate_on_submit() and _run(form, lambda: services.close_notice(
            notice, resolution=form.resolution.data, actor=current_user, now=utcnow())):
        flash(_("Driftinformationen är avslutad."), "success")
        return redirect(url_for("outages.show", notice_id=notice.id))
    return _render_notice(notice, 400, resolve_form=form)


@bp.route("/outages/<int:notice_id>/me-too", methods=["POST"])
@login_required
def me_too(notice_id):
    """ "Jag berörs också": one click, an optional comment, no new ticket."""
    notice = _notice_or_404(notice_id)
    form = MeTooForm()
    if form.validate_on_submit():
        added = {}
        if _run(form, lambda: added.update(done=services.me_too(
                notice, user=current_user, comment=form.comment.data, now=utcnow()))):
            flash(_("Tack! Du står nu med bland dem som berörs av ”%(title)s”. Du får uppdateringar och "
                    "besked när felet är löst.", title=notice.title) if added["done"]
                  else _("Du står redan med bland dem som berörs."), "success")
            return redirect(url_for("portal.index"))
    else:
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
    return redirect(url_for("status.notice", notice_id=notice.id))


@bp.route("/tickets/<int:number>/major-incident", methods=["POST"])
@publisher_required
def declare(number):
    """Make a ticket a major incident."""
    ticket = get_ticket_or_404(number, Permission.TICKET_WORK)  # CSRFProtect checks the token
    if _run(None, lambda: services.declare_major_incident(ticket, actor=current_user, now=utcnow())):
        flash(_("Ärendet är nu en storstörning."), "success")
        return redirect(url_for("outages.major", number=ticket.id))
    return redirect(url_for("tickets.show", number=ticket.id))


def _major_or_404(number):
    ticket = get_ticket_or_404(number, Permission.TICKET_WORK)
    major = queries.major_of(ticket.id)
    if major is None:
        abort(404)
    return ticket, major


def _render_major(ticket, major, status=200, **forms):
    now = utcnow()
    overdue = major.resolved_at is None and major.reminder_due_at is not None and major.reminder_due_at <= now
    context = {"update_form": UpdateForm(prefix="update", formdata=None),
               "link_form": LinkTicketForm(prefix="link", formdata=None),
               "resolve_form": ResolveForm(prefix="resolve", formdata=None)} | forms
    return render_template("outages/major.html", ticket=ticket, major=major, summary=queries.major_summary(major),
                           overdue=overdue, **context), status


@bp.route("/major-incidents/<int:number>")
@publisher_required
def major(number):
    """A major incident: who and which departments are affected, its tickets and timeline."""
    ticket, major = _major_or_404(number)
    return _render_major(ticket, major)


@bp.route("/major-incidents/<int:number>/update", methods=["POST"])
@publisher_required
def major_update(number):
    ticket, major = _major_or_404(number)
    form = UpdateForm(prefix="update")
    if form.validate_on_submit() and _run(form, lambda: services.post_update(
            body=form.body.data, major_ticket=ticket, actor=current_user, now=utcnow())):
        flash(_("Uppdateringen är publicerad."), "success")
        return redirect(url_for("outages.major", number=ticket.id))
    return _render_major(ticket, major, 400, update_form=form)


@bp.route("/major-incidents/<int:number>/link", methods=["POST"])
@publisher_required
def major_link(number):
    ticket, major = _major_or_404(number)
    form = LinkTicketForm(prefix="link")
    if form.validate_on_submit():
        other = db.session.get(Ticket, form.number.data)
        if other is None or not can(current_user, Permission.TICKET_WORK, other):
            form.number.errors = [_("Ärendet finns inte, eller så kan du inte arbeta med det.")]
        elif _run(form, lambda: services.link_ticket(ticket, other, actor=current_user, now=utcnow())):
            flash(_("#%(n)s ligger nu under storstörningen.", n=other.id), "success")
            return redirect(url_for("outages.major", number=ticket.id))
    return _render_major(ticket, major, 400, link_form=form)


@bp.route("/major-incidents/<int:number>/solve", methods=["POST"])
@publisher_required
def major_solve(number):
    ticket, major = _major_or_404(number)
    form = ResolveForm(prefix="resolve")
    solved = {}
    if form.validate_on_submit() and _run(form, lambda: solved.update(n=services.solve_major_incident(
            ticket, resolution=form.resolution.data, actor=current_user, now=utcnow()))):
        flash(_("Storstörningen är löst, och %(n)s ärenden med den.", n=solved["n"]), "success")
        return redirect(url_for("outages.major", number=ticket.id))
    return _render_major(ticket, major, 400, resolve_form=form)


status_bp = Blueprint("status", __name__)
access.declare(status_bp, access.public)  # readable without signing in only when STATUS_PAGE_PUBLIC; the views check


@status_bp.route("/status")
@status_readable
def page():
    """Current and planned notices per system; signed-in employees subscribe by e-mail."""
    now = utcnow()
    current, planned, by_system = queries.status_board(now=now)
    form = mine = affected = None
    if current_user.is_authenticated:
        form = SubscribeForm()
        form.system_id.choices = choices(_system_choices())
        mine = queries.subscribed_system_ids(current_user)
        affected = queries.affected_notice_ids(current_user, [v.notice.id for v in current])
    return render_template("outages/status.html", current=current, planned=planned, by_system=by_system,
                           ended=queries.ended_notices(now=now), form=form, subscribed=mine or set(),
                           affected=affected or set(), systems={s.id: s for s in queries.subscribable_systems()}
                           if current_user.is_authenticated else {}, me_too_form=MeTooForm(formdata=None))


@status_bp.route("/status/notices/<int:notice_id>")
@status_readable
def notice(notice_id):
    """One notice with all its updates."""
    notice = _notice_or_404(notice_id)
    affected = queries.affected_notice_ids(current_user, [notice.id]) if current_user.is_authenticated else set()
    return render_template("outages/notice.html", notice=notice, view=queries.with_latest([notice])[0],
                           affected=affected, me_too_form=MeTooForm(formdata=None), now=utcnow())


@status_bp.route("/status.atom")
@status_readable
def atom():
    now = utcnow()
    current, planned, _ = queries.status_board(now=now)
    body = feed.atom(current + planned + queries.ended_notices(now=now),
                     base_url=current_app.config["BASE_URL"].rstrip("/"), now=now)
    return Response(body, mimetype="application/atom+xml")


@status_bp.route("/status/subscriptions", methods=["POST"])
@login_required
def subscribe():
    """Start or stop e-mail about one system's notices."""
    form = SubscribeForm()
    form.system_id.choices = choices(_system_choices())
    if form.validate_on_submit():
        system = services.active_systems([form.system_id.data])[0]
        stop = request.form.get("action") == "stop"
        with unit_of_work():
            if stop:
                services.unsubscribe(current_user, system)
            else:
                services.subscribe(current_user, system, now=utcnow())
        flash((_("Du får inte längre driftinformation om %(name)s.", name=system.name) if stop else
               _("Du får driftinformation om %(name)s via e-post.", name=system.name)), "success")
    else:
        flash(_("Välj ett system."), "error")
    return redirect(url_for("status.page"))


@bp.route("/report-hints")
@login_required
def report_hints_fragment():
    """The report form's known faults and article suggestions as an HTML fragment (fetched by outages.js)."""
    from ..tickets.forms import ReportForm
    from . import report_hints

    system = request.args.get("system_id", "")
    hints = report_hints.for_report(current_user, ReportForm(formdata=None), now=utcnow(),
                                    system_id=bounded_int(system, 0),
                                    text=request.args.get("q", "")[:2000])
    return render_template("outages/_report_hints.html", **hints)
