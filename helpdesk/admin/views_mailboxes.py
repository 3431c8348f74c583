"""Mailbox set-up: choose the channel, then that channel's form; and "Testa anslutningen".

Like every page on the admin blueprint these need Permission.ADMIN_MANAGE (declared in views.py):
testing a connection reaches servers an administrator names, so it is theirs alone, and audited.
"""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..clock import utcnow
from ..database import unit_of_work
from ..extensions import db
from ..intake import admin as services
from ..intake import queries
from ..intake.models import Mailbox
from ..intake.probe import configured_secret, secret_key, secret_variable, check_connection
from ..tickets.forms import EmptyForm
from .forms_mail import CHANNEL_LABELS, ChannelForm
from .forms_mail_channels import FORMS
from .views import actor, bp, form_page

FORM = "admin/mailbox_form.html"


@bp.route("/mailboxes")
def mailboxes():
    """The addresses the desk receives e-mail on."""
    return render_template("admin/mailboxes.html", items=queries.mailboxes(), channels=CHANNEL_LABELS,
                           form=EmptyForm(), testable=set(FORMS) - {"relay"})


@bp.route("/mailboxes/new", methods=["GET", "POST"])
def new_mailbox():
    """Step 1 without a channel in the address; step 2, the channel's form, with one."""
    channel = request.args.get("channel")
    if channel not in FORMS:
        return _channel_step(url_for(".new_mailbox"))
    form = FORMS[channel]()
    if form.is_submitted() and form.test.data:
        return _tested(form, None)
    return form_page(FORM, form, lambda now: services.create_mailbox(form.values(), actor=actor(), now=now),
                     done=lambda box: url_for(".mailboxes"), **_context(form, None))


@bp.route("/mailboxes/<int:mailbox_id>", methods=["GET", "POST"])
def edit_mailbox(mailbox_id):
    """The mailbox's form for its channel (or, with ?channel=, for the channel it is changing to)."""
    mailbox = db.get_or_404(Mailbox, mailbox_id)
    channel = request.args.get("channel")
    form = FORMS[channel if channel in FORMS else mailbox.channel](obj=mailbox)
    if form.is_submitted() and form.test.data:
        return _tested(form, mailbox)
    return form_page(FORM, form, lambda now: services.update_mailbox(mailbox, form.values(), actor=actor(), now=now),
                     done=lambda box: url_for(".mailboxes"), **_context(form, mailbox))


@bp.route("/mailboxes/<int:mailbox_id>/channel")
def mailbox_channel(mailbox_id):
    """Choose another channel for a mailbox; its form for that channel comes next."""
    mailbox = db.get_or_404(Mailbox, mailbox_id)
    return _channel_step(url_for(".edit_mailbox", mailbox_id=mailbox.id), mailbox)


@bp.route("/mailboxes/<int:mailbox_id>/test", methods=["POST"])
def test_mailbox(mailbox_id):
    """Test a saved mailbox's connection with its saved settings and configured secret; the answer is flashed."""
    mailbox = db.get_or_404(Mailbox, mailbox_id)
    if EmptyForm().validate_on_submit():
        result = _run_test(mailbox.name, mailbox.address, mailbox.channel, dict(mailbox.settings or {}), None, mailbox)
        flash(_("Test av %(name)s: %(message)s", name=mailbox.name, message=result.message),
              ("success" if result.kind == "ok" else "info") if result.ok else "error")
    return redirect(url_for(".mailboxes"))


def _channel_step(action, mailbox=None):
    form = ChannelForm(request.args)
    if mailbox is not None and "channel" not in request.args:
        form.channel.data = mailbox.channel
    status = 200
    if request.args and not form.validate():
        status = 400
    return render_template("admin/mailbox_channel.html", form=form, action=action, item=mailbox), status


def _tested(form, mailbox):
    """The form again, with what a connection test with the typed settings found (nothing is saved)."""
    result = None
    if form.validate_for_test():
        secret = form.secret.data if "secret" in form else None
        result = _run_test(form.name.data.lower(), form.address.data.lower(), form.CHANNEL, form.settings(), secret,
                           mailbox)
    return render_template(FORM, form=form, result=result, **_context(form, mailbox)), 200 if result else 400


def _run_test(name, address, channel, settings, secret, mailbox):
    saved = db.session.scalar(sa.select(Mailbox).where(Mailbox.name == name))
    result = check_connection(name=name, address=address, channel=channel, settings=settings, secret=secret,
                              saved=(saved.channel, dict(saved.settings or {})) if saved is not None else None)
    with unit_of_work():
        services.record_connection_test(result, mailbox_id=mailbox.id if mailbox else None, name=name,
                                        channel=channel, actor=actor(), now=utcnow())
    return result


def _context(form, mailbox):
    """Page values beside the form: the mailbox, its channel, and where its secret is configured."""
    key = secret_key(form.CHANNEL, form.connection())
    name = (form.name.data or "").lower() or (mailbox.name if mailbox else "")
    secret = None
    if key:
        secret = {"variable": secret_variable(name or _("namn"), key), "configured": bool(configured_secret(name, key))}
    return {"item": mailbox, "channel": form.CHANNEL, "channel_label": CHANNEL_LABELS[form.CHANNEL], "secret": secret}
