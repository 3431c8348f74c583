"""Done when: a request goes through approval and set-up and shows up in the next review."""

import re

import sqlalchemy as sa

from helpdesk.access import queries
from helpdesk.access.jobs import open_due_reviews
from helpdesk.access.models import AccessGrant, AccessRequest, AccessReview, RequestStatus
from helpdesk.tickets.models import Status, TicketType
from tests.access.conftest import mails


def test_request_approval_setup_and_next_review_end_to_end(client, auth, users, clock, session, soc):
    # Anna finds the form from the portal and asks for herself (the default person).
    auth.login("anna")
    assert "/access/request" in client.get("/").get_data(as_text=True)
    form = client.get("/access/request?q=social").get_data(as_text=True)
    assert 'value="anna"' in form and soc.name in form
    response = client.post("/access/request", data={
        "system_id": soc.id, "role": "Handläggare", "person": "anna", "reason": "Ny tjänst i biståndsenheten.",
        "valid_until": ""})
    assert response.status_code == 302
    access_request = session.scalar(sa.select(AccessRequest).order_by(AccessRequest.id.desc()))
    assert response.headers["Location"].endswith(f"/access/requests/{access_request.id}")
    assert access_request.ticket.type == TicketType.ACCESS_REQUEST and access_request.user_id == users["anna"].id
    assert len(mails(session, "access_request")) == 1
    auth.logout()

    # Olle, the administrator, approves with a reason.
    auth.login("olle")
    page = client.get(f"/access/requests/{access_request.id}").get_data(as_text=True)
    assert "Spara beslutet" in page
    response = client.post(f"/access/requests/{access_request.id}/decision",
                           data={"decision": "approve", "reason": "Behövs för tjänsten."})
    assert response.status_code == 302
    session.refresh(access_request)
    assert access_request.status == RequestStatus.APPROVED and access_request.decided_by_id == users["olle"].id
    auth.logout()

    # Sara works the system's group: she sees the link on the ticket, sets it up and confirms.
    auth.login("sara")
    ticket_page = client.get(f"/tickets/{access_request.ticket_id}").get_data(as_text=True)
    assert f"/access/requests/{access_request.id}" in ticket_page
    assert "godkände behörighetsbeställningen: Behövs för tjänsten." in ticket_page
    clock.advance(hours=3)
    response = client.post(f"/access/requests/{access_request.id}/provision", data={})
    assert response.status_code == 302
    session.refresh(access_request)
    grant = session.scalar(sa.select(AccessGrant).where(AccessGrant.request_id == access_request.id))
    assert access_request.status == RequestStatus.PROVISIONED and access_request.ticket.status == Status.SOLVED
    assert (grant.approved_by_id, grant.provisioned_by_id) == (users["olle"].id, users["sara"].id)
    listing = client.get(f"/access/systems/{soc.id}").get_data(as_text=True)
    assert "Anna Lindqvist" in listing and "Olle Berg" in listing
    auth.logout()

    # Six months on (K4), the job opens a review listing Anna's grant; Olle keeps it.
    clock.advance(days=150)
    assert open_due_reviews(clock) == 0
    clock.set(queries.add_months(grant.provisioned_at, 6))
    assert open_due_reviews(clock) == 1
    review = session.scalar(sa.select(AccessReview).where(AccessReview.system_id == soc.id))
    (item,) = review.items
    assert item.grant_id == grant.id
    assert len(mails(session, "access_review")) == 1
    auth.login("olle")
    page = client.get(f"/access/reviews/{review.id}").get_data(as_text=True)
    assert "Anna Lindqvist" in page and "Handläggare" in page
    response = client.post(f"/access/reviews/{review.id}/items/{item.id}",
                           data={f"item-{item.id}-decision": "confirmed", f"item-{item.id}-comment": "Arbetar kvar."})
    assert response.status_code == 302
    session.refresh(review)
    assert review.completed_at == clock.now()
    assert re.search(r"Klar</dt><dd>\d{4}-\d\d-\d\d", client.get(f"/access/reviews/{review.id}").get_data(as_text=True))
