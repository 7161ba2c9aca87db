"""The public pages in Chromium on a 360 px phone, with and without JavaScript: each task done end to end,
each page checked by axe-core (WCAG 2.1 A and AA), no wider than the screen, under 100 KB."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sinergi.portal.tests.conftest import RISKY_OFFER

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
PAGES = ("/portal/", "/portal/cek-lowongan/", "/portal/cek-perusahaan/", "/portal/lapor/", "/portal/lacak/")
MAX_PAGE_BYTES = 100 * 1024


def _phone_context(browser, base_url, javascript: bool):
    return browser.new_context(
        base_url=base_url,
        locale="id-ID",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(request, _browser, live_server, transactional_db):
    context = _phone_context(_browser, live_server.url, request.param)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    page.loaded = []
    page.on(
        "requestfinished",
        lambda r: page.loaded.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]),
    )
    # Without JavaScript nothing can run in the page, axe included: the page as the phone received it is shown
    # again, byte for byte, in a twin page where axe can run.
    twin_context = None if request.param else _phone_context(_browser, live_server.url, True)
    page.twin = twin_context.new_page() if twin_context else None
    yield page
    context.close()
    if twin_context:
        twin_context.close()


def _check_page(page) -> None:
    """axe-core finds no WCAG A/AA violation, the page fits the screen, and weighs less than 100 KB."""
    weight = sum(page.loaded)
    page.loaded.clear()
    assert weight < MAX_PAGE_BYTES, f"{page.url}: {weight} bytes"
    if page.twin is not None:
        html, url, twin = page.content(), page.url, page.twin
        twin.route(
            url, lambda route: route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")
        )
        twin.goto(url)
        twin.unroute(url)
        page = twin
    # evaluate() runs through the DevTools protocol, so axe is not a script the page serves (and CSP holds).
    page.evaluate(AXE)
    violations = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
          return r.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }"""
    )
    assert violations == [], "\n".join(violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        "wider than the phone"
    )


def test_every_public_page_is_accessible_and_light(phone):
    for url in PAGES:
        response = phone.goto(url)
        assert response.status == 200, url
        assert phone.locator("h1").is_visible()
        _check_page(phone)
    assert phone.problems == []


def test_the_staff_sign_in_page_leads_to_the_portal(phone):
    # A member of the public who reached the officers' site finds the public pages from its footer.
    phone.goto("/accounts/login/")
    phone.click("[data-testid=footer-portal]")
    assert phone.url.endswith("/portal/")
    assert phone.locator("h1").is_visible()


def test_checking_an_offer(phone):
    phone.goto("/portal/cek-lowongan/")
    phone.fill("textarea[name=text]", RISKY_OFFER)
    phone.click("main button[type=submit]")
    verdict = phone.locator("[data-testid=verdict]")
    assert verdict.get_attribute("data-verdict") == "tinggi"
    assert "Risiko tinggi" in verdict.inner_text()
    assert phone.locator("[data-testid=signs] mark", has_text="Kamboja").count() >= 1
    assert "110" in phone.locator("footer").inner_text()
    _check_page(phone)
    assert phone.problems == []


def test_checking_a_company(phone):
    phone.goto("/portal/cek-perusahaan/")
    phone.fill("input[name=q]", "anugrah timur")
    phone.click("main button[type=submit]")
    results = phone.locator("[data-testid=company-results]")
    assert "PT Contoh Anugerah Timur Raya" in results.inner_text()
    assert "dibekukan" in results.inner_text()
    assert phone.locator("[data-testid=sample]").is_visible()
    _check_page(phone)


def test_reporting_then_following_the_report(phone, bp3mi):
    phone.goto("/portal/lapor/")
    phone.fill(
        "textarea[name=what_happened]",
        "Calo menawarkan kerja ke Kamboja dengan visa turis kepada pemuda desa.",
    )
    phone.fill("input[name=where]", "Banjarmasin Tengah")
    phone.click("button[name=find_region]")
    phone.locator("input[name=region]").first.check()
    phone.fill("input[name=contact_phone]", "0812-3456-7890")
    _check_page(phone)
    phone.locator("main button[type=submit]:not([name])").click()
    code = phone.locator("[data-testid=tracking-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){4}", code)
    _check_page(phone)

    phone.goto("/portal/lacak/")
    phone.fill("input[name=code]", code.lower())
    phone.click("main button[type=submit]")
    status = phone.locator("[data-testid=status]")
    assert status.get_attribute("data-status") in ("RECEIVED", "IN_PROGRESS")
    assert "Kamboja" not in phone.content()
    phone.fill("textarea[name=text]", "Calonya bernama Pak Contoh.")
    phone.locator("main button[type=submit]").last.click()
    assert phone.locator("[data-testid=added]").is_visible()
    _check_page(phone)
    assert phone.problems == []
