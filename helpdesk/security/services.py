"""Registering and working security incidents; every change audited and kept in history."""

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..audit.services import record
from ..errors import DomainError, InvalidField
from ..extensions import db
from ..notifications.services import withhold_from_non_readers
from ..org.models import Organisation
from ..outages.models import MajorIncident, MajorIncidentTicket
from ..routing.services import security_group
from ..sla.services import refresh_sla
from ..tickets import services as tickets
from ..tickets.models import Channel, TicketType
from ..webhooks.events import emit_event
from .clocks import deadlines
from .labels import DEADLINE_LABELS
from .priority import Assessment, assess, assess_facts
from .models import (
    MSB_CATEGORIES, Art34Decision, GdprRisk, IncidentSystem, SecurityIncident, Submission, SubmissionKind,
)

GDPR_KINDS = {SubmissionKind.GDPR_NOTIFICATION, SubmissionKind.GDPR_SUPPLEMENT}


def _log(incident, action, *, actor, now, **details):
    tickets.record_event(incident.ticket, f"security:{action}", actor=actor, now=now,
                         reason=details or None)
    record(f"incident_{action}", actor=actor, now=now, object_type="security_incident",
           object_id=incident.id, **details)


def report_incident(*, reporter, subject, description, now, aware_at=None, system=None,
                    personal_data=None, channel=Channel.WEB) -> SecurityIncident:
    """An employee reports an information-security incident: a confidential ticket and its record."""
    if aware_at is not None and aware_at > now:
        raise InvalidField("aware_at", _("Tidpunkten kan inte ligga i framtiden."))
    # Routed to the security officers' group (tickets.create_ticket) with the priority of an
    # incident nobody has assessed yet: the GDPR clock runs in calendar hours from now.
    organisation = db.session.get(Organisation, reporter.organisation_id) if reporter.organisation_id else None
    first = assess_facts(personal_data=personal_data, risk=None, significant=None, category=None, klassa=0,
                         nis2_covered=organisation.nis2_covered if organisation else True, rules=_rules())
    ticket = tickets.create_ticket(
        requester=reporter, subject=subject, body=description, actor=reporter, now=now, system=system,
        type=TicketType.SECURITY_INCIDENT, channel=channel, is_confidential=True,
        impact=first.impact, urgency=first.urgency)
    incident = _new_record(ticket, aware_at or now, personal_data=personal_data)
    if system is not None:
        incident.systems.append(IncidentSystem(system_id=system.id))
    db.session.flush()
    _log(incident, "registered", actor=reporter, now=now)
    apply_assessment(incident, before=first, actor=reporter, now=now)  # the controller may be a bolag
    emit_event("security_incident.registered", {"ticket": ticket.id, "incident": incident.id}, now=now,
               confidential=True)
    return incident


def raise_to_incident(ticket, *, actor, now) -> SecurityIncident:
    """An agent turns any ticket into a security incident; from now on it is confidential."""
    if ticket.type == TicketType.SECURITY_INCIDENT and incident_of(ticket) is not None:
        raise DomainError(_("Ärendet är redan en säkerhetsincident."))
    if db.session.get(MajorIncident, ticket.id) is not None:  # its notices and updates reach everyone affected
        raise DomainError(_("En storstörning är öppen för alla som berörs och kan inte bli en säkerhetsincident. "
                            "Registrera säkerhetsincidenten som ett eget ärende och länka dem."))
    _leave_major_incident(ticket, actor=actor, now=now)
    tickets.record_event(ticket, "type", actor=actor, now=now, old=ticket.type, new=TicketType.SECURITY_INCIDENT)
    ticket.type = TicketType.SECURITY_INCIDENT
    ticket.is_confidential = True
    tickets.add_participant(ticket, actor.id, role="worker")  # the person working it keeps access
    if ticket.assignee_id:
        tickets.add_participant(ticket, ticket.assignee_id, role="worker")  # and so does its assignee
    removed = _drop_followers(ticket)
    incident = _new_record(ticket, now)
    if ticket.system_id:
        incident.systems.append(IncidentSystem(system_id=ticket.system_id))
    db.session.flush()
    _log(incident, "raised", actor=actor, now=now)
    # Who keeps it, in the history: DESIGN.md "visible only to the security role and the people working
    # them"; the requester keeps their own report (its public messages, replying), as the reporter of an
    # incident does; everyone else who followed it loses it, and their unsent mail with it.
    _log(incident, "access_narrowed", actor=actor, now=now, removed=removed, requester="keeps own report",
         withheld_mail=withhold_from_non_readers(ticket))
    group = security_group(ticket.organisation_id)
    if group is not None:
        tickets.move_to_group(ticket, group, actor=actor, now=now,
                              why={"by": "security", "id": group.id, "name": group.name})
    apply_assessment(incident, actor=actor, now=now, lower=False)  # a P1 outage stays P1
    refresh_sla(ticket, now=now)  # a security incident's service hours are round the clock
    emit_event("security_incident.registered", {"ticket": ticket.id, "incident": incident.id}, now=now,
               confidential=True)
    return incident


