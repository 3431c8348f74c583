"""The permission matrix: every role x every route gives allowed, 403 or 404."""

import pytest
import sqlalchemy as sa

from helpdesk.auth.permissions import Permission, can
from helpdesk.tickets.models import Ticket, TicketType
from helpdesk.tickets.queries import visible_tickets
from tests import factories as f

A, F, N = "allowed", 403, 404  # allowed means any 2xx/3xx, or 400 for a refused form

ROLES = ["anna", "fatima", "erik", "sara", "olle", "maria", "karin", "ines", "admin"]

# Ticket on Socialförvaltningen's system reported by anna; a confidential one by anna.
GET_ROUTES = {
    "/": dict.fromkeys(ROLES, A),
    "/tickets/new": dict.fromkeys(ROLES, A),
    "/accessibility": dict.fromkeys(ROLES, A),
    "/queue": {"anna": F, "fatima": F, "erik": A, "sara": A, "olle": A, "maria": A, "karin": A, "ines": A, "admin": A},
    "/phone": {"anna": F, "fatima": F, "erik": A, "sara": A, "olle": F, "maria": F, "karin": F, "ines": F, "admin": F},
    "/admin/": {r: (A if r == "admin" else F) for r in ROLES},
    # Who may not see a ticket gets 404, as for a missing one (issue 8, finding 17).
    "/tickets/{soc}": {"anna": A, "fatima": N, "erik": A, "sara": A, "olle": A, "maria": N, "karin": A, "ines": A, "admin": A},
    "/tickets/{secret}": {"anna": A, "fatima": N, "erik": N, "sara": N, "olle": N, "maria": N, "karin": N, "ines": A, "admin": N},
    "/tickets/999999": dict.fromkeys(ROLES, N),
    "/tickets/{soc}/attachments/999999": dict.fromkeys(ROLES, N),
}

WORKERS = {"erik", "sara", "olle", "ines"}
BLIND = {"fatima", "maria"}  # may not see the ticket: 404 (issue 8, finding 17)


def refused(role):
    return N if role in BLIND else F


POST_ROUTES = {
    "reply": ({"body": "Hej", "kind": "public"}, {"anna": A, "fatima": N, "maria": N, "karin": F, "admin": F} | dict.fromkeys(WORKERS, A)),
    "status": ({"status": "waiting_requester"}, {r: (A if r in WORKERS else refused(r)) for r in ROLES}),
    "priority": ({"impact": "2", "urgency": "2"}, {r: (A if r in WORKERS else refused(r)) for r in ROLES}),
    "claim": ({}, {r: (A if r in WORKERS else refused(r)) for r in ROLES}),
    "link": ({"link-number": "1"}, {r: (A if r in WORKERS else refused(r)) for r in ROLES}),
    "confirm": ({}, {r: (A if r == "anna" else refused(r)) for r in ROLES}),
}


@pytest.fixture
def tickets(users, clock):
    soc = f.ticket(users["anna"], now=clock.now(), system_name="Verksamhetssystem socialtjänst")
    secret = f.ticket(users["anna"], now=clock.now(), type=TicketType.SECURITY_INCIDENT,
                      subject="Misstänkt nätfiske")
    return {"soc": soc.id, "secret": secret.id}


def outcome(status):
    if status in (403, 404):
        return status
    assert status < 500, status
    return A


@pytest.mark.parametrize("role", ROLES)
def test_get_routes(role, client, auth, tickets):
    auth.login(role)
    for route, expected in GET_ROUTES.items():
        url = route.format(**tickets)
        assert outcome(client.get(url).status_code) == expected[role], (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_post_routes_on_department_ticket(role, client, auth, tickets):
    auth.login(role)
    for action, (data, expected) in POST_ROUTES.items():
        url = f"/tickets/{tickets['soc']}/{action}"
        assert outcome(client.post(url, data=data).status_code) == expected[role], (role, url)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anna", "ines")])
def test_confidential_ticket_actions_are_hidden(role, client, auth, tickets):
    auth.login(role)
    for action in ("reply", "status", "claim", "confirm"):
        assert client.post(f"/tickets/{tickets['secret']}/{action}", data={"body": "x"}).status_code == 404


def test_anonymous_is_sent_to_login(client, tickets):
    for url in ["/", "/tickets/new", f"/tickets/{tickets['soc']}", "/queue", "/phone", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_visible_tickets_agrees_with_can_for_every_user_and_ticket(session, users, tickets):
    all_tickets = session.scalars(sa.select(Ticket)).all()
    for user in users.values():
        visible = set(session.scalars(sa.select(Ticket.id).where(visible_tickets(user))))
        allowed = {t.id for t in all_tickets if can(user, Permission.TICKET_VIEW, t)}
        assert visible == allowed, user.username


def test_inactive_user_can_do_nothing(users):
    user = users["erik"]
    user.is_active = False
    assert not can(user, Permission.QUEUE_VIEW)


def test_visibility_clause_with_bind_parameters_agrees_with_can(session, users, tickets, clock):
    """The statement-built-once form (visible_tickets_clause + visibility_values), as the ticket page's
    linked tickets and next ticket use it, selects what can() allows, for followers (cc) and workers
    of confidential and ordinary tickets, requesters, assignees, managers, officers and agents."""
    from helpdesk.tickets import services
    from helpdesk.tickets.queries import visibility_shape, visibility_values, visible_tickets_clause

    secret = session.get(Ticket, tickets["secret"])
    soc = session.get(Ticket, tickets["soc"])
    services.add_participant(secret, users["fatima"].id, role="cc")  # a follower of a confidential ticket
    services.add_participant(secret, users["maria"].id, role="worker")
    services.add_participant(soc, users["fatima"].id, role="cc")
    other = f.ticket(users["maria"], now=clock.now(), subject="Annat", system_name="E-post och kalender")
    services.assign(other, users["erik"], actor=users["erik"], now=clock.now())
    session.flush()
    all_tickets = session.scalars(sa.select(Ticket)).all()
    for user in users.values():
        values = visibility_values(user)
        clause = visible_tickets_clause(visibility_shape(values))
        bound = set(session.scalars(sa.select(Ticket.id).where(clause), values))
        inline = set(session.scalars(sa.select(Ticket.id).where(visible_tickets(user))))
        allowed = {t.id for t in all_tickets if can(user, Permission.TICKET_VIEW, t)}
        assert bound == inline == allowed, user.username
    assert not can(users["fatima"], Permission.TICKET_VIEW, secret)
    assert can(users["maria"], Permission.TICKET_VIEW, secret)
