"""Ticket pages of this domain: the legal hold (gallringsstopp) and the disclosure export."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import Permission, can
from ..clock import local, utcnow
from ..database import unit_of_work
from ..errors import DomainError, InvalidField
from ..forms import choices
from ..tickets.labels import MESSAGE_KIND_LABELS
from ..tickets.loaders import get_ticket_or_404
from ..tickets.queries import conversation
from ..web import client_address
from ..auth.routes import signed_in
from . import disclosure, queries, services
from .forms import DisclosureForm, HoldForm
from .views import bp


@bp.route("/tickets/<int:number>/hold", methods=["GET", "POST"])
@signed_in  # the ticket first (404 when hidden), then LEGAL_HOLD (403) below
def hold(number):
    """Place or lift the ticket's legal hold (administrators and security officers)."""
    ticket = get_ticket_or_404(number, Permission.TICKET_VIEW, via="legal-hold")
    if not can(current_user, Permission.LEGAL_HOLD):
        abort(403)
    current = queries.active_hold(ticket.id)
    form = HoldForm()
    if form.validate_on_submit():
        change = services.lift_hold if current else services.place_hold
        try:
            with unit_of_work():
                change(ticket, reason=form.reason.data, actor=current_user, now=utcnow())
        except InvalidField as error:
            form.reason.errors = [error.message]
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Gallringsstoppet är hävt.") if current else _("Ärendet har nu gallringsstopp."), "success")
            return redirect(url_for("tickets.show", number=ticket.id))
    return render_template("retention/hold.html", ticket=ticket, hold=current, form=form), \
        400 if form.errors else 200


@bp.route("/tickets/<int:number>/disclosure", methods=["GET", "POST"])
def disclose(number):
    """Choose what the secrecy review keeps back; the post downloads the document."""
    ticket = get_ticket_or_404(number, Permission.TICKET_WORK, via="disclosure")  # audits a confidential read
    messages = conversation(ticket, internal=True)
    proposed = disclosure.Redactions.default_for(messages)
    form = DisclosureForm(hide_messages=sorted(proposed.message_ids))
    form.hide_messages.choices = choices((m.id, _message_label(m)) for m in messages)
    form.format.choices = choices([("html", _("Webbsida (HTML)")), ("pdf", "PDF")])
    if form.validate_on_submit():
        redactions = disclosure.Redactions(
            fields=frozenset(form.hide_fields.data), message_ids=frozenset(form.hide_messages.data),
            attachments=form.hide_attachments.data, osl_reference=form.osl_reference.data or "",
            terms=tuple(t for t in (form.terms.data or "").splitlines() if t.strip()))
        now = utcnow()
        document = disclosure.build_document(ticket, redactions, actor=current_user, now=now)
        with unit_of_work():
            disclosure.record_disclosure(ticket, redactions, fmt=form.format.data, actor=current_user, now=now,
                                         address=client_address())
        if form.format.data == "pdf":
            body, mimetype = disclosure.render_pdf(document), "application/pdf"
        else:
            body, mimetype = disclosure.render_html(document), "text/html; charset=utf-8"
        name = f"arende-{ticket.id}-utlamnande.{form.format.data}"
        return Response(body, mimetype=mimetype, headers={
            "Content-Disposition": f"attachment; filename={name}",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox"})
    return render_template("retention/disclosure_form.html", ticket=ticket, form=form), \
        400 if form.errors else 200


def _message_label(message) -> str:
    author = message.author.full_name if message.author else "–"
    text = " ".join((message.body_reply or message.body or "").split())
    preview = text[:90] + ("…" if len(text) > 90 else "")
    return _("%(kind)s %(when)s, %(author)s: %(preview)s", kind=MESSAGE_KIND_LABELS.get(message.kind, message.kind),
             when=local(message.created_at).strftime("%Y-%m-%d %H:%M"), author=author, preview=preview)