def _leave_major_incident(ticket, *, actor, now) -> None:
    """A ticket under a major incident leaves it: the major incident's page and mail name its tickets."""
    under = db.session.scalar(sa.select(MajorIncidentTicket).where(MajorIncidentTicket.ticket_id == ticket.id))
    if under is not None:
        tickets.record_event(ticket, "outage:unlinked", actor=actor, now=now, old=under.major_incident_ticket_id)
        db.session.delete(under)
        db.session.flush()


def _drop_followers(ticket) -> list[str]:
    """Remove the participants who only followed the ticket (cc); their user names, for the history."""
    followers = [p for p in ticket.participants if p.role != "worker"]
    for participant in followers:
        ticket.participants.remove(participant)
    db.session.flush()
    return sorted(p.user.username for p in followers)


def _new_record(ticket, aware_at, *, personal_data=None) -> SecurityIncident:
    requester = ticket.requester
    incident = SecurityIncident(
        ticket=ticket, awareness_at=aware_at, personal_data=personal_data,
        controller_department_id=requester.department_id, controller_organisation_id=ticket.organisation_id)
    db.session.add(incident)
    return incident


def _rules() -> dict:
    return current_app.config["SECURITY_PRIORITY"]


def assessment_of(incident) -> Assessment:
    """What the incident's assessment so far gives as impact and urgency."""
    return assess(incident, _rules())


def apply_assessment(incident, *, actor, now, before: Assessment | None = None, lower=True) -> None:
    """Set the ticket's priority from the assessment, with its grounds in the history.

    before: the assessment before this change; when it gives the same impact and urgency, a
    priority a person has set by hand stands. lower=False never lowers the priority."""
    after = assessment_of(incident)
    if before is not None and (before.impact, before.urgency) == (after.impact, after.urgency):
        return
    ticket = incident.ticket
    if not lower and tickets.priority_for(after.impact, after.urgency) >= ticket.priority:
        return
    tickets.change_priority(ticket, impact=after.impact, urgency=after.urgency, actor=actor, now=now, reason={
        "by": "security_assessment", "impact": after.impact, "urgency": after.urgency,
        "grounds": list(after.grounds)})


def deadlines_of(incident):
    """The incident's legal clocks under the configured deadlines."""
    return deadlines(incident, current_app.config, nis2_covered=incident.controller_organisation.nis2_covered)


def incident_legal_view(ticket, *, now):
    """The incident of a ticket and, for its page, its legal clocks (they lead; the SLA follows)."""
    incident = incident_of(ticket)
    if incident is None:
        return None, None
    return incident, {"clocks": deadlines_of(incident), "labels": DEADLINE_LABELS, "now": now,
                      "no_group": security_group(ticket.organisation_id) is None}


def incident_of(ticket) -> SecurityIncident | None:
    import sqlalchemy as sa

    return db.session.scalar(sa.select(SecurityIncident).where(SecurityIncident.ticket_id == ticket.id))


def classify_incident(incident, *, category, hits, personal_data, system_ids, controller_department_id,
                      controller_organisation_id, awareness_at, awareness_reason, actor, now) -> None:
    """MSB category, dimensions hit, personal data, systems, controller and awareness time."""
    if category is not None and category not in MSB_CATEGORIES:
        raise InvalidField("category", _("Välj en av MSB:s kategorier."))
    before = assessment_of(incident)
    if awareness_at != incident.awareness_at:
        if awareness_at > now:
            raise InvalidField("awareness_at", _("Tidpunkten kan inte ligga i framtiden."))
        if not (awareness_reason or "").strip():
            raise InvalidField("awareness_reason", _("Ange varför tidpunkten för kännedom ändras."))
        _log(incident, "awareness_changed", actor=actor, now=now, old=incident.awareness_at.isoformat(),
             new=awareness_at.isoformat(), reason=awareness_reason.strip())
        incident.awareness_at, incident.awareness_reason = awareness_at, awareness_reason.strip()
    incident.category = category
    incident.hits_k, incident.hits_r, incident.hits_t, incident.hits_s = (k in hits for k in "krts")
    incident.personal_data = personal_data
    incident.controller_department_id = controller_department_id
    incident.controller_organisation_id = controller_organisation_id
    incident.systems = [IncidentSystem(system_id=i) for i in dict.fromkeys(system_ids)]
    db.session.flush()
    db.session.expire(incident, ["systems", "controller_organisation"])  # read the new rows back
    _log(incident, "classified", actor=actor, now=now, category=category)
    apply_assessment(incident, before=before, actor=actor, now=now)


ART33_FIELDS = ("nature", "people_categories", "people_count", "record_categories", "record_count",
                "dpo_contact", "consequences", "measures")


