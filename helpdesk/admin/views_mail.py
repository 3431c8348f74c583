"""Administration of mailboxes, received mail (quarantine) and outgoing mail."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..intake import admin as services
from ..intake import queries, store
from ..intake.labels import OUTBOX_STATUS_LABELS, OUTCOME_LABELS
from ..intake.models import InboundMessage
from ..intake.reasons import explain_reason, explain_send_error, explain_swallowed
from ..intake.swallowed import counts as swallowed_counts
from ..notifications.models import OutboundMessage
from ..auth.permissions import Permission, can
from ..tickets.models import Ticket
from ..tickets.forms import EmptyForm
from ..tickets.loaders import get_ticket_or_404
from ..limits import int_arg
from .views import actor, bp


@bp.route("/mail")
def mail_log():
    """Every received message with its outcome; the quarantine is one filter of it."""
    outcome = request.args.get("outcome", "")
    page = int_arg("page", 1, low=1, high=100000)
    items, has_next = queries.inbound_page(outcome or None, page)
    return render_template("admin/mail_log.html", items=items, has_next=has_next, page=page, hidden=_hidden(items),
                           outcome=outcome, outcomes=OUTCOME_LABELS, quarantined=queries.quarantine_count(),
                           swallowed=swallowed_counts(), explain=explain_reason, explain_site=explain_swallowed)


def _hidden(items) -> set:
    """Ids of listed mail (received or outgoing) whose ticket the user may not see: its addresses and
    subject are not shown."""
    ticket_ids = {i.ticket_id for i in items if i.ticket_id is not None}
    if not ticket_ids:
        return set()
    tickets = db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(ticket_ids), Ticket.is_confidential)).all()
    hidden = {t.id for t in tickets if not can(current_user, Permission.TICKET_VIEW, t)}
    return {i.id for i in items if i.ticket_id in hidden}


def _inbound(inbound_id, via):
    """A received message; one that belongs to a ticket only as the ticket itself may be read.

    The mail of a confidential ticket is the ticket's content: whoever may not see the ticket
    gets 404 here too, and whoever may has the read audited (issue 8, finding 4).
    """
    item = db.get_or_404(InboundMessage, inbound_id)
    if item.ticket_id is not None:
        get_ticket_or_404(item.ticket_id, Permission.TICKET_VIEW, via=via)
    return item


@bp.route("/mail/<int:inbound_id>")
def mail_detail(inbound_id):
    item = _inbound(inbound_id, "mail-admin")
    return render_template("admin/mail_detail.html", item=item, form=EmptyForm(), outcomes=OUTCOME_LABELS,
                           reason=explain_reason(item.reason))


@bp.route("/mail/<int:inbound_id>/raw")
def mail_raw(inbound_id):
    """The message exactly as received, as a download (never rendered)."""
    item = _inbound(inbound_id, "mail-admin-raw")
    try:
        response = send_file(store.path_of(item.raw_sha256), mimetype="application/octet-stream",
                             as_attachment=True, download_name=f"inbound-{item.id}.eml", max_age=0)
    except FileNotFoundError:
        abort(404)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _act(inbound_id, action, message):
    item = _inbound(inbound_id, "mail-admin")
    if EmptyForm().validate_on_submit():
        try:
            with unit_of_work():
                action(item, actor=actor(), now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(message, "success")
    return redirect(url_for(".mail_detail", inbound_id=inbound_id))


@bp.route("/mail/<int:inbound_id>/reimport", methods=["POST"])
def mail_reimport(inbound_id):
    return _act(inbound_id, services.reimport, _("Meddelandet är inläst igen. Se resultatet i listan."))


@bp.route("/mail/<int:inbound_id>/release", methods=["POST"])
def mail_release(inbound_id):
    return _act(inbound_id, services.release, _("Meddelandet är markerat som hanterat."))


@bp.route("/outbox")
def outbox():
    """Outgoing mail that failed or waits for another attempt."""
    items = queries.outbox_problems()
    return render_template("admin/outbox.html", items=items, form=EmptyForm(), statuses=OUTBOX_STATUS_LABELS,
                           hidden=_hidden(items), explain=explain_send_error)


@bp.route("/outbox/<int:outbound_id>/retry", methods=["POST"])
def outbox_retry(outbound_id):
    item = db.get_or_404(OutboundMessage, outbound_id)
    if EmptyForm().validate_on_submit():
        try:
            with unit_of_work():
                services.resend(item, actor=actor(), now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Utskicket försöks igen."), "success")
    return redirect(url_for(".outbox"))
