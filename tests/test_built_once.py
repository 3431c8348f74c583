"""helpdesk.database.built_once keeps statements, never results."""

import pytest
import sqlalchemy as sa

from helpdesk.database import built_once


def test_a_statement_is_built_once_per_argument():
    calls = []

    @built_once
    def query(flag):
        calls.append(flag)
        return sa.select(sa.literal(1)).where(sa.bindparam("x") == 1)

    assert query(True) is query(True) and query(False) is not query(True)
    assert calls == [True, False]


def test_a_result_is_refused():
    @built_once
    def rows(ticket):
        return [ticket]

    with pytest.raises(TypeError):
        rows(1)