def assess_gdpr(incident, *, risk, justification, fields: dict, actor, now) -> None:
    """The risk assessment (no risk / risk / high risk) with its justification and the art. 33(3) facts."""
    if risk not in set(GdprRisk):
        raise InvalidField("risk", _("Välj en bedömning."))
    if not (justification or "").strip():
        raise InvalidField("risk_justification", _("Motivera bedömningen."))
    before = assessment_of(incident)
    incident.risk, incident.risk_justification = risk, justification.strip()
    for name in ART33_FIELDS:
        setattr(incident, name, fields.get(name) if name.endswith("count") else (fields.get(name) or ""))
    db.session.flush()
    _log(incident, "gdpr_assessed", actor=actor, now=now, risk=risk)
    apply_assessment(incident, before=before, actor=actor, now=now)


def record_submission(incident, *, kind, sent_at: datetime, reference, summary, late_reason="",
                      actor, now) -> Submission:
    """A report sent to IMY or the CSIRT, with when it was sent and the authority's reference."""
    kind = SubmissionKind(kind)
    if sent_at > now:
        raise InvalidField("sent_at", _("Tidpunkten kan inte ligga i framtiden."))
    if sent_at < incident.awareness_at:
        raise InvalidField("sent_at", _("Rapporten kan inte ha skickats före kännedom om incidenten."))
    config = current_app.config
    due = {d.key: d for d in deadlines_of(incident)}
    if kind == SubmissionKind.GDPR_NOTIFICATION and "gdpr_notification" in due \
            and sent_at > due["gdpr_notification"].due_at and not (late_reason or "").strip():
        raise InvalidField("late_reason", _("Anmälan görs efter 72 timmar: ange skälen till förseningen (art. 33.1)."))
    authority = config["AUTHORITY_GDPR"] if kind in GDPR_KINDS else config["AUTHORITY_NIS2"]
    same = db.session.scalar(sa.select(Submission.id).where(
        Submission.incident_id == incident.id, Submission.kind == kind, Submission.sent_at == sent_at,
        Submission.reference == (reference or "").strip()))
    if same is not None:  # a repeated POST (reload, double click) records nothing new
        raise DomainError(_("Rapporten är redan registrerad."))
    submission = Submission(incident=incident, kind=kind, authority=authority, sent_at=sent_at,
                            reference=(reference or "").strip(), summary=(summary or "").strip(),
                            recorded_by_id=actor.id)
    db.session.add(submission)
    if kind == SubmissionKind.GDPR_NOTIFICATION:
        incident.imy_notified_at, incident.imy_reference = sent_at, submission.reference
        incident.late_reason = (late_reason or "").strip()
    db.session.flush()
    _log(incident, "submitted", actor=actor, now=now, kind=kind, reference=submission.reference)
    return submission


def decide_art34(incident, *, decision, justification, done_at=None, actor, now) -> None:
    """Whether the people affected are informed (art. 34), and why."""
    if decision not in set(Art34Decision):
        raise InvalidField("art34_decision", _("Välj ett beslut."))
    if not (justification or "").strip():
        raise InvalidField("art34_justification", _("Motivera beslutet."))
    if decision == Art34Decision.NOT_REQUIRED and incident.risk == GdprRisk.HIGH:
        raise InvalidField("art34_decision", _("Vid hög risk ska de berörda informeras, om inget undantag gäller."))
    incident.art34_decision, incident.art34_justification, incident.art34_done_at = (
        decision, justification.strip(), done_at)
    db.session.flush()
    _log(incident, "art34_decided", actor=actor, now=now, decision=decision)


def assess_significance(incident, *, thresholds_met, significant, notes, actor, now) -> None:
    """NIS2: is this a significant incident? Any threshold met makes it one unless argued otherwise."""
    known = current_app.config["NIS2_THRESHOLDS"]
    met = [key for key in thresholds_met if key in known]
    if met and significant is False and not (notes or "").strip():
        raise InvalidField("significance_notes", _("Tröskelvärden är uppfyllda: motivera varför incidenten ändå inte är betydande."))
    before = assessment_of(incident)
    incident.thresholds_met, incident.significant, incident.significance_notes = met, significant, (notes or "").strip()
    db.session.flush()
    _log(incident, "nis2_assessed", actor=actor, now=now, significant=significant, thresholds=met)
    apply_assessment(incident, before=before, actor=actor, now=now)


def mark_handled(incident, *, handled_at, actor, now) -> None:
    """The incident is over (its NIS2 final report is due a month later)."""
    if handled_at > now:
        raise InvalidField("handled_at", _("Tidpunkten kan inte ligga i framtiden."))
    incident.handled_at = incident.ended_at = handled_at
    db.session.flush()
    _log(incident, "handled", actor=actor, now=now)


def add_worker(incident, user, *, actor, now) -> None:
    """Give one more person access to the incident (confidential tickets are need-to-know)."""
    tickets.add_participant(incident.ticket, user.id, role="worker")
    db.session.flush()
    _log(incident, "worker_added", actor=actor, now=now, user=user.username)
