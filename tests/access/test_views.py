"""Who may open and post each access page."""

import pytest
import sqlalchemy as sa

from helpdesk.access import queries, services
from helpdesk.access.jobs import open_due_reviews
from helpdesk.access.models import AccessGrant, AccessRequest, RequestStatus
from tests.access.conftest import ask, grant

OVERSEERS = ["olle", "sara", "karin", "ines", "admin"]  # administrator, deputy, owner, security, admin
OTHERS = ["anna", "erik", "fatima", "maria", "ahmed"]


@pytest.fixture
def review(users, clock, session):
    """An open review of Anna's grant in Verksamhetssystem socialtjänst."""
    g = grant(users, clock)
    session.commit()
    clock.set(queries.next_review_at(g.system))
    open_due_reviews(clock)
    return queries.open_review(g.system_id)


@pytest.mark.parametrize("who", OVERSEERS + OTHERS)
def test_system_and_review_pages_are_for_administrator_deputy_owner_security_and_admins(
        who, client, auth, soc, review):
    auth.login(who)
    expected = 200 if who in OVERSEERS else 403
    assert client.get(f"/access/systems/{soc.id}").status_code == expected
    assert client.get(f"/access/reviews/{review.id}").status_code == expected
    assert client.get("/access/").status_code == 200
    assert client.get("/access/request").status_code == 200


def test_unknown_objects_are_not_found(client, auth):
    auth.login("admin")
    for url in ("/access/systems/99999", "/access/reviews/99999", "/access/requests/99999"):
        assert client.get(url).status_code == 404


def test_signed_out_visitors_go_to_the_login(client):
    response = client.get("/access/request")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("who, status", [
    ("anna", 200), ("karin", 200), ("olle", 200), ("sara", 200), ("ines", 200), ("admin", 200),
    ("erik", 200),  # the central service desk works every ordinary ticket
    ("fatima", 404), ("goran", 404), ("ahmed", 404),  # may not see the ticket: as if missing (issue 8, 17)
])
def test_request_page_follows_its_ticket(who, status, client, auth, users, clock, session):
    access_request = ask(users, clock, who="karin", person="anna")
    session.commit()
    auth.login(who)
    assert client.get(f"/access/requests/{access_request.id}").status_code == status


@pytest.mark.parametrize("who", ["erik", "karin", "ines", "admin", "anna"])
def test_others_cannot_post_a_decision(who, client, auth, users, clock, session):
    access_request = ask(users, clock)
    session.commit()
    auth.login(who)
    response = client.post(f"/access/requests/{access_request.id}/decision",
                           data={"decision": "approve", "reason": "Ok."})
    assert response.status_code == 403
    assert session.get(AccessRequest, access_request.id).status == RequestStatus.PENDING


def test_administrator_asking_for_someone_is_told_the_deputy_decides(client, auth, users, clock, session):
    access_request = ask(users, clock, who="olle", person="anna")
    session.commit()
    auth.login("olle")
    page = client.get(f"/access/requests/{access_request.id}").get_data(as_text=True)
    assert "Sara Nilsson måste besluta" in page and "Spara beslutet" not in page
    response = client.post(f"/access/requests/{access_request.id}/decision",
                           data={"decision": "approve", "reason": "Ok."})
    assert response.status_code == 403 and "Sara Nilsson måste besluta" in response.get_data(as_text=True)
    auth.logout()
    auth.login("sara")
    assert client.post(f"/access/requests/{access_request.id}/decision",
                       data={"decision": "approve", "reason": "Ok."}).status_code == 302


def test_decision_without_reason_is_shown_again_with_the_error(client, auth, users, clock, session):
    access_request = ask(users, clock)
    session.commit()
    auth.login("olle")
    response = client.post(f"/access/requests/{access_request.id}/decision", data={"decision": "reject", "reason": ""})
    assert response.status_code == 400 and "Ange en motivering." in response.get_data(as_text=True)


