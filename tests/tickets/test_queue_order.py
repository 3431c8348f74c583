"""The queue's rows, order, total and wider-match hints agree with the permission rule, for every sort and filter.

The queue reads from indexes chosen per order and filter (and on SQLite tells the planner which
to use); whichever plan runs, the rows must be exactly those `can(user, TICKET_VIEW, t)` allows
and the filter asks for, in the order asked for.
"""

from dataclasses import replace

import pytest
import sqlalchemy as sa

from helpdesk.auth.permissions import Permission, can
from helpdesk.tickets import queue_tools, search, services
from helpdesk.tickets.models import OPEN_STATUSES, Status, Ticket
from helpdesk.tickets.pages import queue_choices
from helpdesk.tickets.queries import SORTS, QueueFilter, queue_page, queue_query
from tests import factories as f

DESK, DRIFT, SOC = "E-post och kalender", "Nätverk och wifi", "Trygghetslarm"
WORD = "plotter"


@pytest.fixture
def mix(users, clock, session):
    """Open and closed, confidential, assigned and waiting tickets in three groups, some about the plotter."""
    made = []
    plan = [  # (system, impact, urgency, requester, subject word, confidential)
        (DESK, 1, 1, "anna", True, False), (DESK, 3, 3, "anna", False, False), (DESK, 2, 2, "fatima", True, False),
        (DESK, 2, 3, "goran", False, True), (DESK, 3, 1, "anna", True, False), (DESK, 1, 2, "helena", False, False),
        (DRIFT, 2, 1, "anna", True, False), (DRIFT, 3, 3, "fatima", False, False), (DRIFT, 1, 1, "goran", True, True),
        (SOC, 2, 2, "anna", True, False), (SOC, 1, 1, "anna", False, True), (SOC, 3, 2, "helena", True, False),
    ]
    for n, (system, impact, urgency, requester, about, secret) in enumerate(plan):
        subject = f"{'Stora plotter' if about else 'Skärmen'} {n} krånglar"
        made.append(f.ticket(users[requester], now=f.later(clock.now(), minutes=7 * (n % 5)), subject=subject,
                             system_name=system, impact=impact, urgency=urgency, is_confidential=secret))
    services.assign(made[1], users["erik"], actor=users["erik"], now=clock.now())
    services.assign(made[7], users["lena"], actor=users["lena"], now=clock.now())
    services.change_status(made[2], Status.WAITING_REQUESTER, actor=users["erik"], now=clock.now())
    for closed in (made[0], made[6], made[9]):
        services.change_status(closed, Status.CLOSED, actor=users["lena"], now=clock.now())
    session.commit()
    return made


def everything():
    return list(f.db.session.scalars(sa.select(Ticket)))


def expected(user, flt, tickets):
    """The filter applied in Python to every ticket the user may see, in the queue's order."""
    def wanted(t):
        if flt.group_id and t.support_group_id != flt.group_id:
            return False
        if not flt.group_id and flt.mine_only_groups and t.support_group_id not in flt.mine_only_groups:
            return False
        if flt.status in (None, "", "all_open") and t.status not in OPEN_STATUSES:
            return False
        if flt.status not in (None, "", "all_open", "all") and t.status != flt.status:
            return False
        if flt.priority and t.priority != flt.priority:
            return False
        if flt.assignee_id == 0 and t.assignee_id is not None:
            return False
        if flt.assignee_id and t.assignee_id != flt.assignee_id:
            return False
        if flt.system_id and t.system_id != flt.system_id:
            return False
        if flt.department_id and t.requester_department_id != flt.department_id:
            return False
        if flt.text and WORD not in t.subject.lower():
            return False
        return can(user, Permission.TICKET_VIEW, t)

    found = [t for t in tickets if wanted(t)]
    if flt.sort is None and flt.text:
        return [t.id for t in sorted(found, key=lambda t: t.id, reverse=True)]
    columns = [c.key for c in SORTS[flt.sort or "due"]]
    return [t.id for t in sorted(found, key=lambda t: tuple(getattr(t, c) for c in columns), reverse=flt.descending)]


