"""Access pages: the request form, a request's decision and set-up, grants per system, reviews."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Permission, can
from ..catalogue.models import System
from ..catalogue.queries import system_choices
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError, InvalidField, NotAllowed
from ..extensions import db
from ..forms import choices
from ..tickets.loaders import get_ticket_or_404
from ..tickets.pages import find_person
from ..limits import int_arg
from ..auth.routes import declare, requires, signed_in
from . import labels, queries, services
from .forms import AccessRequestForm, DecisionForm, IntervalForm, ProvisionForm, ReviewItemForm, RevokeForm
from .models import AccessGrant, AccessRequest, AccessReview, AccessReviewItem, RequestStatus

bp = Blueprint("access", __name__, url_prefix="/access")
declare(bp, signed_in)  # requests through their ticket, systems through load_system


@bp.before_request
@login_required
def require_login():
    """Every access page needs a signed-in user."""


@bp.app_context_processor
def access_helpers():
    """Labels, and the request behind a ticket for the link on its page (templates/access/_ticket_link.html)."""
    return {"access_labels": labels, "access_request_of": lambda ticket: queries.request_for_ticket(ticket.id)}


def _run(form, action):
    """Validate form and run action(now) in one transaction: (None, result) when done, else
    (the status to show the page again with, None); a refused value is shown beside its field."""
    if not form.validate_on_submit():
        return 400, None
    try:
        with unit_of_work():
            result = action(utcnow())
    except InvalidField as error:
        field = form._fields.get(error.field)
        if field is None:
            flash(error.message, "error")
        else:
            field.errors = [*field.errors, error.message]
        return 400, None
    except NotAllowed as error:
        flash(error.message, "error")
        return 403, None
    except DomainError as error:
        flash(error.message, "error")
        return 400, None
    return None, result


@bp.route("/")
def index():
    """The user's own requests, and the systems whose access they answer for or oversee."""
    systems = queries.visible_systems(current_user)
    return render_template("access/index.html", requests=queries.requests_by(current_user), systems=systems,
                           counts=queries.counts_by_system([s.id for s in systems]))


@bp.route("/request", methods=["GET", "POST"])
@requires(Permission.ACCESS_REQUEST)
def new_request():
    """Any employee asks for a role in a system, for themselves or someone else."""
    if not can(current_user, Permission.ACCESS_REQUEST):
        abort(403)
    search = request.args.get("q", "")[:100]
    form = AccessRequestForm()
    form.system_id.choices = choices([(0, _("Välj ett system"))] + system_choices(search, unknown=False))
    if request.method == "GET":
        form.person.data = current_user.username  # for oneself unless changed
        if int_arg("system") is not None:
            form.system_id.data = int_arg("system")
        return render_template("access/request_form.html", form=form, search=search)
    status, created = _run(form, lambda now: services.request_access(
        system=db.session.get(System, form.system_id.data), user=find_person(form.person.data),
        role=form.role.data, reason=form.reason.data, valid_until=form.valid_until.data,
        actor=current_user, now=now))
    if status is None:
        flash(_("Tack! Beställningen har nummer #%(n)s. Systemförvaltaren har fått den för beslut.",
                n=created.ticket_id), "success")
        return redirect(url_for("access.show_request", request_id=created.id))
    return render_template("access/request_form.html", form=form, search=search), status


def load_request(request_id) -> AccessRequest:
    """The request if the user may see its ticket (asker, the person, the group, the system's people)."""
    access_request = db.session.get(AccessRequest, request_id)
    if access_request is None:
        abort(404)
    if access_request.ticket_id is None:  # the ticket is destroyed (retention): the system's people only
        load_system(access_request.system_id, Permission.ACCESS_VIEW)
    else:
        get_ticket_or_404(access_request.ticket_id, Permission.TICKET_VIEW, via="access-request")
    return access_request


def render_request(access_request, status=200, **given):
    system, ticket = access_request.system, access_request.ticket
    decides = can(current_user, Permission.ACCESS_DECIDE, system) and access_request.status == RequestStatus.PENDING
    refusal = services.decision_refusal(access_request, current_user) if decides else None
    provisions = access_request.status == RequestStatus.APPROVED and can(current_user, Permission.TICKET_WORK, ticket)
    return render_template(
        "access/request.html", item=access_request, refusal=refusal, deciders=services.deciders(system),
        decision_form=given.get("decision_form") or (DecisionForm() if decides and not refusal else None),
        provision_form=given.get("provision_form") or (ProvisionForm() if provisions else None),
    ), status


@bp.route("/requests/<int:request_id>")
def show_request(request_id):
    """A request: what, for whom, why, the decision and the set-up."""
    return render_request(load_request(request_id))


@bp.route("/requests/<int:request_id>/decision", methods=["POST"])
def decide(request_id):
    """The administrator or deputy approves or rejects, with a reason."""
    access_request = load_request(request_id)
    if not can(current_user, Permission.ACCESS_DECIDE, access_request.system):
        abort(403)
    form = DecisionForm()
    status, _done = _run(form, lambda now: services.decide_request(
        access_request, approve=form.decision.data == "approve", reason=form.reason.data,
        actor=current_user, now=now))
    if status is None:
        flash(_("Beslutet är sparat."), "success")
        return redirect(url_for("access.show_request", request_id=request_id))
    return render_request(access_request, status, decision_form=form)


