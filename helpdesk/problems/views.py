"""Problem pages for support staff."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Permission, can
from ..catalogue.models import System
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError, InvalidField
from ..extensions import db
from ..forms import choices
from ..knowledge.views import _owner_choices
from ..outages.queries import subscribable_systems
from ..tickets.models import Ticket
from ..auth.models import User
from . import queries, services
from .forms import LinkIncidentForm, ProblemForm
from .labels import STATUS_LABELS
from .models import Problem
from ..auth.routes import declare, requires

bp = Blueprint("problems", __name__)
declare(bp, requires(Permission.PROBLEM_MANAGE))


@bp.before_request
@login_required
def require_permission():
    """Problem management is for support staff."""
    if not can(current_user, Permission.PROBLEM_MANAGE):
        abort(403)


@bp.app_context_processor
def problem_helpers():
    return {"problem_labels": STATUS_LABELS}


def _form(problem=None):
    form = ProblemForm(formdata=None if request.method == "GET" else request.form, obj=problem)
    form.system_id.choices = choices([(0, _("Inget särskilt"))] + [(s.id, s.name) for s in subscribable_systems()])
    form.owner_id.choices = choices([(0, _("Ingen"))] + _owner_choices())
    if request.method == "GET":
        form.system_id.data = problem.system_id or 0 if problem else 0
        form.owner_id.data = (problem.owner_id or 0) if problem else current_user.id
    return form


@bp.route("/problems")
def index():
    status = request.args.get("status", "")
    return render_template("problems/index.html", rows=queries.problem_list(status if status in STATUS_LABELS else None),
                           status=status)


def _save(problem, form):
    try:
        with unit_of_work():
            return services.save_problem(
                problem, title=form.title.data, description=form.description.data,
                system=db.session.get(System, form.system_id.data) if form.system_id.data else None,
                status=form.status.data, root_cause=form.root_cause.data, workaround=form.workaround.data,
                change_reference=form.change_reference.data,
                owner=db.session.get(User, form.owner_id.data) if form.owner_id.data else None,
                actor=current_user, now=utcnow())
    except InvalidField as error:
        getattr(form, error.field).errors = [error.message]
        return None


@bp.route("/problems/new", methods=["GET", "POST"])
def new():
    form = _form()
    if form.validate_on_submit():
        problem = _save(None, form)
        if problem is not None:
            flash(_("Problemet är registrerat."), "success")
            return redirect(url_for("problems.show", problem_id=problem.id))
    return render_template("problems/edit.html", form=form, problem=None), 400 if request.method == "POST" else 200


def _problem_or_404(problem_id) -> Problem:
    problem = db.session.get(Problem, problem_id)
    if problem is None:
        abort(404)
    return problem


def _render(problem, status=200, form=None, link_form=None):
    return render_template("problems/show.html", problem=problem, form=form or _form(problem),
                           link_form=link_form or LinkIncidentForm(formdata=None),
                           incidents=queries.incidents(problem, current_user)), status


@bp.route("/problems/<int:problem_id>", methods=["GET", "POST"])
def show(problem_id):
    problem = _problem_or_404(problem_id)
    form = _form(problem)
    if request.method == "POST":
        if form.validate_on_submit() and _save(problem, form) is not None:
            flash(_("Ändringarna är sparade."), "success")
            return redirect(url_for("problems.show", problem_id=problem.id))
        return _render(problem, 400, form=form)
    return _render(problem)


@bp.route("/problems/<int:problem_id>/link", methods=["POST"])
def link(problem_id):
    problem = _problem_or_404(problem_id)
    form = LinkIncidentForm()
    if form.validate_on_submit():
        ticket = db.session.get(Ticket, form.number.data)
        if ticket is None or not can(current_user, Permission.TICKET_WORK, ticket):
            form.number.errors = [_("Ärendet finns inte, eller så kan du inte arbeta med det.")]
        else:
            try:
                with unit_of_work():
                    services.link_incident(problem, ticket, actor=current_user, now=utcnow())
            except DomainError as error:
                form.number.errors = [error.message]
            else:
                flash(_("#%(n)s är kopplat till problemet.", n=ticket.id), "success")
                return redirect(url_for("problems.show", problem_id=problem.id))
    return _render(problem, 400, link_form=form)


@bp.route("/problems/<int:problem_id>/publish", methods=["POST"])
def publish(problem_id):
    """Publish the workaround as a knowledge article."""
    problem = _problem_or_404(problem_id)
    try:
        with unit_of_work():
            article = services.publish_workaround(problem, actor=current_user, now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("problems.show", problem_id=problem.id))
    flash(_("Den tillfälliga lösningen är publicerad som kunskapsartikel."), "success")
    return redirect(url_for("knowledge.show", article_id=article.id))
