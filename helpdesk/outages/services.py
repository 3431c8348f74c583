"""Outage rules: publish, update and close notices; declare and solve major incidents; "me too".

Each takes keyword-only actor and now, flushes, never commits. Mail goes through .mail, which
writes one outbox row per person per update in the same transaction.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..catalogue.models import System
from ..errors import DomainError, InvalidField
from ..extensions import db
from ..tickets import services as tickets
from ..tickets.models import OPEN_STATUSES, Status, Ticket, TicketParticipant, TicketType
from . import mail
from ..webhooks.events import emit_event
from .models import (
    AffectedSource, DeflectionKind, Extent, MajorIncident, MajorIncidentPerson, MajorIncidentTicket, NoticeKind,
    OutageNotice, OutageNoticeSystem, OutageSubscription, OutageUpdate, ReportDeflection, UpdateKind,
)


def reminder_interval() -> timedelta:
    return timedelta(minutes=int(current_app.config["MAJOR_INCIDENT_UPDATE_REMINDER_MINUTES"]))


def _clean(text, limit=20000) -> str:
    return (text or "").strip()[:limit]


def publish_notice(*, title, systems, all_systems=False, kind=NoticeKind.UNPLANNED, extent=Extent.WHOLE,
                   works_text="", broken_text="", starts_at, expected_end_at=None, major_ticket=None,
                   actor, now) -> OutageNotice:
    """Publish a notice on systems (or all); an unplanned fault gets a major incident to gather "me too"."""
    title = _clean(title, 200)
    if not title:
        raise InvalidField("title", _("Ange en rubrik."))
    if not all_systems and not systems:
        raise InvalidField("system_ids", _("Välj minst ett system, eller ”alla system”."))
    if expected_end_at is not None and expected_end_at <= starts_at:
        raise InvalidField("expected_end", _("Beräknat klart måste vara efter starttiden."))
    if kind == NoticeKind.UNPLANNED and major_ticket is None:
        major_ticket = tickets.create_ticket(
            requester=actor, subject=title, body=broken_text or title, actor=actor, now=now,
            system=systems[0] if systems else None, impact=1, urgency=1, acknowledge=False)
    if major_ticket is not None:
        declare_major_incident(major_ticket, actor=actor, now=now)
    notice = OutageNotice(
        title=title, kind=NoticeKind(kind), extent=Extent(extent), all_systems=bool(all_systems),
        works_text=_clean(works_text), broken_text=_clean(broken_text), starts_at=starts_at,
        expected_end_at=expected_end_at, major_incident_ticket_id=major_ticket.id if major_ticket else None,
        published_by_id=actor.id, created_at=now, updated_at=now)
    db.session.add(notice)
    db.session.flush()
    for system in ([] if all_systems else systems):
        db.session.add(OutageNoticeSystem(notice_id=notice.id, system_id=system.id))
    update = OutageUpdate(notice_id=notice.id, major_incident_ticket_id=notice.major_incident_ticket_id,
                          kind=UpdateKind.PUBLISHED, body=notice.broken_text, author_id=actor.id, created_at=now)
    db.session.add(update)
    db.session.flush()
    mail.mail_update(update, subscribers(notice), notice=notice, major_ticket=major_ticket, now=now)
    _emit_notice("outage.published", notice, now)
    return notice


def _emit_notice(event_type, notice, now, **extra) -> None:
    """An outage webhook; confidential (only to subscriptions allowed for it) once its major incident is."""
    major = notice.major_incident_ticket if notice.major_incident_ticket_id else None
    emit_event(event_type, {**_notice_payload(notice), **extra}, now=now,
               confidential=bool(major is not None and major.is_confidential))


def _notice_payload(notice) -> dict:
    """What a webhook subscriber is told about a notice: public facts, as on the status page."""
    return {"notice": notice.id, "title": notice.title, "kind": str(notice.kind), "extent": str(notice.extent),
            "all_systems": notice.all_systems,
            "systems": [] if notice.all_systems else sorted(s.system_id for s in db.session.scalars(
                sa.select(OutageNoticeSystem).where(OutageNoticeSystem.notice_id == notice.id))),
            "starts_at": notice.starts_at, "expected_end_at": notice.expected_end_at, "ended_at": notice.ended_at,
            "major_incident": notice.major_incident_ticket_id}


def edit_notice(notice, *, title, extent, works_text, broken_text, expected_end_at, actor, now) -> None:
    """Correct a notice's texts and expected end (the history of updates stays)."""
    if notice.is_ended:
        raise DomainError(_("Driftinformationen är redan avslutad."))
    title = _clean(title, 200)
    if not title:
        raise InvalidField("title", _("Ange en rubrik."))
    if expected_end_at is not None and expected_end_at <= notice.starts_at:
        raise InvalidField("expected_end", _("Beräknat klart måste vara efter starttiden."))
    notice.title, notice.extent = title, Extent(extent)
    notice.works_text, notice.broken_text = _clean(works_text), _clean(broken_text)
    notice.expected_end_at = expected_end_at
    notice.updated_at = now
    db.session.flush()


