"""The report in Chromium: WCAG 2.1 AA by axe-core, charts drawn under the app's CSP, no CSP violations."""

import pytest

from tests.browser.test_accessibility import check

pytestmark = pytest.mark.browser
MONTH = "/reports/monthly/2026-11"  # the demo's tickets were reported this month


def watch_console(page):
    """Console errors and CSP violations seen by the page."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_report_page_is_accessible_and_draws_its_charts(as_user, axe_source):
    page = as_user("admin")
    problems = watch_console(page)
    page.goto(MONTH)
    # Until every image has loaded or failed (complete), however long that takes: no network-idle heuristic.
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)", timeout=0)
    sizes = page.evaluate("() => Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth])")
    assert len(sizes) == 5 and all(width > 0 for _src, width in sizes), sizes
    check(page, "report-monthly", axe_source)
    assert problems == []


def test_a_chart_opened_on_its_own_breaks_no_policy(as_user):
    page = as_user("karin")
    problems = watch_console(page)
    response = page.goto(f"{MONTH}/charts/within_target.svg")
    assert response.ok and "default-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("svg text").count() > 5  # the labels are text, drawn with presentation attributes
    assert problems == []


def test_drilldown_and_definitions_are_accessible(as_user, axe_source):
    page = as_user("karin")
    page.goto(f"{MONTH}/tickets?figure=opened")
    check(page, "report-drilldown", axe_source)
    page.goto("/reports/definitions")
    check(page, "report-definitions", axe_source)
