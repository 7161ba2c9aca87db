"""The shell in a real browser: phone menu, language switch, the API browser under our CSP."""

import pytest

from sinergi.agencies.choices import Role
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import AgencyFactory, UserFactory, enrol_totp

pytestmark = pytest.mark.browser


def signed_in_supervisor(page):
    agency = AgencyFactory(code="bp3mi-kalsel", name="BP3MI Kalimantan Selatan")
    user = UserFactory(username="kalsel.supervisor", agency=agency, roles=[Role.SUPERVISOR])
    browser_sign_in(page, user.username, totp_secret=enrol_totp(user))
    page.wait_for_url("**/")
    return user


def csp_violations(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda message: messages.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return messages


def test_login_page_renders_in_indonesian(page):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("#id_username").is_visible()


def test_phone_menu_opens_and_closes(phone_page):
    violations = csp_violations(phone_page)
    signed_in_supervisor(phone_page)
    nav = phone_page.locator("nav.mainnav")
    assert not nav.is_visible()
    phone_page.click("label[for=nav-toggle]")
    assert nav.is_visible()
    assert phone_page.locator("nav.mainnav").get_by_role("link", name="Kasus", exact=True).is_visible()
    assert phone_page.locator("nav.mainnav").get_by_role("link", name="Audit", exact=True).is_visible()
    phone_page.keyboard.press("Escape")
    assert not nav.is_visible()
    # Nothing is wider than the phone: no sideways scrolling.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations == []


def test_phone_menu_works_from_the_keyboard(phone_page):
    signed_in_supervisor(phone_page)
    phone_page.focus("#nav-toggle")
    phone_page.keyboard.press("Space")
    assert phone_page.locator("nav.mainnav").is_visible()


def test_language_switch(page):
    signed_in_supervisor(page)
    assert page.locator("nav.mainnav").get_by_role("link", name="Kasus", exact=True).is_visible()
    page.click("[data-testid=lang-en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("nav.mainnav").get_by_role("link", name="Cases", exact=True).is_visible()
    assert page.locator("[data-testid=lang-en]").get_attribute("aria-pressed") == "true"
    page.click("[data-testid=lang-id]")
    page.wait_for_selector("html[lang=id]")
    assert page.locator("nav.mainnav").get_by_role("link", name="Deteksi dini", exact=True).is_visible()


def test_skip_link_moves_focus_to_the_content(page):
    signed_in_supervisor(page)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_api_docs_page_renders_the_operations(page):
    violations = csp_violations(page)
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator(".opblock-summary-path", has_text="/api/v1/audit/").count() >= 1
    assert page.locator(".opblock").count() >= 2
    assert violations == []


def test_unknown_page_shows_the_translated_error_page(page):
    signed_in_supervisor(page)
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Halaman tidak ditemukan").is_visible()
