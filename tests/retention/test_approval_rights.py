"""Only someone with the right to approve may approve a retention run (issue 10, bug)."""

import pytest
import sqlalchemy as sa

from helpdesk.errors import NotAllowed
from helpdesk.extensions import db
from helpdesk.retention import services as retention
from helpdesk.retention.models import RetentionRun
from tests.retention.conftest import closed_ticket
from tests.retention.test_runs import OLD_CLOSE, gone


def test_cli_refuses_an_approver_without_the_right(users, clock, make_rule, runner, session):
    number = closed_ticket(users["anna"], closed_at=OLD_CLOSE).id
    make_rule("incident", months=12)
    session.commit()

    result = runner.invoke(args=["retention", "run", "--approved-by", "anna"])

    assert result.exit_code != 0
    assert "anna" in result.output and "may not approve" in result.output
    assert not gone(number)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RetentionRun)) == 0


def test_service_refuses_an_approver_without_the_right(users, clock, make_rule):
    rule = make_rule("incident", months=12)
    with pytest.raises(NotAllowed):
        retention.approve_run(rule, actor=users["erik"], now=clock.now())
