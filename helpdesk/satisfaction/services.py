"""The satisfaction question: when it is open, its signed link, and storing the one answer."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ..errors import DomainError
from ..extensions import db
from .models import SCORES, SatisfactionRating

ANSWER_DAYS = 30  # after that the question has gone stale; the link and the portal stop asking
SALT = "satisfaction"


class AlreadyAnswered(DomainError):
    """The ticket's one answer has been given."""


def _serializer() -> URLSafeSerializer:
    # Untimed: validity is decided from the ticket and the injected clock (question_open), not the token.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(ticket) -> str:
    """The signed token that lets the requester answer without signing in."""
    return _serializer().dumps({"t": ticket.id, "r": ticket.requester_id})


def ticket_for_token(token: str):
    """The ticket a token was made for, or None if it is forged, damaged or no longer matches."""
    from ..tickets.models import Ticket

    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), int):
        return None
    ticket = db.session.get(Ticket, data["t"])
    return ticket if ticket is not None and ticket.requester_id == data.get("r") else None


def is_rated(ticket) -> bool:
    return db.session.scalar(sa.select(SatisfactionRating.id).where(SatisfactionRating.ticket_id == ticket.id)) \
        is not None


def finished_at(ticket):
    """When the ticket was last solved or closed."""
    return max((t for t in (ticket.solved_at, ticket.closed_at) if t is not None), default=None)


def question_open(ticket, now) -> bool:
    """Whether the requester may still rate this ticket: finished lately, not merged, not yet rated."""
    from ..tickets.models import Status

    done = finished_at(ticket)
    return (ticket.status in (Status.SOLVED, Status.CLOSED) and ticket.merged_into_id is None
            and done is not None and now - done <= timedelta(days=ANSWER_DAYS) and not is_rated(ticket))


def link_url(ticket, now) -> str | None:
    """The absolute answer link for the solved e-mail, or None when there is nothing to ask."""
    if not question_open(ticket, now):
        return None
    return f"{current_app.config['BASE_URL'].rstrip('/')}/satisfaction/{link_token(ticket)}"


def rate_ticket(ticket, *, score, comment, actor, now, channel) -> SatisfactionRating:
    """Store the one answer about a finished ticket; flushes (a concurrent second answer fails there)."""
    from ..tickets.services import record_event

    if score not in SCORES:
        raise DomainError(_("Välj ett betyg från 1 till 5."))
    if is_rated(ticket):
        raise AlreadyAnswered(_("Frågan om ärendet är redan besvarad. Tack!"))
    if not question_open(ticket, now):
        raise DomainError(_("Frågan om ärendet är inte längre öppen."))
    rating = SatisfactionRating(ticket_id=ticket.id, score=score, comment=(comment or "").strip(),
                                channel=channel, answered_by_id=getattr(actor, "id", None), answered_at=now)
    db.session.add(rating)
    record_event(ticket, "satisfaction", actor=actor or ticket.requester, now=now, new=score,
                 reason={"channel": channel})
    db.session.flush()
    return rating
