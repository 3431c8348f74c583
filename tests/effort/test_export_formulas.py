"""Effort exports go through helpdesk.spreadsheet: every formula-like start is neutralised (CSV injection)."""

from types import SimpleNamespace

import pytest

from helpdesk.effort.exports import lines


@pytest.mark.parametrize("label", [" =HYPERLINK(\"http://x\")", "\n=1+1", "\uff1dcmd|' /C calc'!A0", "=1+1"])
def test_a_formula_like_label_is_text_in_the_export(app, label):
    row = SimpleNamespace(key=1, label=label, minutes=1, hours=0.1, cost=1, tickets=1, average_minutes=1)
    with app.test_request_context():
        line = next(lines(SimpleNamespace(key="2026-11"), {"system": [row]}))
    assert line[3] == "'" + label