def test_only_the_group_or_the_systems_people_confirm_the_setup(client, auth, users, clock, session):
    access_request = ask(users, clock)
    services.decide_request(access_request, approve=True, reason="Ok.", actor=users["olle"], now=clock.now())
    session.commit()
    for who, status in (("karin", 403), ("anna", 403), ("fatima", 404)):  # fatima may not see the ticket
        auth.login(who)
        assert client.post(f"/access/requests/{access_request.id}/provision", data={}).status_code == status, who
        auth.logout()
    assert session.get(AccessRequest, access_request.id).status == RequestStatus.APPROVED


@pytest.mark.parametrize("who", ["karin", "ines", "admin", "erik"])
def test_only_administrator_or_deputy_decide_review_items_and_revoke(who, client, auth, review, session):
    item = review.items[0]
    auth.login(who)
    assert client.post(f"/access/reviews/{review.id}/items/{item.id}",
                       data={f"item-{item.id}-decision": "confirmed"}).status_code == 403
    assert client.post(f"/access/grants/{item.grant_id}/revoke",
                       data={f"revoke-{item.grant_id}-reason": "Ut."}).status_code == 403
    assert session.get(AccessGrant, item.grant_id).revoked_at is None


def test_revoking_in_a_review_without_comment_is_refused_on_the_page(client, auth, review, session):
    item = review.items[0]
    auth.login("sara")
    response = client.post(f"/access/reviews/{review.id}/items/{item.id}",
                           data={f"item-{item.id}-decision": "revoked", f"item-{item.id}-comment": ""})
    assert response.status_code == 400 and "Ange varför behörigheten ska tas bort." in response.get_data(as_text=True)
    response = client.post(f"/access/reviews/{review.id}/items/{item.id}",
                           data={f"item-{item.id}-decision": "revoked", f"item-{item.id}-comment": "Slutat."})
    assert response.status_code == 302
    assert session.get(AccessGrant, item.grant_id).removal_ticket_id is not None


def test_revoke_from_the_list_needs_a_reason(client, auth, review, session):
    grant_id = review.items[0].grant_id
    auth.login("olle")
    assert client.post(f"/access/grants/{grant_id}/revoke", data={f"revoke-{grant_id}-reason": ""}).status_code == 400
    assert client.post(f"/access/grants/{grant_id}/revoke",
                       data={f"revoke-{grant_id}-reason": "Slutat."}).status_code == 302
    assert session.get(AccessGrant, grant_id).revoke_reason == "Slutat."


@pytest.mark.parametrize("who, status", [("olle", 403), ("karin", 403), ("admin", 302)])
def test_only_administrators_set_the_review_interval(who, status, client, auth, soc, session):
    auth.login(who)
    assert client.post(f"/access/systems/{soc.id}/interval", data={"months": "3"}).status_code == status
    session.refresh(soc)
    assert soc.review_interval_months == (3 if status == 302 else None)


def test_request_form_refuses_an_unknown_person(client, auth, soc, session):
    auth.login("anna")
    response = client.post("/access/request", data={"system_id": soc.id, "role": "Handläggare",
                                                    "person": "ingen.alls", "reason": "Behövs."})
    assert response.status_code == 400 and "Ingen person med det användarnamnet" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(AccessRequest)) == 0


def test_tickets_keep_the_desks_language_whatever_the_askers(client, auth, users, soc, session):
    auth.login("anna")
    client.post("/language", data={"lang": "en", "next": "/"})
    assert "Request access" in client.get("/access/request").get_data(as_text=True)
    response = client.post("/access/request", data={"system_id": soc.id, "role": "Handläggare", "person": "anna",
                                                    "reason": "Behövs."})
    assert response.status_code == 302
    access_request = session.scalar(sa.select(AccessRequest))
    assert access_request.ticket.subject == f"Behörighet: Handläggare i {soc.name} för Anna Lindqvist"
