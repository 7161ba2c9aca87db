"""Every page of the product opens in Chromium: a case worker on a phone, the platform administrator on a desk.

Each page must answer 200 to one of the two (a page that answers 403 or 404 to both is a page nobody can
reach), show its heading, raise no JavaScript error and no Content-Security-Policy violation (the console
reports both), name every form control, image and button (a label, alt text or words), and, on the phone,
fit the screen's width: nothing to scroll sideways.
"""

from __future__ import annotations

import pytest

from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import enrol_totp
from sinergi.core.testing.world import all_routes, build_world, url_for

pytestmark = pytest.mark.browser

# Actions and HTMX fragments, not pages: each is exercised by the tests of the page that uses it.
NOT_PAGES = ("/accounts/logout/", "/i18n/setlang/", "/regions/autocomplete/", "/referrals/agencies/")
# A file that needs a record the world does not hold (a lead transfer): its own tests download it
# (cases/tests/test_letters.py).
NEEDS_MORE_WORLD = ("/download/handover/",)


# Form controls without a label, images without alt text, buttons and links with nothing to read out: what a
# screen reader (and a user zooming on a phone) cannot name.
UNLABELLED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (["hidden", "submit", "button", "reset", "image"].includes(type)) continue;
    const id = el.id;
    const labelled = (id && document.querySelector(`label[for="${CSS.escape(id)}"]`)) || el.closest("label")
      || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.getAttribute("title");
    if (!labelled) bad.push(el.outerHTML.slice(0, 120));
  }
  for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) bad.push(img.outerHTML.slice(0, 120));
  for (const b of document.querySelectorAll("button, a")) {
    if (!(b.textContent.trim() || b.getAttribute("aria-label") || b.getAttribute("title") || b.querySelector("img[alt]"))) bad.push(b.outerHTML.slice(0,120));
  }
  return bad;
}
"""


def _pages(world) -> list[str]:
    urls = {url_for(route, world.ids) for route in all_routes() if not route.startswith("api/")}
    return sorted(url for url in urls if not url.endswith(NOT_PAGES + NEEDS_MORE_WORLD))


def _tour(browser_page, user, urls, *, phone: bool) -> tuple[dict, list[str]]:
    problems: list[str] = []
    current = {"url": ""}

    def on_console(message):
        # A page answering 403 or 404 logs its own status as a failed load: that is the page, not an error in it.
        own = (message.location or {}).get("url", "").endswith(current["url"])
        if message.type == "error" and not (own and "Failed to load resource" in message.text):
            problems.append(f"{current['url']}: console {message.type}: {message.text}")

    browser_page.on("console", on_console)
    browser_page.on("pageerror", lambda error: problems.append(f"{current['url']}: {error}"))
    browser_sign_in(browser_page, user.username, totp_secret=enrol_totp(user))
    statuses = {}
    for url in urls:
        current["url"] = url
        # An action that only takes POST answers 405 with no body, which Chromium reports as a failed load, and
        # a document download is a download, not a page: both are told by asking first.
        first = browser_page.request.get(url, max_redirects=0)
        if first.status == 405 or (first.ok and "text/html" not in first.headers.get("content-type", "")):
            statuses[url] = first.status
            continue
        response = browser_page.goto(url)
        statuses[url] = response.status if response else 0
        if statuses[url] >= 500:
            problems.append(f"{url}: HTTP {statuses[url]}")
        if statuses[url] != 200 or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if browser_page.locator("h1").count() == 0 or not browser_page.locator("h1").first.is_visible():
            problems.append(f"{url}: no visible heading")
        for element in browser_page.evaluate(UNLABELLED):
            problems.append(f"{url}: no label or text: {element}")
        if phone and not browser_page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth + 1"
        ):
            problems.append(f"{url}: wider than the phone's screen")
    return statuses, problems


def test_every_page_opens_without_errors_and_fits_a_phone(regions, _browser, live_server, transactional_db):
    world = build_world(regions)
    urls = _pages(world)
    phone = _browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 800}, is_mobile=True
    )
    desk = _browser.new_context(base_url=live_server.url, locale="id-ID")
    try:
        worker_status, worker_problems = _tour(phone.new_page(), world.users["worker"], urls, phone=True)
        admin_status, admin_problems = _tour(desk.new_page(), world.users["admin"], urls, phone=False)
    finally:
        phone.close()
        desk.close()
    unreachable = [
        f"{url}: {worker_status[url]} / {admin_status[url]}"
        for url in urls
        if 200 not in (worker_status[url], admin_status[url])
        and 405 not in (worker_status[url], admin_status[url])
    ]
    assert worker_problems + admin_problems == [], "\n".join(worker_problems + admin_problems)
    assert unreachable == [], "\n".join(unreachable)
