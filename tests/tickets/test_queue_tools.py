"""The queue: number search, status filter, sorting, total count, flags, wider matches, saved views, landing."""

import re

import sqlalchemy as sa

from helpdesk.replies.models import SavedQueueView
from helpdesk.tickets import queue_tools, services
from helpdesk.tickets.models import Status
from tests import factories as f


def numbers(html):
    return [int(n) for n in re.findall(r'<td><a href="/tickets/(\d+)">#', html)]


def test_a_ticket_number_opens_the_ticket(client, auth, users, clock, session):
    ticket = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    auth.login("erik")
    for query in (str(ticket.id), f"%23{ticket.id}", f"+%23{ticket.id}+"):
        response = client.get(f"/queue?q={query}")
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/tickets/{ticket.id}"), query
    html = client.get("/queue?q=99999999").get_data(as_text=True)
    assert "Ärende #99999999 finns inte" in html


def test_a_ticket_of_someone_else_is_not_opened_by_number(client, auth, users, clock, session):
    soc = f.ticket(users["anna"], now=clock.now(), system_name="Verksamhetssystem socialtjänst", is_confidential=True)
    auth.login("erik")
    response = client.get(f"/queue?q={soc.id}")
    assert response.status_code == 200 and f"Ärende #{soc.id} finns inte" in response.get_data(as_text=True)


def test_all_open_and_in_progress_are_different_filters(client, auth, users, clock, session):
    new = f.ticket(users["anna"], now=clock.now(), subject="Ny biljett", system_name="E-post och kalender")
    taken = f.ticket(users["anna"], now=clock.now(), subject="Tagen biljett", system_name="E-post och kalender")
    services.assign(taken, users["erik"], actor=users["erik"], now=clock.now())
    session.commit()
    auth.login("erik")
    every = client.get("/queue?status=all_open").get_data(as_text=True)
    assert new.id in numbers(every) and taken.id in numbers(every)
    assert '<option value="all_open" selected>' in every
    progress = client.get("/queue?status=open").get_data(as_text=True)
    assert taken.id in numbers(progress) and new.id not in numbers(progress)
    assert '<option value="open" selected>' in progress and '<option value="all_open" selected>' not in progress


def test_columns_sort_and_the_total_is_shown(client, auth, users, clock, session):
    made = [f.ticket(users["anna"], now=clock.now(), impact=i, urgency=i) for i in (3, 1, 2)]
    assert made[1].priority < made[2].priority < made[0].priority
    session.commit()
    auth.login("erik")
    by_number = numbers(client.get("/queue?sort=number&dir=desc").get_data(as_text=True))
    assert by_number == sorted(by_number, reverse=True)
    html = client.get("/queue?sort=priority").get_data(as_text=True)
    mine = [n for n in numbers(html) if n in {t.id for t in made}]
    assert mine == [made[1].id, made[2].id, made[0].id]
    assert 'aria-sort="ascending"' in html
    total = re.search(r"1–(\d+) av (\d+)", html)
    assert total and int(total.group(2)) >= 3
    assert client.get("/queue?sort=bogus&dir=sideways").status_code == 200


def test_the_count_is_capped(users, clock, session, monkeypatch):
    from helpdesk.tickets.models import Ticket

    monkeypatch.setattr(queue_tools, "COUNT_CAP", 2)
    for _ in range(3):
        f.ticket(users["anna"], now=clock.now())
    assert queue_tools.capped_count(sa.select(Ticket.id)) == (2, True)
    assert queue_tools.capped_count(sa.select(Ticket.id).where(Ticket.id < 0)) == (0, False)


