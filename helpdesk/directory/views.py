"""Directory pages: sync runs and their changes, the group rules (administrators), and the hand-over list (leads)."""

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from ..forms import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from ..auth import mfa
from ..auth.models import User
from ..auth.permissions import Permission, can
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import InvalidField
from ..extensions import db
from ..admin.labels import ROLE_LABELS
from . import labels, queries, rules
from .models import DirectorySync
from ..auth.routes import declare, requires, signed_in

bp = Blueprint("directory", __name__)
declare(bp, signed_in)  # routes without their own declaration check the object they load
PAGE_SIZE = 50


class RulesForm(FlaskForm):
    rules = TextAreaField(_l("Gruppregler (JSON)"), validators=[Length(max=100_000)], render_kw={"rows": 16})
    submit = SubmitField(_l("Spara reglerna"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Stäng av tvåstegsverifieringen"))



@bp.app_context_processor
def directory_helpers():
    """The start page's count of tickets a lead should hand over (templates/directory/_handover_notice.html)."""
    return {"directory_handover_count": lambda: queries.handover_count(current_user),
            "directory_status_labels": labels.STATUS_LABELS, "directory_action_labels": labels.ACTION_LABELS,
            "directory_source_labels": labels.SOURCE_LABELS, "directory_role_labels": ROLE_LABELS}



@bp.route("/admin/directory")
@requires(Permission.ADMIN_MANAGE)
def runs():
    """The sync runs, newest first."""
    page = request.args.get("page", "1")
    page = min(int(page), 100000) if page.isdigit() and int(page) > 0 else 1
    items, has_next = queries.runs_page(page, PAGE_SIZE)
    return render_template("directory/runs.html", items=items, page=page, has_next=has_next,
                           rules_in_use=rules.effective(), saved_rules=bool(rules.saved()))


@bp.route("/admin/directory/runs/<int:run_id>")
@requires(Permission.ADMIN_MANAGE)
def run(run_id):
    """One run: counts, the reason it stopped, and every change."""
    item = db.get_or_404(DirectorySync, run_id)
    return render_template("directory/run.html", item=item, changes=json.loads(item.changes))


@bp.route("/admin/directory/rules", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def edit_rules():
    """The group rules as JSON; saved ones replace HELPDESK_DIRECTORY_GROUP_RULES."""
    form = RulesForm()
    if request.method == "GET":
        form.rules.data = rules.as_json(rules.effective())
    if form.validate_on_submit():
        try:
            with unit_of_work():
                rules.save(form.rules.data or "{}", actor=current_user._get_current_object(), now=utcnow())
        except InvalidField as error:
            form.rules.errors = [*form.rules.errors, error.message]
        else:
            flash(_("Gruppreglerna är sparade. De gäller från nästa inloggning och synkronisering."), "success")
            return redirect(url_for(".runs"))
    status = 400 if form.errors else 200
    return render_template("directory/rules.html", form=form, saved=bool(rules.saved())), status


@bp.route("/admin/users/<int:user_id>/mfa-reset", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def reset_mfa(user_id):
    """Turn a user's second factor off (lost phone); they enrol again at the next sign-in."""
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work():
            mfa.reset(user, actor=current_user._get_current_object(), now=utcnow())
        flash(_("Tvåstegsverifieringen för %(name)s är avstängd. Nästa inloggning ställer in den igen.",
                name=user.full_name), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("directory/mfa_reset.html", form=form, item=user)


@bp.route("/handover")
@requires(Permission.QUEUE_VIEW)
def handover():
    """Open tickets still assigned to deactivated accounts, in the groups the signed-in lead leads."""
    tickets = [t for t in queries.orphaned_tickets(current_user) if can(current_user, Permission.TICKET_WORK, t)]
    return render_template("directory/handover.html", tickets=tickets)

