"""Access reviews: when they open, deciding items, removal tasks, escalation, deactivated accounts."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from helpdesk.access import queries, services
from helpdesk.access.jobs import escalate_overdue_reviews, flag_deactivated_grants, open_due_reviews
from helpdesk.access.models import AccessReview, ItemDecision
from helpdesk.errors import InvalidField, NotAllowed
from helpdesk.scheduler import job_table
from helpdesk.tickets.models import Ticket, TicketType
from tests.access.conftest import BYGG, grant, mails


def review_of(session, system):
    return session.scalar(sa.select(AccessReview).where(AccessReview.system_id == system.id)
                          .order_by(AccessReview.id.desc()))


def days(n):
    return timedelta(days=n)


def test_jobs_are_scheduled():
    names = {name for name, _function, _seconds in job_table()}
    assert {"open_due_reviews", "escalate_overdue_reviews", "flag_deactivated_grants"} <= names


@pytest.mark.parametrize("system_name, k, months", [
    ("Verksamhetssystem socialtjänst", 4, 6),  # K >= 3: every 6 months
    (BYGG, 2, 12),  # otherwise every 12
])
def test_review_opens_at_the_interval_from_the_classification(users, clock, session, system_name, k, months):
    admin = "olle" if system_name != BYGG else "ahmed"
    g = grant(users, clock, system=system_name, approver=admin, provisioner=admin)
    system = g.system
    assert system.klassa_k == k and queries.review_interval(system) == months
    session.commit()
    due = queries.add_months(g.provisioned_at, months)
    assert due.date() == g.provisioned_at.date().replace(year=2027, month=(11 + months - 1) % 12 + 1)
    clock.set(due - timedelta(minutes=1))
    assert open_due_reviews(clock) == 0
    clock.set(due)
    assert open_due_reviews(clock) == 1
    review = review_of(session, system)
    assert [item.grant_id for item in review.items] == [g.id]
    assert open_due_reviews(clock) == 0  # one open review per system


def test_an_explicit_interval_wins_over_the_classification(users, clock, session, soc, app):
    grant(users, clock)
    soc.review_interval_months = 2
    session.commit()
    clock.advance(days=62)
    assert open_due_reviews(clock) == 1
    assert queries.review_interval(soc) == 2


def test_the_high_level_and_months_are_configuration(app, soc, monkeypatch):
    monkeypatch.setitem(app.config, "ACCESS_REVIEW_HIGH_K", 5)
    monkeypatch.setitem(app.config, "ACCESS_REVIEW_MONTHS_DEFAULT", 9)
    assert queries.review_interval(soc) == 9


def test_no_review_for_a_system_without_active_grants(users, clock, session):
    g = grant(users, clock)
    services.revoke_grant(g, reason="Slutat.", actor=users["olle"], now=clock.now())
    session.commit()
    clock.advance(days=400)
    assert open_due_reviews(clock) == 0


def test_review_lists_every_active_grant_and_mails_the_administrator_with_the_deputy_in_copy(
        users, clock, session, soc):
    first = grant(users, clock, person="anna")
    second = grant(users, clock, person="goran", role="Läsbehörighet")
    ended = grant(users, clock, person="fatima")
    services.revoke_grant(ended, reason="Behövs inte längre.", actor=users["olle"], now=clock.now())
    session.commit()
    clock.advance(days=200)
    assert open_due_reviews(clock) == 1
    review = review_of(session, soc)
    assert sorted(item.grant_id for item in review.items) == sorted([first.id, second.id])
    (mail,) = mails(session, "access_review")
    assert mail.recipients == ["olle@exempelby.se"] and mail.cc == ["sara@exempelby.se"]
    assert soc.name in mail.subject and f"/access/reviews/{review.id}" in mail.body_text


def open_review(users, clock, session, **kwargs):
    """A grant, and the review the job opens on the day it falls due."""
    g = grant(users, clock, **kwargs)
    session.commit()
    clock.set(queries.next_review_at(g.system))
    assert open_due_reviews(clock) == 1
    return g, review_of(session, g.system)


def test_revoking_needs_a_comment_ends_the_grant_and_creates_a_removal_task(users, clock, session, soc):
    g, review = open_review(users, clock, session)
    (item,) = review.items
    with pytest.raises(InvalidField) as error:
        services.decide_review_item(item, decision=ItemDecision.REVOKED, comment="", actor=users["olle"],
                                    now=clock.now())
    assert error.value.field == "comment" and g.revoked_at is None
    services.decide_review_item(item, decision=ItemDecision.REVOKED, comment="Har bytt tjänst.",
                                actor=users["olle"], now=clock.now())
    assert (g.revoked_at, g.revoked_by_id, g.revoke_reason) == (clock.now(), users["olle"].id, "Har bytt tjänst.")
    task = session.get(Ticket, g.removal_ticket_id)
    assert task.subject == "Ta bort behörighet: Anna Lindqvist i Verksamhetssystem socialtjänst"
    assert task.type == TicketType.REQUEST and task.support_group_id == soc.support_group_id
    assert "Har bytt tjänst." in task.messages[0].body


def test_review_completes_when_every_item_is_decided_and_the_next_follows_the_interval(users, clock, session, soc):
    first, review = open_review(users, clock, session, person="anna")
    assert review.due_at == review.opened_at == queries.add_months(first.provisioned_at, 6)
    clock.advance(days=3)
    services.decide_review_item(review.items[0], decision=ItemDecision.CONFIRMED, comment="",
                                actor=users["sara"], now=clock.now())
    assert review.completed_at == clock.now() and soc.last_review_at == clock.now()
    assert queries.next_review_at(soc) == queries.add_months(clock.now(), 6)
    session.commit()
    clock.advance(days=170)
    assert open_due_reviews(clock) == 0
    clock.advance(days=20)
    assert open_due_reviews(clock) == 1


def test_no_one_reviews_their_own_grant(users, clock, session):
    g, review = open_review(users, clock, session, person="sara")
    (item,) = review.items
    with pytest.raises(NotAllowed, match="Olle Berg måste"):
        services.decide_review_item(item, decision=ItemDecision.CONFIRMED, comment="", actor=users["sara"],
                                    now=clock.now())
    with pytest.raises(NotAllowed, match="Bara systemförvaltaren"):
        services.decide_review_item(item, decision=ItemDecision.CONFIRMED, comment="", actor=users["karin"],
                                    now=clock.now())
    services.decide_review_item(item, decision=ItemDecision.CONFIRMED, comment="", actor=users["olle"],
                                now=clock.now())


def test_revoking_outside_the_review_decides_its_item(users, clock, session, soc):
    g, review = open_review(users, clock, session)
    services.revoke_grant(g, reason="Slutar i morgon.", actor=users["sara"], now=clock.now())
    assert review.items[0].decision == ItemDecision.REVOKED and review.completed_at == clock.now()


def test_an_overdue_review_goes_to_the_owner_once_and_is_listed_for_the_report(users, clock, session, soc):
    _g, review = open_review(users, clock, session)
    clock.set(review.due_at + days(14) - timedelta(minutes=1))
    assert escalate_overdue_reviews(clock) == 0 and queries.overdue_reviews(clock.now()) == []
    clock.advance(minutes=2)
    assert escalate_overdue_reviews(clock) == 1
    assert escalate_overdue_reviews(clock) == 0
    (mail,) = mails(session, "access_review_overdue")
    assert mail.recipients == ["karin@exempelby.se"] and soc.name in mail.subject
    review = session.get(AccessReview, review.id)
    assert review.escalated_at == clock.now() and review.escalated_to_id == users["karin"].id
    assert queries.overdue_reviews(clock.now()) == [review]
    assert queries.overdue_reviews(clock.now(), organisation_id=soc.organisation_id + 100) == []
    clock.advance(days=30)
    assert escalate_overdue_reviews(clock) == 0


def test_without_an_owner_the_escalation_goes_to_the_security_officers(users, clock, session, bygg):
    _g, review = open_review(users, clock, session, system=BYGG, approver="ahmed", provisioner="ahmed")
    clock.set(review.due_at + days(15))
    assert escalate_overdue_reviews(clock) == 1
    (mail,) = mails(session, "access_review_overdue")
    assert mail.recipients == ["ines@exempelby.se"] and "informationssäkerhetssamordnaren" in mail.body_text


def test_reviews_completed_in_a_period(users, clock, session, soc):
    _g, review = open_review(users, clock, session)
    services.decide_review_item(review.items[0], decision=ItemDecision.CONFIRMED, comment="Ok",
                                actor=users["olle"], now=clock.now())
    now = clock.now()
    assert queries.reviews_completed((now - days(1), now + days(1))) == [review]
    assert queries.reviews_completed((now + days(1), now + days(31))) == []

    class Month:
        start, end = now - days(3), now + days(3)

    assert queries.reviews_completed(Month()) == [review]
    assert queries.overdue_reviews(now + days(100)) == []


def test_a_deactivated_accounts_grants_get_one_removal_task_each_once(users, clock, session, soc):
    kept = grant(users, clock, person="goran")
    first = grant(users, clock, person="fatima")
    second = grant(users, clock, person="fatima", role="Läsbehörighet")
    users["fatima"].is_active = False
    session.commit()
    assert flag_deactivated_grants(clock) == 2
    assert flag_deactivated_grants(clock) == 0
    for g in (first, second):
        g = session.get(type(g), g.id)
        assert g.removal_flagged_at == clock.now() and g.revoked_at is None
        task = session.get(Ticket, g.removal_ticket_id)
        assert task.subject == "Ta bort behörighet: Fatima Ali i Verksamhetssystem socialtjänst"
        assert task.support_group_id == soc.support_group_id and "inaktiverat" in task.messages[0].body
    assert kept.removal_ticket_id is None
    # Revoked in the next review: the task already exists, no second one.
    services.revoke_grant(session.get(type(first), first.id), reason="Slutat.", actor=users["olle"], now=clock.now())
    assert session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(
        Ticket.subject.like("Ta bort behörighet: Fatima Ali%"))) == 2
