"""Problem rules: record, revise, group incidents, publish the workaround as a knowledge article."""

from datetime import timedelta

from flask_babel import gettext as _

from ..errors import DomainError, InvalidField
from ..extensions import db
from ..knowledge.models import ArticleStatus, Audience, KnowledgeArticle
from ..knowledge.services import save_article
from ..tickets import services as tickets
from .models import OPEN_PROBLEM_STATUSES, Problem, ProblemStatus, ProblemTicket

REVIEW_AFTER = timedelta(days=180)


def save_problem(problem=None, *, title, description, system, status, root_cause, workaround, change_reference,
                 owner, actor, now) -> Problem:
    """Create or revise a problem record; resolving stamps the time, reopening clears it."""
    title = (title or "").strip()
    if not title:
        raise InvalidField("title", _("Ange en rubrik."))
    status = ProblemStatus(status)
    if problem is None:
        problem = Problem(created_at=now, created_by_id=actor.id)
        db.session.add(problem)
    problem.title, problem.description = title[:200], (description or "").strip()
    problem.system_id = system.id if system else None
    problem.root_cause, problem.workaround = (root_cause or "").strip(), (workaround or "").strip()
    problem.change_reference = (change_reference or "").strip()[:300]
    problem.owner_id = owner.id if owner else None
    if status not in OPEN_PROBLEM_STATUSES and problem.resolved_at is None:
        problem.resolved_at = now
    elif status in OPEN_PROBLEM_STATUSES:
        problem.resolved_at = None
    problem.status = status
    problem.updated_at = now
    db.session.flush()
    return problem


def link_incident(problem, ticket, *, actor, now) -> None:
    """Group an incident under the problem (its history records it)."""
    if db.session.get(ProblemTicket, (problem.id, ticket.id)) is not None:
        return
    if ticket.is_confidential:
        raise DomainError(_("Ett konfidentiellt ärende kan inte kopplas till ett problem."))
    db.session.add(ProblemTicket(problem_id=problem.id, ticket_id=ticket.id, linked_at=now, linked_by_id=actor.id))
    tickets.record_event(ticket, "problem:linked", actor=actor, now=now, new=problem.id)
    problem.updated_at = now
    db.session.flush()


def publish_workaround(problem, *, actor, now):
    """Publish (or refresh) the workaround as a knowledge article for employees."""
    if not problem.workaround.strip():
        raise InvalidField("workaround", _("Skriv en tillfällig lösning först."))
    body = problem.workaround
    if problem.description:
        body = f"{problem.description}\n\n## {_('Så gör du tills vidare')}\n\n{problem.workaround}"
    existing = db.session.get(KnowledgeArticle, problem.article_id) if problem.article_id else None
    article = save_article(
        existing, texts={"sv": (problem.title, body)}, systems=[problem.system] if problem.system else [],
        audience=existing.audience if existing else Audience.EMPLOYEES,
        owner=problem.owner or actor, review_on=(now + REVIEW_AFTER).date(), status=ArticleStatus.PUBLISHED,
        actor=actor, now=now)
    problem.article = article
    if problem.status == ProblemStatus.OPEN:
        problem.status = ProblemStatus.KNOWN_ERROR
    problem.updated_at = now
    db.session.flush()
    return article