def subscribers(notice) -> set[int]:
    """Who subscribed to any of the notice's systems (all subscribers for an all-systems notice)."""
    query = sa.select(OutageSubscription.user_id)
    if not notice.all_systems:
        query = query.join(OutageNoticeSystem, OutageNoticeSystem.system_id == OutageSubscription.system_id) \
            .where(OutageNoticeSystem.notice_id == notice.id)
    return set(db.session.scalars(query))


def affected_people(major_ticket_id) -> set[int]:
    return set(db.session.scalars(sa.select(MajorIncidentPerson.user_id).where(
        MajorIncidentPerson.major_incident_ticket_id == major_ticket_id)))


def _audience(notice, major_ticket_id) -> set[int]:
    people = affected_people(major_ticket_id) if major_ticket_id else set()
    notices = [notice] if notice else []
    if major_ticket_id:
        notices += [n for n in open_notices_of(major_ticket_id) if notice is None or n.id != notice.id]
    for n in notices:
        people |= subscribers(n)
    return people


def open_notices_of(major_ticket_id) -> list[OutageNotice]:
    return list(db.session.scalars(sa.select(OutageNotice).where(
        OutageNotice.major_incident_ticket_id == major_ticket_id, OutageNotice.ended_at.is_(None))
        .order_by(OutageNotice.id)))


def post_update(*, body, actor, now, notice=None, major_ticket=None) -> OutageUpdate:
    """Post a progress update on a notice and/or its major incident; each person is mailed it once."""
    body = _clean(body)
    if not body:
        raise InvalidField("body", _("Skriv vad som är nytt."))
    if notice is not None and notice.is_ended:
        raise DomainError(_("Driftinformationen är redan avslutad."))
    if notice is not None and major_ticket is None and notice.major_incident_ticket_id:
        major_ticket = notice.major_incident_ticket
    if major_ticket is not None and notice is None:
        notice = next(iter(open_notices_of(major_ticket.id)), None)
    update = OutageUpdate(notice_id=notice.id if notice else None,
                          major_incident_ticket_id=major_ticket.id if major_ticket else None,
                          kind=UpdateKind.UPDATE, body=body, author_id=actor.id, created_at=now)
    db.session.add(update)
    if notice is not None:
        notice.updated_at = now
    if major_ticket is not None:
        major = db.session.get(MajorIncident, major_ticket.id)
        if major is not None and major.resolved_at is None:
            major.last_update_at = now
            major.reminder_due_at = now + reminder_interval()
        tickets.record_event(major_ticket, "outage:update", actor=actor, now=now, reason=body[:2000])
    db.session.flush()
    mail.mail_update(update, _audience(notice, major_ticket.id if major_ticket else None),
                     notice=notice, major_ticket=major_ticket, now=now)
    if notice is not None:
        _emit_notice("outage.updated", notice, now, update=body)
    return update


