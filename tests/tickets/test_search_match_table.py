"""The temporary table of a common word's matches (SQLite): never another transaction's, never stale."""

import pytest

from helpdesk.extensions import db
from helpdesk.tickets import search
from helpdesk.tickets.queries import QueueFilter, queue_query
from tests import factories as f

WORD = "kolibriskrivare"


@pytest.fixture
def common(session, monkeypatch):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the temporary match table is SQLite's")
    monkeypatch.setattr(search, "many_matches", lambda text, **_kw: True)


def found(user, text=WORD):
    return set(db.session.scalars(queue_query(user, QueueFilter(text=text, status="all"))))


def test_a_later_transaction_sees_tickets_indexed_meanwhile(common, session, users, clock):
    one = f.ticket(users["anna"], now=clock.now(), subject=f"Trasig {WORD}")
    session.commit()
    assert found(users["ines"]) == {one.id}
    session.commit()
    two = f.ticket(users["anna"], now=clock.now(), subject=f"Ännu en {WORD}")
    session.commit()
    assert found(users["ines"]) == {one.id, two.id}


def test_another_search_and_another_user_read_their_own_matches(common, session, users, clock):
    from helpdesk.security.services import raise_to_incident

    plain = f.ticket(users["anna"], now=clock.now(), subject=f"Trasig {WORD}")
    secret = f.ticket(users["anna"], now=clock.now(), subject=f"Hemlig {WORD}")
    other = f.ticket(users["anna"], now=clock.now(), subject="Skärmen flimrar pingvinljus")
    raise_to_incident(secret, actor=users["ines"], now=clock.now())
    session.commit()
    assert found(users["ines"]) == {plain.id, secret.id}
    assert found(users["erik"]) == {plain.id}  # same transaction, same table: the visibility rule still holds
    assert found(users["erik"], "pingvinljus") == {other.id}
    assert found(users["ines"]) == {plain.id, secret.id}
    session.rollback()
    assert found(users["erik"]) == {plain.id}
