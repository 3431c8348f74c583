"""Access rules: request, decide, provision, revoke, review. Each flushes, never commits."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext as _, lazy_gettext as _l

from ..audit.services import record
from ..clock import local
from ..errors import InvalidField, InvalidTransition, NotAllowed
from ..extensions import db
from ..notifications.services import queue_mail
from ..tickets import services as tickets
from ..tickets.models import Status, TicketType
from . import notices
from .models import AccessGrant, AccessRequest, AccessReview, AccessReviewItem, ItemDecision, RequestStatus
from .queries import active_grants


def stored(message, **values) -> str:
    """Text kept in a ticket (message from _l), in the desk's language whoever's browser asked."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = str(message)
    return text % values if values else text


def deciders(system) -> list:
    """The system's administrator and deputy, as far as they are named and active."""
    return [u for u in (system.admin, system.deputy) if u is not None and u.is_active]


def decision_refusal(access_request, user) -> str | None:
    """Why user may not decide this request (a message for them), or None when they may."""
    system = access_request.system
    if user.id not in (system.admin_id, system.deputy_id):
        return _("Bara systemförvaltaren eller ersättaren för %(system)s får besluta.", system=system.name)
    involved = {access_request.requested_by_id, access_request.user_id}
    if user.id in involved:
        others = [u for u in deciders(system) if u.id not in involved]
        if others:
            return _("Du kan inte besluta om en behörighet som du själv har beställt eller som gäller dig. "
                     "%(name)s måste besluta.", name=others[0].full_name)
        return _("Du kan inte besluta om en behörighet som du själv har beställt eller som gäller dig, och "
                 "ingen annan systemförvaltare eller ersättare kan besluta. Be systemägaren utse en ersättare.")
    return None


def request_access(*, system, user, role, reason, valid_until, actor, now) -> AccessRequest:
    """Ask for a role in a system: an access-request ticket for the system's group and a mail to its deciders."""
    role, reason = (role or "").strip(), (reason or "").strip()
    if system is None or not system.is_active:
        raise InvalidField("system_id", _("Välj ett system."))
    if not role:
        raise InvalidField("role", _("Ange vilken behörighet som behövs."))
    if not reason:
        raise InvalidField("reason", _("Ange varför behörigheten behövs."))
    if user is None or not user.is_active or user.is_contact:
        raise InvalidField("person", _("Ingen person med det användarnamnet eller den e-postadressen."))
    if valid_until is not None and valid_until < local(now).date():
        raise InvalidField("valid_until", _("Datumet har redan passerat."))
    if any(g.user_id == user.id and g.role.casefold() == role.casefold() for g in active_grants(system.id)):
        raise InvalidField("role", _("%(name)s har redan den behörigheten.", name=user.full_name))
    body = stored(_l("Behörighet: %(role)s\nSystem: %(system)s\nFör: %(name)s (%(username)s)\n"
                     "Giltig till: %(until)s\n\nMotivering:\n%(reason)s"), role=role, system=system.name,
                  name=user.full_name, username=user.username, reason=reason,
                  until=valid_until.isoformat() if valid_until else stored(_l("tills vidare")))
    ticket = tickets.create_ticket(
        requester=actor, subject=stored(_l("Behörighet: %(role)s i %(system)s för %(name)s"),
                                        role=role, system=system.name, name=user.full_name),
        body=body, actor=actor, now=now, system=system, type=TicketType.ACCESS_REQUEST)
    tickets.add_participant(ticket, user.id)  # the person it is for follows it too
    access_request = AccessRequest(
        ticket=ticket, system=system, user=user, requested_by_id=actor.id, role=role[:200], reason=reason,
        valid_until=valid_until, status=RequestStatus.PENDING, created_at=now)
    db.session.add(access_request)
    db.session.flush()
    record("access_requested", actor=actor, now=now, object_type="access_request", object_id=access_request.id,
           system_id=system.id, user_id=user.id, role=role)
    to = [u for u in deciders(system) if u.id not in (actor.id, user.id) and notices.deliverable(u)]
    if to:
        queue_mail(kind="access_request", ticket=ticket, to=to, now=now,
                   context={"access": access_request, "access_url": notices.url("access.show_request",
                                                                                 request_id=access_request.id)})
    return access_request