def test_requester_reply_is_flagged_also_while_waiting_for_a_supplier(client, auth, users, clock, session):
    replied = f.ticket(users["anna"], now=clock.now(), subject="Svarat", system_name="E-post och kalender")
    supplier = f.ticket(users["anna"], now=clock.now(), subject="Leverantör", system_name="E-post och kalender")
    quiet = f.ticket(users["anna"], now=clock.now(), subject="Tyst", system_name="E-post och kalender")
    for t in (replied, supplier, quiet):
        services.add_reply(t, body="Vi tittar.", actor=users["erik"], now=clock.now(), staff=True)
    services.change_status(supplier, Status.WAITING_SUPPLIER, actor=users["erik"], now=clock.now())
    services.add_reply(replied, body="Det gäller fortfarande.", actor=users["anna"], now=clock.now(), staff=False)
    services.add_reply(supplier, body="Har ni hört något?", actor=users["anna"], now=clock.now(), staff=False)
    session.commit()
    assert queue_tools.flags([replied, supplier, quiet]) == {replied.id: "replied", supplier.id: "supplier_reply"}
    auth.login("erik")
    html = client.get("/queue").get_data(as_text=True)
    assert "Anmälaren har svarat" in html and "Svar medan vi väntar på leverantör" in html


def test_text_search_says_when_closed_or_other_groups_tickets_match(client, auth, users, clock, session):
    open_one = f.ticket(users["anna"], now=clock.now(), subject="Projektorn flimrar", system_name="E-post och kalender")
    closed = f.ticket(users["anna"], now=clock.now(), subject="Projektorn flimrade", system_name="E-post och kalender")
    services.change_status(closed, Status.CLOSED, actor=users["erik"], now=clock.now())
    f.ticket(users["anna"], now=clock.now(), subject="Projektorn i salen", system_name="Trygghetslarm")
    session.commit()
    auth.login("erik")
    html = client.get("/queue?q=projektorn").get_data(as_text=True)
    assert open_one.id in numbers(html) and closed.id not in numbers(html)
    assert "Stängda eller lösta ärenden matchar också." in html and "Ta med stängda" in html
    assert "Ärenden i andra grupper matchar också." in html
    link = re.search(r'href="([^"]*status=all[^"]*)">Ta med stängda', html).group(1).replace("&amp;", "&")
    assert closed.id in numbers(client.get(link).get_data(as_text=True))


def test_saved_views_belong_to_their_agent(client, auth, users, session):
    auth.login("erik")
    response = client.post("/queue/views", data={"name": "Mina P1", "query": "priority=1&sort=number"})
    assert response.status_code == 302 and "priority=1" in response.headers["Location"]
    view = session.scalar(sa.select(SavedQueueView).where(SavedQueueView.name == "Mina P1"))
    assert view.user_id == users["erik"].id
    assert "Mina P1" in client.get("/queue").get_data(as_text=True)
    assert client.post("/queue/views", data={"name": " ", "query": ""}).status_code == 302
    auth.logout()
    auth.login("lena")
    assert "Mina P1" not in client.get("/queue").get_data(as_text=True)
    client.post(f"/queue/views/{view.id}/delete")
    assert session.get(SavedQueueView, view.id) is not None  # not hers to delete


def test_agents_land_on_the_queue_and_employees_on_their_start_page(client, auth):
    assert auth.login("erik").headers["Location"].endswith("/queue")
    auth.logout()
    assert auth.login("anna").headers["Location"].endswith("/")
    auth.logout()
    assert client.post("/login?next=/tickets/new", data={"username": "erik", "password": "demo"}) \
        .headers["Location"].endswith("/tickets/new")


def test_bulk_assign_reports_refused_tickets(client, auth, users, clock, session):
    mine = f.ticket(users["anna"], now=clock.now(), system_name="E-post och kalender")
    secret = f.ticket(users["anna"], now=clock.now(), system_name="Trygghetslarm", is_confidential=True)
    session.commit()
    auth.login("erik")
    response = client.post("/queue/assign", data={"ticket": [str(mine.id), str(secret.id)],
                                                  "assignee_id": str(users["erik"].id)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "1 ärende tilldelat." in html and f"Inte tilldelat: #{secret.id}." in html