def close_notice(notice, *, resolution, actor, now) -> None:
    """End a notice with its resolution; an open major incident behind it is solved with the same text."""
    if notice.is_ended:
        raise DomainError(_("Driftinformationen är redan avslutad."))
    resolution = _clean(resolution)
    if not resolution:
        raise InvalidField("resolution", _("Skriv hur felet löstes."))
    major = db.session.get(MajorIncident, notice.major_incident_ticket_id) if notice.major_incident_ticket_id else None
    if major is not None and major.resolved_at is None:
        solve_major_incident(major.ticket, resolution=resolution, actor=actor, now=now)
        return
    _end(notice, resolution, now)
    update = OutageUpdate(notice_id=notice.id, major_incident_ticket_id=notice.major_incident_ticket_id,
                          kind=UpdateKind.RESOLUTION, body=resolution, author_id=actor.id, created_at=now)
    db.session.add(update)
    db.session.flush()
    mail.mail_update(update, subscribers(notice), notice=notice, major_ticket=None, now=now)


def _end(notice, resolution, now) -> None:
    notice.ended_at = max(now, notice.starts_at)
    notice.resolution = resolution
    notice.updated_at = now
    _emit_notice("outage.updated", notice, now, resolution=resolution)


def declare_major_incident(ticket, *, actor, now) -> MajorIncident:
    """Flag a ticket as a major incident; its requester is the first affected person."""
    if ticket.type == TicketType.SECURITY_INCIDENT or ticket.is_confidential:
        raise DomainError(_("Ett konfidentiellt ärende kan inte bli en storstörning."))
    major = db.session.get(MajorIncident, ticket.id)
    if major is not None:
        return major
    if ticket.merged_into_id:
        raise DomainError(_("Ärendet är sammanfogat med #%(n)s.", n=ticket.merged_into_id))
    under = db.session.scalar(sa.select(MajorIncidentTicket.ticket_id).where(MajorIncidentTicket.ticket_id == ticket.id))
    if under is not None or not ticket.is_open:
        raise DomainError(_("Bara ett öppet ärende som inte redan ligger under en storstörning kan bli en."))
    major = MajorIncident(ticket_id=ticket.id, declared_at=now, declared_by_id=actor.id, last_update_at=now,
                          reminder_due_at=now + reminder_interval())
    db.session.add(major)
    tickets.record_event(ticket, "outage:major", actor=actor, now=now)
    db.session.flush()
    emit_event("major_incident.declared", {"ticket": ticket.id, "subject": ticket.subject,
                                           "system": ticket.system_id}, now=now)
    if ticket.requester_id != actor.id:  # a ticket opened for a notice is the agent's, not a victim's
        _add_person(major, ticket.requester, source=AffectedSource.TICKET, now=now)
    return major


def _add_person(major, user, *, source, now, comment="") -> bool:
    person = db.session.get(MajorIncidentPerson, (major.ticket_id, user.id))
    if person is not None:
        if comment and not person.comment:
            person.comment = comment
        return False
    db.session.add(MajorIncidentPerson(
        major_incident_ticket_id=major.ticket_id, user_id=user.id, source=source,
        department_id=user.department_id, comment=comment, created_at=now))
    db.session.flush()
    return True


def _open_major(major_ticket) -> MajorIncident:
    major = db.session.get(MajorIncident, major_ticket.id)
    if major is None:
        raise DomainError(_("Ärendet är ingen storstörning."))
    if major.resolved_at is not None:
        raise DomainError(_("Storstörningen är redan löst."))
    return major


def me_too(notice, *, user, comment="", now) -> bool:
    """ "Jag berörs också": the employee is affected by the notice's major incident; no new ticket."""
    if notice.is_ended or notice.major_incident_ticket_id is None:
        raise DomainError(_("Den här driftinformationen tar inte emot anmälningar."))
    major = _open_major(notice.major_incident_ticket)
    added = _add_person(major, user, source=AffectedSource.ME_TOO, now=now, comment=_clean(comment, 2000))
    if added:
        db.session.add(ReportDeflection(
            kind=DeflectionKind.ME_TOO, user_id=user.id, organisation_id=user.organisation_id,
            system_id=next((s.id for s in notice.systems), None), notice_id=notice.id, created_at=now))
        db.session.flush()
    return added


def add_affected(major_ticket, user, *, actor, now, comment="") -> bool:
    """An agent adds someone (a caller) as affected."""
    return _add_person(_open_major(major_ticket), user, source=AffectedSource.AGENT, now=now,
                       comment=_clean(comment, 2000))