def decide_request(access_request, *, approve: bool, reason, actor, now) -> None:
    """The administrator or deputy approves or rejects, with a reason, never on their own behalf."""
    if access_request.status != RequestStatus.PENDING:
        raise InvalidTransition(_("Beställningen är redan beslutad."))
    refusal = decision_refusal(access_request, actor)
    if refusal:
        raise NotAllowed(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidField("reason", _("Ange en motivering till beslutet."))
    access_request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    access_request.decided_by_id, access_request.decided_at = actor.id, now
    access_request.decision_reason = reason
    outcome = "approved" if approve else "rejected"
    ticket = access_request.ticket
    tickets.record_event(ticket, f"access:{outcome}", actor=actor, now=now, reason=reason)
    record(f"access_request_{outcome}", actor=actor, now=now, object_type="access_request",
           object_id=access_request.id, system_id=access_request.system_id, user_id=access_request.user_id,
           role=access_request.role, reason=reason)
    if approve:
        text = stored(_l("Beställningen är godkänd av %(name)s. Behörigheten läggs nu upp i systemet.\n\n"
                         "Motivering: %(reason)s"), name=actor.full_name, reason=reason)
    else:
        text = stored(_l("Beställningen är avslagen av %(name)s.\n\nMotivering: %(reason)s"),
                      name=actor.full_name, reason=reason)
    tickets.add_reply(ticket, body=text, actor=actor, now=now, staff=True)
    if not approve:
        tickets.change_status(ticket, Status.SOLVED, actor=actor, now=now)
    db.session.flush()


def provision_grant(access_request, *, actor, now) -> AccessGrant:
    """Whoever set the role up in the system confirms it: the grant is recorded and the ticket solved."""
    if access_request.status != RequestStatus.APPROVED:
        raise InvalidTransition(_("Bara en godkänd beställning kan läggas upp.")
                                if access_request.status == RequestStatus.PENDING
                                else _("Beställningen är redan avslutad."))
    grant = AccessGrant(
        system_id=access_request.system_id, user_id=access_request.user_id, role=access_request.role,
        request=access_request, approved_by_id=access_request.decided_by_id, approved_at=access_request.decided_at,
        provisioned_by_id=actor.id, provisioned_at=now, valid_until=access_request.valid_until)
    db.session.add(grant)
    access_request.status = RequestStatus.PROVISIONED
    db.session.flush()
    ticket = access_request.ticket
    tickets.record_event(ticket, "access:provisioned", actor=actor, now=now, new=grant.id)
    record("access_granted", actor=actor, now=now, object_type="access_grant", object_id=grant.id,
           request_id=access_request.id, system_id=grant.system_id, user_id=grant.user_id, role=grant.role)
    text = stored(_l("Behörigheten är upplagd."))
    if grant.valid_until:
        text += " " + stored(_l("Den gäller till och med %(date)s."), date=grant.valid_until.isoformat())
    tickets.add_reply(ticket, body=text, actor=actor, now=now, staff=True)
    tickets.change_status(ticket, Status.SOLVED, actor=actor, now=now)
    return grant


def removal_task(grant, *, why, actor, now):
    """A request ticket asking the system's group to remove the role in the system."""
    system = grant.system
    requester = actor or next((u for u in (system.admin, system.deputy, system.owner)
                               if u is not None and u.is_active), grant.user)
    ticket = tickets.create_ticket(
        requester=requester, actor=actor, now=now, system=system, type=TicketType.REQUEST, acknowledge=False,
        subject=stored(_l("Ta bort behörighet: %(name)s i %(system)s"), name=grant.user.full_name, system=system.name),
        body=stored(_l("Ta bort behörigheten %(role)s för %(name)s (%(username)s) i %(system)s.\n\nOrsak: %(why)s"),
                    role=grant.role, name=grant.user.full_name, username=grant.user.username,
                    system=system.name, why=why))
    tickets.record_event(ticket, "access:removal", actor=actor, now=now, new=grant.id, reason=why)
    grant.removal_ticket_id, grant.removal_flagged_at = ticket.id, now
    return ticket


def revoke_grant(grant, *, reason, actor, now) -> None:
    """End a grant, with the reason; the group gets a task to remove it unless one exists."""
    if grant.revoked_at is not None:
        raise InvalidTransition(_("Behörigheten är redan borttagen."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidField("reason", _("Ange varför behörigheten ska tas bort."))
    grant.revoked_at, grant.revoked_by_id, grant.revoke_reason = now, actor.id, reason
    if grant.removal_ticket_id is None:
        removal_task(grant, why=reason, actor=actor, now=now)
    record("access_revoked", actor=actor, now=now, object_type="access_grant", object_id=grant.id,
           system_id=grant.system_id, user_id=grant.user_id, role=grant.role, reason=reason)
    # An open review that lists the grant needs no second decision on it.
    item = db.session.scalar(
        sa.select(AccessReviewItem).join(AccessReview)
        .where(AccessReviewItem.grant_id == grant.id, AccessReviewItem.decision.is_(None),
               AccessReview.completed_at.is_(None)))
    if item is not None:
        _decide(item, ItemDecision.REVOKED, reason, actor=actor, now=now)
    db.session.flush()


def flag_for_removal(grant, *, now):
    """A grant whose holder's account is inactive: a removal task, once."""
    ticket = removal_task(grant, why=stored(_l("Kontot för %(name)s är inaktiverat."), name=grant.user.full_name),
                          actor=None, now=now)
    record("access_grant_flagged", actor=None, now=now, object_type="access_grant", object_id=grant.id,
           system_id=grant.system_id, user_id=grant.user_id, ticket_id=ticket.id)
    db.session.flush()
    return ticket


def open_review(system, *, due_at, now) -> AccessReview:
    """A review of every active grant of the system, mailed to its administrator (deputy in copy).

    due_at is when the system fell due; the review counts as overdue ACCESS_REVIEW_GRACE_DAYS after it.
    """
    review = AccessReview(system=system, opened_at=now, due_at=due_at)
    for grant in active_grants(system.id):
        review.items.append(AccessReviewItem(grant=grant))
    db.session.add(review)
    db.session.flush()
    record("access_review_opened", actor=None, now=now, object_type="access_review", object_id=review.id,
           system_id=system.id, grants=len(review.items))
    people = deciders(system)
    notices.mail("access_review", to=people[:1], cc=people[1:], now=now, system=system,
                 context={"review": review, "system": system,
                          "review_url": notices.url("access.show_review", review_id=review.id)})
    return review


def review_refusal(item, user) -> str | None:
    """Why user may not decide this review item, or None."""
    system = item.review.system
    if user.id not in (system.admin_id, system.deputy_id):
        return _("Bara systemförvaltaren eller ersättaren för %(system)s får granska.", system=system.name)
    if item.grant.user_id == user.id:
        others = [u for u in deciders(system) if u.id != user.id]
        return _("Du kan inte granska din egen behörighet. %(name)s måste göra det.", name=others[0].full_name) \
            if others else _("Du kan inte granska din egen behörighet, och ingen annan systemförvaltare eller "
                             "ersättare kan göra det. Be systemägaren utse en ersättare.")
    return None


def decide_review_item(item, *, decision, comment, actor, now) -> None:
    """Confirm or revoke one grant of a review; a revocation needs a comment and ends the grant."""
    decision = ItemDecision(decision)
    if item.decision is not None or item.review.completed_at is not None:
        raise InvalidTransition(_("Behörigheten är redan granskad."))
    refusal = review_refusal(item, actor)
    if refusal:
        raise NotAllowed(refusal)
    comment = (comment or "").strip()
    if decision == ItemDecision.REVOKED:
        if not comment:
            raise InvalidField("comment", _("Ange varför behörigheten ska tas bort."))
        _decide(item, decision, comment, actor=actor, now=now)
        revoke_grant(item.grant, reason=comment, actor=actor, now=now)
    else:
        _decide(item, decision, comment, actor=actor, now=now)
    db.session.flush()


def _decide(item, decision, comment, *, actor, now) -> None:
    item.decision, item.comment = decision, comment or None
    item.decided_by_id, item.decided_at = actor.id, now
    record("access_review_item_decided", actor=actor, now=now, object_type="access_review",
           object_id=item.review_id, grant_id=item.grant_id, decision=decision, comment=comment)
    review = item.review
    if review.undecided == 0:
        review.completed_at = now
        review.system.last_review_at = now
        record("access_review_completed", actor=actor, now=now, object_type="access_review",
               object_id=review.id, system_id=review.system_id)


def escalate_review(review, *, now) -> None:
    """Tell the system owner (or, without one, the security officers) that a review is overdue.

    Once per review: the escalation job claims the review before calling this.
    """
    system = review.system
    owner = system.owner if system.owner is not None and notices.deliverable(system.owner) else None
    to = [owner] if owner else notices.security_officers()
    review.escalated_at, review.escalated_to_id = now, owner.id if owner else None
    record("access_review_escalated", actor=None, now=now, object_type="access_review", object_id=review.id,
           system_id=system.id, to=[u.email for u in to])
    notices.mail("access_review_overdue", to=to[:1], cc=to[1:], now=now, system=system,
                 context={"review": review, "system": system,
                          "review_url": notices.url("access.show_review", review_id=review.id)})
    db.session.flush()


def set_review_interval(system, months, *, actor, now) -> None:
    """The system's own review interval in months (None: from its classification)."""
    if months is not None and not 1 <= months <= 60:
        raise InvalidField("months", _("Ange ett antal månader mellan 1 och 60."))
    if months == system.review_interval_months:
        return
    record("access_review_interval_set", actor=actor, now=now, object_type="system", object_id=system.id,
           old=system.review_interval_months, new=months)
    system.review_interval_months = months
    db.session.flush()

