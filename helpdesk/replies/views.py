"""Pages where agents keep their own and their groups' canned replies (svarsmallar)."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.models import Role
from ..auth.permissions import Permission, can
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError, InvalidField
from ..extensions import db
from ..forms import choices
from ..org.models import GroupMember, SupportGroup
from ..tickets.forms import EmptyForm
from ..tickets.labels import STATUS_LABELS
from . import services
from .forms import CannedReplyForm
from .models import CannedReply
from ..auth.routes import declare, requires

bp = Blueprint("replies", __name__, url_prefix="/replies")
declare(bp, requires(Permission.REPLIES_MANAGE))


@bp.before_request
@login_required
def require_agent():
    """Agents and administrators keep canned replies."""
    if not can(current_user, Permission.REPLIES_MANAGE):
        abort(403)


def _group_choices():
    """Personal, then the groups whose replies the user may keep (led groups; all for administrators)."""
    query = sa.select(SupportGroup.id, SupportGroup.name).where(SupportGroup.is_active).order_by(SupportGroup.name)
    if Role.ADMIN not in current_user.roles:
        query = query.where(SupportGroup.id.in_(sa.select(GroupMember.group_id).where(
            GroupMember.user_id == current_user.id, GroupMember.is_lead)))
    return [(0, _("Bara jag (personlig)"))] + [(r.id, _("Gruppen %(name)s", name=r.name)) for r in db.session.execute(query)]


def _form(reply=None):
    form = CannedReplyForm(obj=reply)
    form.support_group_id.choices = choices(_group_choices())
    form.set_status.choices = choices([("", _("Ingen ändring"))] + [(s.value, label) for s, label in STATUS_LABELS.items()])
    if reply is not None and not form.is_submitted():
        form.support_group_id.data = reply.support_group_id or 0
        form.set_status.data = reply.set_status or ""
    return form


def _reply_or_404(reply_id):
    reply = db.session.get(CannedReply, reply_id)
    if reply is None or not can(current_user, Permission.REPLIES_MANAGE, reply):
        abort(404)
    return reply


@bp.route("/")
def index():
    rows = services.for_manager(current_user)
    editable = {r.id for r in rows if can(current_user, Permission.REPLIES_MANAGE, r)}
    return render_template("replies/index.html", replies=rows, editable=editable,
                           placeholders=services.PLACEHOLDERS, statuses=STATUS_LABELS, delete_form=EmptyForm())


def _edit(reply):
    form = _form(reply)
    if form.validate_on_submit():
        values = {"title": form.title.data, "body": form.body.data, "support_group_id": form.support_group_id.data,
                  "set_status": form.set_status.data, "is_active": form.is_active.data}
        try:
            with unit_of_work():
                services.save(reply, values, actor=current_user, now=utcnow())
        except InvalidField as error:
            form.field_for(error.field).errors = [error.message]
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Mallen är sparad."), "success")
            return redirect(url_for("replies.index"))
    return render_template("replies/form.html", form=form, reply=reply,
                           placeholders=services.PLACEHOLDERS), 400 if form.is_submitted() else 200


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _edit(None)


@bp.route("/<int:reply_id>", methods=["GET", "POST"])
def edit(reply_id):
    return _edit(_reply_or_404(reply_id))


@bp.route("/<int:reply_id>/delete", methods=["POST"])
def delete(reply_id):
    reply = _reply_or_404(reply_id)
    if EmptyForm().validate_on_submit():
        with unit_of_work():
            services.delete(reply, actor=current_user)
        flash(_("Mallen är borttagen."), "success")
    return redirect(url_for("replies.index"))
