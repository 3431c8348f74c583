"""Read side of problem management."""

import sqlalchemy as sa

from ..extensions import db
from ..tickets.models import Ticket
from ..tickets.queries import visible_tickets
from .models import Problem, ProblemTicket


def problem_list(status=None) -> list[tuple[Problem, int]]:
    """Problems with how many incidents they group, newest first."""
    count = sa.select(sa.func.count()).where(ProblemTicket.problem_id == Problem.id).scalar_subquery()
    query = sa.select(Problem, count).order_by(Problem.id.desc())
    if status:
        query = query.where(Problem.status == status)
    return db.session.execute(query.limit(200)).all()


def incidents(problem, user) -> list[Ticket]:
    """The problem's incidents that user may see (one raised to a security incident since it was linked is not)."""
    return list(db.session.scalars(sa.select(Ticket).join(ProblemTicket, ProblemTicket.ticket_id == Ticket.id)
                                   .where(ProblemTicket.problem_id == problem.id, visible_tickets(user))
                                   .order_by(Ticket.id)))
