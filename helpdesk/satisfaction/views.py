"""Answering the satisfaction question: by the signed e-mail link, or signed in as the requester."""

from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from ..auth.permissions import Permission, can
from ..auth.views import safe_next
from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..tickets import pages
from ..tickets.loaders import get_ticket_or_404
from ..auth.routes import declare, public, signed_in
from .forms import rating_form
from .services import AlreadyAnswered, is_rated, link_url, question_open, rate_ticket, ticket_for_token

bp = Blueprint("satisfaction", __name__)
declare(bp, signed_in)


@bp.route("/satisfaction/<token>", methods=["GET", "POST"])
@public  # the link in the mail carries its own token
def answer(token):
    """The question behind the e-mail link; the link is the proof, so show only number and subject."""
    ticket = ticket_for_token(token)
    if ticket is None:
        abort(404)
    # Whoever holds the link (the requester, and anyone the mail was copied to) sees the subject; a
    # confidential ticket's subject is its content, so its link shows the number only.
    number, subject = ticket.id, ("" if ticket.is_confidential else ticket.subject)
    form = rating_form(number)
    state = "open" if question_open(ticket, utcnow()) else ("answered" if is_rated(ticket) else "closed")
    if state == "open" and form.validate_on_submit():
        state = _save(ticket, form, actor=None, channel="link")
    response = make_response(render_template(
        "satisfaction/answer.html", number=number, subject=subject, form=form, state=state,
        action=url_for("satisfaction.answer", token=token)), 400 if form.errors else 200)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/tickets/<int:number>/rating", methods=["POST"])
@login_required
def rate(number):
    """The requester answers from the ticket page or the portal's start page."""
    ticket = get_ticket_or_404(number, Permission.TICKET_CONFIRM)
    form = rating_form(number)
    if form.validate_on_submit():
        state = _save(ticket, form, actor=current_user, channel="portal")
        if state == "open":  # refused: the page may no longer show the question, so say why up top
            flash(" ".join(form.score.errors), "error")
        else:
            flash(_("Tack för ditt svar!") if state == "thanks" else _("Frågan om ärendet är redan besvarad. Tack!"),
                  "success" if state == "thanks" else "info")
            return redirect(safe_next(request.form.get("next")))
    g.rating_form = form
    return pages.render_ticket(ticket), 400


def _save(ticket, form, *, actor, channel) -> str:
    """Store the answer; the page's state afterwards ("thanks", "answered", or "open" with errors)."""
    try:
        with unit_of_work():
            rate_ticket(ticket, score=form.score.data, comment=form.comment.data, actor=actor, now=utcnow(),
                        channel=channel)
    except (AlreadyAnswered, IntegrityError):  # IntegrityError: a second answer at the same moment
        return "answered"
    except DomainError as error:
        form.score.errors = [*form.score.errors, error.message]
        return "open"
    return "thanks"


@bp.app_template_global("satisfaction_question")
def satisfaction_question(ticket):
    """The question form for the signed-in requester's ticket page, or None when there is nothing to ask."""
    if not can(current_user, Permission.TICKET_CONFIRM, ticket) or not question_open(ticket, utcnow()):
        return None
    return g.get("rating_form") or rating_form(ticket.id, formdata=None)


@bp.app_template_global("satisfaction_link")
def satisfaction_link(ticket):
    """The answer link for the solved e-mail (None once answered or no longer asked)."""
    return link_url(ticket, utcnow())
