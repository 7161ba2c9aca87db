"""In Chromium: the dashboard, the hotspot map (Leaflet) and a network group's graph (Cytoscape.js), with no
JavaScript error or CSP violation. Screenshots are kept in var/test-artifacts/analytics/ (not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import enrol_totp

pytestmark = pytest.mark.browser

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "analytics"


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_dashboard_hotspot_map_and_network_graph(page, rebuilt):
    problems = _watch(page)
    user = rebuilt.a_worker
    browser_sign_in(page, user.username, totp_secret=enrol_totp(user))

    page.goto("/analytics/")
    assert page.locator("[data-testid=kpi-cases]").inner_text() == "2"
    assert page.locator("[data-testid=stage-chart] svg text").count() >= 2  # numbers written on the bars
    _shot(page, "dashboard")

    page.goto("/analytics/hotspots/")
    page.locator(".choropleth[data-ready=true]").wait_for()
    assert page.locator(".leaflet-interactive").count() > 100  # the regencies are drawn
    assert page.locator("[data-testid=hotspot-table] tr[data-region='52.03']").is_visible()
    _shot(page, "hotspots")

    page.goto("/analytics/network/")
    page.locator("tr[data-rank='1'] a").first.click()
    graph = page.locator("[data-testid=network-graph][data-ready=true]")
    graph.wait_for()
    assert int(graph.get_attribute("data-nodes")) >= 5
    assert page.locator("[data-testid=network-graph] canvas").count() >= 1
    _shot(page, "network")

    page.goto(f"/analytics/network/node/?key=case:{rebuilt.case_a1.pk}")
    assert rebuilt.case_a1.reference in page.locator("[data-testid=node-cases]").inner_text()
    assert problems == []


def test_another_agency_sees_an_empty_network_and_map(page, rebuilt):
    problems = _watch(page)
    user = rebuilt.c_worker
    browser_sign_in(page, user.username, totp_secret=enrol_totp(user))
    page.goto("/analytics/network/")
    assert page.locator("tr[data-rank]").count() == 0
    page.goto("/analytics/hotspots/")
    page.locator(".choropleth[data-ready=true]").wait_for()
    assert page.locator("tr[data-region]").count() == 0
    _shot(page, "hotspots-other-agency")
    assert problems == []