def link_ticket(major_ticket, ticket, *, actor, now) -> None:
    """Put a ticket under the major incident: its requester is affected, and it is solved with it."""
    major = _open_major(major_ticket)
    if ticket.id == major_ticket.id:
        raise DomainError(_("Ett ärende kan inte länkas till sig självt."))
    if ticket.is_confidential:
        raise DomainError(_("Ett konfidentiellt ärende kan inte läggas under en storstörning."))
    if db.session.get(MajorIncident, ticket.id) is not None:
        raise DomainError(_("#%(n)s är själv en storstörning.", n=ticket.id))
    existing = db.session.scalar(sa.select(MajorIncidentTicket).where(MajorIncidentTicket.ticket_id == ticket.id))
    if existing is not None:
        if existing.major_incident_ticket_id == major_ticket.id:
            return
        raise DomainError(_("#%(n)s ligger redan under storstörning #%(m)s.", n=ticket.id,
                            m=existing.major_incident_ticket_id))
    db.session.add(MajorIncidentTicket(major_incident_ticket_id=major_ticket.id, ticket_id=ticket.id,
                                       linked_at=now, linked_by_id=actor.id))
    tickets.link_tickets(major_ticket, ticket, actor=actor, now=now)
    tickets.record_event(ticket, "outage:linked", actor=actor, now=now, new=major_ticket.id)
    _add_person(major, ticket.requester, source=AffectedSource.TICKET, now=now)


def solve_major_incident(major_ticket, *, resolution, actor, now) -> int:
    """Solve the major incident and every open ticket under it with its resolution; returns tickets solved.

    Each ticket goes through the ticket services (a public reply, then "solved"), so its own events
    and SLA clocks stop as for any solved ticket, and its requester gets the usual "solved" mail.
    Everyone else affected gets one resolution mail.
    """
    major = _open_major(major_ticket)
    resolution = _clean(resolution)
    if not resolution:
        raise InvalidField("resolution", _("Skriv hur felet löstes."))
    linked = db.session.scalars(
        sa.select(Ticket).join(MajorIncidentTicket, MajorIncidentTicket.ticket_id == Ticket.id)
        .where(MajorIncidentTicket.major_incident_ticket_id == major_ticket.id).order_by(Ticket.id)).all()
    solved, told = 0, set()
    for ticket in [major_ticket, *linked]:
        if ticket.status not in OPEN_STATUSES or ticket.merged_into_id:
            continue
        tickets.add_reply(ticket, body=resolution, actor=actor, now=now, staff=True)
        tickets.change_status(ticket, Status.SOLVED, actor=actor, now=now, reason="major_incident")
        told |= _mailed_by_ticket(ticket)
        solved += 1
    major.resolved_at = now
    major.reminder_due_at = None
    notices = open_notices_of(major_ticket.id)
    for notice in notices:
        _end(notice, resolution, now)
    update = OutageUpdate(notice_id=notices[0].id if notices else None, major_incident_ticket_id=major_ticket.id,
                          kind=UpdateKind.RESOLUTION, body=resolution, author_id=actor.id, created_at=now)
    db.session.add(update)
    db.session.flush()
    audience = affected_people(major_ticket.id)
    for notice in notices:
        audience |= subscribers(notice)
    mail.mail_update(update, audience - told, notice=notices[0] if notices else None,
                     major_ticket=major_ticket, now=now)
    return solved


def _mailed_by_ticket(ticket) -> set[int]:
    """The requester and cc participants, who hear of the solving through the ticket's own mail."""
    cc = db.session.scalars(sa.select(TicketParticipant.user_id).where(
        TicketParticipant.ticket_id == ticket.id, TicketParticipant.role == "cc"))
    return {ticket.requester_id, *cc}


def subscribe(user, system, *, now) -> bool:
    """Mail this employee the notices on a system."""
    if db.session.get(OutageSubscription, (user.id, system.id)) is not None:
        return False
    db.session.add(OutageSubscription(user_id=user.id, system_id=system.id, created_at=now))
    db.session.flush()
    return True


def unsubscribe(user, system) -> bool:
    row = db.session.get(OutageSubscription, (user.id, system.id))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def active_systems(ids) -> list[System]:
    ids = [i for i in ids if i]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(System).where(System.id.in_(ids), System.is_active)
                                   .order_by(System.name)))