@bp.route("/requests/<int:request_id>/provision", methods=["POST"])
def provision(request_id):
    """Whoever set the role up in the system confirms it."""
    access_request = load_request(request_id)
    if access_request.ticket_id is None:
        abort(403)
    get_ticket_or_404(access_request.ticket_id, Permission.TICKET_WORK, via="access-request")
    form = ProvisionForm()
    status, _grant = _run(form, lambda now: services.provision_grant(access_request, actor=current_user, now=now))
    if status is None:
        flash(_("Behörigheten är registrerad och ärendet löst."), "success")
        return redirect(url_for("access.show_request", request_id=request_id))
    return render_request(access_request, status, provision_form=form)


def load_system(system_id, permission) -> System:
    system = db.session.get(System, system_id)
    if system is None:
        abort(404)
    if not can(current_user, permission, system):
        abort(403)
    return system


def render_system(system, status=200, **given):
    decides = can(current_user, Permission.ACCESS_DECIDE, system)
    grants = queries.grants_of(system.id)
    revoke_forms = {g.id: given.get("revoke", {}).get(g.id) or RevokeForm(prefix=f"revoke-{g.id}", formdata=None)
                    for g in grants if decides and g.is_active}
    interval_form = None
    if can(current_user, Permission.ADMIN_MANAGE):
        interval_form = given.get("interval_form") or IntervalForm(formdata=None, months=system.review_interval_months)
    return render_template(
        "access/system.html", system=system, grants=grants, revoke_forms=revoke_forms, interval_form=interval_form,
        requests=queries.requests_of(system.id), reviews=queries.reviews_of(system.id),
        interval=queries.review_interval(system), next_review=queries.next_review_at(system), now=utcnow(),
    ), status


@bp.route("/systems/<int:system_id>")
def system(system_id):
    """A system's grants: who, what, approved by whom and when, until when, ended when and why."""
    return render_system(load_system(system_id, Permission.ACCESS_VIEW))


@bp.route("/systems/<int:system_id>/interval", methods=["POST"])
def interval(system_id):
    """An administrator sets the system's own review interval."""
    item = load_system(system_id, Permission.ACCESS_VIEW)
    if not can(current_user, Permission.ADMIN_MANAGE):
        abort(403)
    form = IntervalForm()
    status, _done = _run(form, lambda now: services.set_review_interval(
        item, form.months.data, actor=current_user, now=now))
    if status is None:
        flash(_("Ändringarna är sparade."), "success")
        return redirect(url_for("access.system", system_id=system_id))
    return render_system(item, status, interval_form=form)


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
def revoke(grant_id):
    """The administrator or deputy ends a grant outside a review; the group gets a removal task."""
    grant = db.session.get(AccessGrant, grant_id)
    if grant is None:
        abort(404)
    load_system(grant.system_id, Permission.ACCESS_DECIDE)
    form = RevokeForm(prefix=f"revoke-{grant.id}")
    status, _done = _run(form, lambda now: services.revoke_grant(
        grant, reason=form.reason.data, actor=current_user, now=now))
    if status is None:
        flash(_("Behörigheten är borttagen och en uppgift har skickats till gruppen."), "success")
        return redirect(url_for("access.system", system_id=grant.system_id))
    return render_system(grant.system, status, revoke={grant.id: form})


def load_review(review_id) -> AccessReview:
    review = db.session.get(AccessReview, review_id)
    if review is None:
        abort(404)
    load_system(review.system_id, Permission.ACCESS_VIEW)
    return review


def render_review(review, status=200, **given):
    decides = can(current_user, Permission.ACCESS_DECIDE, review.system) and review.completed_at is None
    rows = []
    for item in review.items:
        refusal = services.review_refusal(item, current_user) if decides and item.decision is None else None
        form = None
        if decides and item.decision is None and not refusal:
            form = given.get("forms", {}).get(item.id) or ReviewItemForm(prefix=f"item-{item.id}", formdata=None)
        rows.append((item, form, refusal))
    return render_template("access/review.html", review=review, rows=rows,
                           overdue=queries.is_overdue(review, utcnow())), status


@bp.route("/reviews/<int:review_id>")
def show_review(review_id):
    """A review: every grant it lists, each kept or removed with a comment."""
    return render_review(load_review(review_id))


@bp.route("/reviews/<int:review_id>/items/<int:item_id>", methods=["POST"])
def decide_item(review_id, item_id):
    """The administrator or deputy keeps or removes one grant."""
    review = load_review(review_id)
    if not can(current_user, Permission.ACCESS_DECIDE, review.system):
        abort(403)
    item = db.session.get(AccessReviewItem, item_id)
    if item is None or item.review_id != review.id:
        abort(404)
    form = ReviewItemForm(prefix=f"item-{item.id}")
    status, _done = _run(form, lambda now: services.decide_review_item(
        item, decision=form.decision.data, comment=form.comment.data, actor=current_user, now=now))
    if status is None:
        flash(_("Sparat."), "success")
        return redirect(url_for("access.show_review", review_id=review_id))
    return render_review(review, status, forms={item.id: form})
