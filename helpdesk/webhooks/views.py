"""Admin pages for webhooks (/admin/webhooks): subscriptions, their secret and delivery log."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from ..forms import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, URLField, widgets
from wtforms.validators import DataRequired, Length

from ..auth.permissions import Permission, can
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import InvalidField
from ..extensions import db
from ..forms import choices as as_choices
from ..tickets.forms import EmptyForm
from . import services
from .models import WebhookDelivery, WebhookSubscription
from ..auth.routes import declare, requires

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
declare(bp, requires(Permission.ADMIN_MANAGE))

EVENT_LABELS = {
    "ticket.created": _l("Ärende skapat"), "ticket.updated": _l("Ärende ändrat"), "ticket.solved": _l("Ärende löst"),
    "ticket.sla_warning": _l("SLA-varning"), "ticket.sla_breached": _l("SLA-överträdelse"),
    "outage.published": _l("Driftinformation publicerad"), "outage.updated": _l("Driftinformation uppdaterad"),
    "major_incident.declared": _l("Större incident utlyst"),
    "security_incident.registered": _l("Säkerhetsincident registrerad (minimalt innehåll)"),
}


class SubscriptionForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(), Length(max=120)])
    url = URLField(_l("Mottagarens adress (URL)"), validators=[DataRequired(), Length(max=2000)],
                   description=_l("https-adress på en värd som finns bland de tillåtna mottagarna."))
    events = SelectMultipleField(_l("Händelser"), choices=as_choices(EVENT_LABELS.items()),
                                 widget=widgets.ListWidget(prefix_label=False),
                                 option_widget=widgets.CheckboxInput())
    allow_confidential = BooleanField(_l("Får ta emot konfidentiella händelser (säkerhetsincidenter)"))
    is_active = BooleanField(_l("Aktiv"), default=True)

    def values(self) -> dict:
        return {"name": self.name.data, "url": self.url.data, "events": self.events.data,
                "allow_confidential": self.allow_confidential.data, "is_active": self.is_active.data}


@bp.before_request
@login_required
def require_admin():
    """Only administrators reach these pages."""
    if not can(current_user, Permission.ADMIN_MANAGE):
        abort(403)


@bp.route("/")
def index():
    items = db.session.scalars(sa.select(WebhookSubscription).order_by(WebhookSubscription.name)).all()
    return render_template("webhooks/index.html", items=items, labels=EVENT_LABELS)


def _save(form, save, template, **context):
    if form.validate_on_submit():
        try:
            with unit_of_work():
                subscription = save(utcnow())
        except InvalidField as error:
            field = getattr(form, error.field, None)
            if field is None:
                flash(error.message, "error")
            else:
                field.errors = [*field.errors, error.message]
        else:
            flash(_("Webhooken är sparad."), "success")
            return redirect(url_for(".detail", subscription_id=subscription.id))
        return render_template(template, form=form, **context), 400
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = SubscriptionForm()
    return _save(form, lambda now: services.create_subscription(form.values(), actor=current_user, now=now),
                 "webhooks/form.html", item=None)


@bp.route("/<int:subscription_id>", methods=["GET", "POST"])
def detail(subscription_id):
    item = db.get_or_404(WebhookSubscription, subscription_id)
    form = SubscriptionForm(obj=item)
    deliveries = db.session.scalars(sa.select(WebhookDelivery).where(WebhookDelivery.subscription_id == item.id)
                                    .order_by(WebhookDelivery.id.desc()).limit(50)).all()
    return _save(form, lambda now: services.update_subscription(item, form.values(), actor=current_user, now=now),
                 "webhooks/form.html", item=item, deliveries=deliveries, action_form=EmptyForm())


@bp.route("/<int:subscription_id>/resume", methods=["POST"])
def resume(subscription_id):
    item = db.get_or_404(WebhookSubscription, subscription_id)
    if EmptyForm().validate_on_submit():
        with unit_of_work():
            services.resume_subscription(item, actor=current_user, now=utcnow())
        flash(_("Webhooken är återupptagen."), "success")
    return redirect(url_for(".detail", subscription_id=item.id))


@bp.route("/<int:subscription_id>/secret", methods=["POST"])
def rotate(subscription_id):
    """A new signing secret (after a leak); the receiver must be given it."""
    item = db.get_or_404(WebhookSubscription, subscription_id)
    if EmptyForm().validate_on_submit():
        with unit_of_work():
            services.rotate_secret(item, actor=current_user, now=utcnow())
        flash(_("En ny hemlighet är skapad. Ge den till mottagaren."), "success")
    return redirect(url_for(".detail", subscription_id=item.id))


@bp.route("/<int:subscription_id>/delete", methods=["POST"])
def delete(subscription_id):
    item = db.get_or_404(WebhookSubscription, subscription_id)
    if EmptyForm().validate_on_submit():
        with unit_of_work():
            services.delete_subscription(item, actor=current_user, now=utcnow())
        flash(_("Webhooken är borttagen."), "success")
    return redirect(url_for(".index"))
