"""The audit page in Chromium: a supervisor filters the trail and the results update in place."""

import pytest

from sinergi.agencies.choices import Role
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import AgencyFactory, UserFactory, enrol_totp

pytestmark = pytest.mark.browser


def test_supervisor_filters_the_trail(page):
    kalsel = AgencyFactory(code="bp3mi-kalsel", name="BP3MI Kalimantan Selatan")
    ntb = AgencyFactory(code="polda-ntb", name="Subdit TPPO Polda NTB")
    supervisor = UserFactory(username="kalsel.supervisor", agency=kalsel, roles=[Role.SUPERVISOR])
    worker = UserFactory(username="kalsel.caseworker", agency=kalsel, roles=[Role.CASE_WORKER])
    stranger = UserFactory(username="ntb.investigator", agency=ntb, roles=[Role.INVESTIGATOR])
    audit_record(actor=worker, action=AuditAction.UPDATE, object_type="people.person", object_id="12")
    audit_record(actor=worker, action=AuditAction.VIEW, object_type="people.person", object_id="13")
    audit_record(actor=stranger, action=AuditAction.VIEW, object_type="people.person", object_id="99")

    browser_sign_in(page, supervisor.username, totp_secret=enrol_totp(supervisor))
    page.wait_for_url("**/")
    page.locator("nav.mainnav").get_by_role("link", name="Audit", exact=True).click()
    page.wait_for_url("**/audit/")
    rows = page.locator("[data-testid=audit-entry]")
    assert "kalsel.caseworker" in rows.all_inner_texts()[-1]
    assert "ntb.investigator" not in page.content()

    # Choosing an action filters at once (HTMX), and the address keeps the filter for reload and sharing.
    page.select_option("#id_action", AuditAction.UPDATE)
    page.wait_for_url("**/audit/?*action=update*")
    page.wait_for_function("document.querySelectorAll('[data-testid=audit-entry]').length === 1")
    assert "#12" in rows.first.inner_text()
    assert page.locator("h1").inner_text() == "Jejak audit"

    page.fill("#id_user", "nobody.here")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Tidak ada catatan audit yang sesuai dengan filter ini.")
    assert rows.count() == 0


def test_repeated_views_are_one_line_that_opens_on_each_time(page):
    kalsel = AgencyFactory(code="bp3mi-kalsel", name="BP3MI Kalimantan Selatan")
    supervisor = UserFactory(username="kalsel.supervisor", agency=kalsel, roles=[Role.SUPERVISOR])
    worker = UserFactory(username="kalsel.caseworker", agency=kalsel, roles=[Role.CASE_WORKER])
    for _ in range(4):
        audit_record(actor=worker, action=AuditAction.VIEW, object_type="cases.case", object_id="21")
    audit_record(actor=worker, action=AuditAction.UPDATE, object_type="cases.case", object_id="21")

    browser_sign_in(page, supervisor.username, totp_secret=enrol_totp(supervisor))
    page.wait_for_url("**/")
    page.goto("/audit/")
    case_rows = page.locator("[data-testid=audit-entry]", has_text="#21")
    # The change, then the four views before it as one line (the supervisor's own sign-in is above them).
    assert case_rows.count() == 2
    assert "Diubah" in case_rows.nth(0).inner_text()
    repeated = case_rows.nth(1)
    assert repeated.get_attribute("data-count") == "4"
    assert "4 kali" in repeated.get_by_test_id("audit-repeat-count").inner_text()
    repeated.locator("details summary").click()
    assert repeated.locator(".audit-repeats li").count() == 4
    assert repeated.locator(".audit-repeats li").first.is_visible()
    page.screenshot(path="/tmp/shot-audit-grouped.png", full_page=True)