def listed(user, flt, page_size=3):
    """Every row of the queue, page after page."""
    ids, page = [], 1
    while True:
        rows, has_next = queue_page(user, flt, page, page_size)
        ids += [t.id for t in rows]
        if not has_next:
            return ids
        page += 1


def filters(users, made):
    desk = made[1].support_group_id
    yield QueueFilter()
    yield QueueFilter(status="all")
    yield QueueFilter(status=Status.WAITING_REQUESTER.value)
    yield QueueFilter(status=Status.CLOSED.value)
    yield QueueFilter(group_id=desk)
    yield QueueFilter(group_id=desk, status="all")
    yield QueueFilter(priority=made[1].priority)
    yield QueueFilter(assignee_id=users["erik"].id)
    yield QueueFilter(assignee_id=0)
    yield QueueFilter(system_id=made[7].system_id)
    yield QueueFilter(department_id=users["anna"].department_id)
    yield QueueFilter(text=WORD)
    yield QueueFilter(text=WORD, status="all")
    yield QueueFilter(text=WORD, status=Status.CLOSED.value)
    yield QueueFilter(text=WORD, sort="priority")


@pytest.fixture(params=[False, True], ids=["rare", "common"])
def word_is_common(request, monkeypatch):
    """Both ways the queue joins a text search: from the matches, or (a common word) from the index."""
    monkeypatch.setattr(search, "many_matches", lambda text, **_kw: request.param)
    return request.param


@pytest.mark.parametrize("username", ["erik", "lena", "sara", "ines"])
def test_every_sort_and_filter_lists_exactly_the_visible_tickets_in_order(username, users, mix, word_is_common):
    user = users[username]
    groups = queue_choices(user).own_group_ids  # as the queue page limits a plain agent
    tickets = everything()
    for base in filters(users, mix):
        for scope in (groups, ()):
            for sort in (None, *SORTS):
                for descending in (False, True):
                    flt = replace(base, mine_only_groups=scope, sort=sort, descending=descending)
                    want = expected(user, flt, tickets)
                    assert listed(user, flt) == want, flt
                    assert queue_tools.capped_count(queue_query(user, flt)) == (len(want), False), flt


@pytest.mark.parametrize("username", ["erik", "lena", "sara"])
def test_the_hints_say_exactly_when_closed_or_other_groups_tickets_also_match(username, users, mix, word_is_common):
    user = users[username]
    groups = queue_choices(user).own_group_ids
    tickets = everything()
    for text in (WORD, "skärmen", "ingenting"):
        flt = QueueFilter(text=text, mine_only_groups=groups)
        visible = [t for t in tickets if can(user, Permission.TICKET_VIEW, t) and text in t.subject.lower()]
        closed = any(t.status not in OPEN_STATUSES and (not groups or t.support_group_id in groups) for t in visible)
        others = bool(groups) and any(t.status in OPEN_STATUSES and t.support_group_id not in groups for t in visible)
        want = {k: True for k, v in (("closed", closed), ("groups", others)) if v}
        assert queue_tools.also_matching(user, flt) == want, (username, text)
    assert queue_tools.also_matching(user, QueueFilter(text=WORD, status="all", mine_only_groups=())) == {}


def test_the_count_stops_at_the_cap_for_every_order(users, mix, monkeypatch):
    monkeypatch.setattr(queue_tools, "COUNT_CAP", 3)
    user = users["admin"]
    for sort in (None, *SORTS):
        flt = QueueFilter(status="all", sort=sort)
        assert queue_tools.capped_count(queue_query(user, flt)) == (3, True)


def test_many_matches_counts_only_as_far_as_it_needs(mix):
    assert search.many_matches(WORD, more_than=2) is True  # seven tickets are about the plotter
    assert search.many_matches(WORD, more_than=7) is False
    assert search.many_matches("ingenting", more_than=0) is False


