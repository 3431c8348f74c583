"""Phone tickets: the caller found by name, a choice when several match, a caller without account as contact."""

import sqlalchemy as sa

from helpdesk.auth.models import User
from helpdesk.tickets.models import Ticket

CALL = {"system_id": "0", "subject": "Glömt lösenord", "description": "Ringde om lösenordet", "impact": "3", "urgency": "3"}


def newest(session):
    return session.scalar(sa.select(Ticket).order_by(Ticket.id.desc()))


def test_caller_found_by_name(client, auth, users, session):
    auth.login("erik")
    response = client.post("/phone", data={**CALL, "caller": users["anna"].full_name})
    assert response.status_code == 302
    assert newest(session).requester_id == users["anna"].id


def test_several_matches_ask_which_one(client, auth, users, clock, session):
    namesake = User(username="lena.a2", email="lena.a2@exempelby.se", full_name="Lena Andersson Berg",
                    organisation_id=users["lena"].organisation_id, created_at=clock.now())
    session.add(namesake)
    session.commit()
    auth.login("erik")
    before = session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    response = client.post("/phone", data={**CALL, "caller": "Lena Andersson"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Flera personer matchar" in html
    assert "Lena Andersson Berg (lena.a2@exempelby.se)" in html
    assert "Ringde om lösenordet" in html  # nothing typed is lost
    assert session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == before
    response = client.post("/phone", data={**CALL, "caller": "Lena Andersson", "caller_id": str(namesake.id)})
    assert response.status_code == 302 and newest(session).requester_id == namesake.id


def test_unknown_caller_is_refused_with_a_way_on(client, auth):
    auth.login("erik")
    response = client.post("/phone", data={**CALL, "caller": "Ingen Sådan Person"})
    assert response.status_code == 400 and "fyll i uppringaren som ny kontakt" in response.get_data(as_text=True)


def test_caller_without_account_becomes_a_contact(client, auth, session):
    auth.login("erik")
    response = client.post("/phone", data={**CALL, "contact_name": "Gunnar Extern", "contact_phone": "070-123 45 67"})
    assert response.status_code == 302
    requester = newest(session).requester
    assert requester.is_contact and requester.full_name == "Gunnar Extern" and requester.phone == "070-123 45 67"
    # The same number calling again is the same contact.
    client.post("/phone", data={**CALL, "contact_name": "Gunnar Extern", "contact_phone": "070-123 45 67"})
    assert newest(session).requester_id == requester.id


def test_contact_needs_a_way_to_answer(client, auth, session):
    auth.login("erik")
    before = session.scalar(sa.select(sa.func.count()).select_from(User))
    response = client.post("/phone", data={**CALL, "contact_name": "Gunnar Extern"})
    assert response.status_code == 400 and "e-postadress eller telefonnummer" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == before
