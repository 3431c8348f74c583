"""The settings page for API tokens (/settings/api-tokens): create (shown once) and revoke."""

from datetime import UTC, datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from ..forms import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..clock import STOCKHOLM, utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..forms import choices as as_choices
from ..tickets.forms import EmptyForm
from . import tokens
from .models import ApiToken, Scope
from ..auth.routes import declare, signed_in

bp = Blueprint("api_tokens", __name__, url_prefix="/settings/api-tokens")
declare(bp, signed_in)

SCOPE_LABELS = {Scope.READ: _l("Läsa"), Scope.WRITE: _l("Läsa och skriva"),
                Scope.ADMIN: _l("Administrera (allt din roll tillåter)")}


class TokenForm(FlaskForm):
    name = StringField(_l("Vad nyckeln används till"), validators=[DataRequired(), Length(max=120)])
    scope = SelectField(_l("Behörighet"), choices=as_choices(SCOPE_LABELS.items()), default=Scope.READ)
    expires = DateField(_l("Gäller till och med"), validators=[Optional()],
                        description=_l("Lämna tomt för en nyckel utan slutdatum."))


@bp.before_request
@login_required
def require_login():
    """Every user manages their own tokens."""


@bp.route("/", methods=["GET", "POST"])
def index():
    form = TokenForm()
    created = None
    status = 200
    if form.validate_on_submit():
        expires_at = None
        if form.expires.data:
            expires_at = datetime.combine(form.expires.data, time(23, 59, 59), STOCKHOLM).astimezone(UTC)
        try:
            with unit_of_work():
                token, created = tokens.create_token(user=current_user, name=form.name.data, scope=form.scope.data,
                                                     expires_at=expires_at, actor=current_user, now=utcnow())
        except DomainError as error:
            form.expires.errors = [*form.expires.errors, error.message]
            status = 400
        else:
            form = TokenForm(formdata=None)
    elif form.is_submitted():
        status = 400
    return render_template("api/tokens.html", form=form, created=created, items=tokens.tokens_of(current_user),
                           labels=SCOPE_LABELS, revoke_form=EmptyForm(), now=utcnow()), status


@bp.route("/<int:token_id>/revoke", methods=["POST"])
def revoke(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        with unit_of_work():
            tokens.revoke_token(token, actor=current_user, now=utcnow())
        flash(_("Nyckeln är återkallad."), "success")
    return redirect(url_for(".index"))