def test_each_search_in_a_transaction_finds_its_own_matches(users, mix, word_is_common):
    user = users["admin"]
    seen = [t for t in mix if can(user, Permission.TICKET_VIEW, t)]
    about = {t.id for t in seen if WORD in t.subject.lower()}
    screens = {t.id for t in seen if "skärmen" in t.subject.lower()}
    for text, want in ((WORD, about), ("skärmen", screens), (WORD, about), ("ingenting", set())):
        assert set(listed(user, QueueFilter(text=text, status="all"))) == want, text
        assert queue_tools.capped_count(queue_query(user, QueueFilter(text=text, status="all"))) == (len(want), False)


def test_a_ticket_indexed_after_a_search_is_found_by_the_next_one(users, mix, clock, session, word_is_common):
    user = users["admin"]
    before = set(listed(user, QueueFilter(text=WORD, status="all")))
    session.commit()  # the request ends; the next one opens a new transaction
    new = f.ticket(users["anna"], now=clock.now(), subject="Ny plotter", system_name=DESK)
    session.commit()
    assert set(listed(user, QueueFilter(text=WORD, status="all"))) == before | {new.id}


@pytest.mark.parametrize("username", ["erik", "lena", "sara", "ines"])
def test_count_and_hints_together_are_the_count_and_the_hints(username, users, mix, word_is_common):
    user = users[username]
    groups = queue_choices(user).own_group_ids
    for text in (WORD, "skärmen", "ingenting", ""):
        for base in filters(users, mix):
            for scope in (groups, ()):
                flt = replace(base, text=text, mine_only_groups=scope)
                total, more_than = queue_tools.capped_count(queue_query(user, flt))
                assert queue_tools.count_and_hints(user, flt) == (
                    total, more_than, queue_tools.also_matching(user, flt)), flt


def test_count_and_hints_stop_the_count_at_the_cap(users, mix, monkeypatch, word_is_common):
    monkeypatch.setattr(queue_tools, "COUNT_CAP", 1)
    user = users["erik"]
    flt = QueueFilter(text=WORD, mine_only_groups=queue_choices(user).own_group_ids)
    assert queue_tools.count_and_hints(user, flt)[:2] == queue_tools.capped_count(queue_query(user, flt)) == (1, True)


@pytest.mark.parametrize("username", ["erik", "lena", "sara", "ines"])
def test_with_statistics_a_common_words_matches_are_looked_up_in_the_narrow_index(username, users, mix, session,
                                                                                  monkeypatch):
    # Migration 0024 gives the planner statistics (ANALYZE) so that it looks each match up in
    # ix_ticket_search instead of the wide ticket row; rows, counts and hints, confidential tickets
    # included, must still be exactly what the permission rule allows.
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's planner and temporary match table")
    monkeypatch.setattr(search, "many_matches", lambda text, **_kw: True)
    session.execute(sa.text("ANALYZE"))
    user = users[username]
    groups = queue_choices(user).own_group_ids
    tickets = everything()
    others = replace(QueueFilter(text=WORD, status="all"), mine_only_groups=())
    probe = queue_query(user, others)
    if groups:
        probe = probe.where(Ticket.support_group_id.not_in(groups))
    compiled = probe.limit(1).compile(session.get_bind(), compile_kwargs={"render_postcompile": True})
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    plan = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
    assert any("ix_ticket_search" in row[-1] for row in plan), plan
    for text in (WORD, "skärmen"):
        for status in ("all", Status.CLOSED.value, None):
            for scope in (groups, ()):
                flt = QueueFilter(text=text, status=status, mine_only_groups=scope)
                about = {t.id for t in tickets if text in t.subject.lower()}
                want = sorted((i for i in expected(user, replace(flt, text=""), tickets) if i in about), reverse=True)
                assert listed(user, flt) == want, flt
                total, more_than = queue_tools.capped_count(queue_query(user, flt))
                assert (total, more_than) == (len(want), False), flt
                assert queue_tools.count_and_hints(user, flt) == (total, more_than,
                                                                  queue_tools.also_matching(user, flt)), flt
        flt = QueueFilter(text=text, status="all", mine_only_groups=groups)
        visible = [t for t in tickets if can(user, Permission.TICKET_VIEW, t) and text in t.subject.lower()]
        others_match = bool(groups) and any(t.support_group_id not in groups for t in visible)
        assert queue_tools.also_matching(user, flt) == ({"groups": True} if others_match else {}), (username, text)
