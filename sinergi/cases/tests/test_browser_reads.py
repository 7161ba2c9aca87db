"""'Dibaca instansi lain' in Chromium: the lead's case worker opens the tab of a case that a participant agency
read, and sees who read it, how often and what; the participant is offered no such tab."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sinergi.conftest import browser_sign_in, sign_in
from sinergi.core.testing.factories import enrol_totp

pytestmark = pytest.mark.browser


def test_the_lead_reads_who_in_other_agencies_opened_its_case(page, cast, shelter_case, client):
    case = shelter_case
    reader = sign_in(client, cast.uptd.worker)
    for _ in range(2):
        reader.get(f"/cases/{case.pk}/")
    assert "tab-reads" not in reader.get(f"/cases/{case.pk}/").content.decode()

    browser_sign_in(page, cast.bp3mi.worker.username, totp_secret=enrol_totp(cast.bp3mi.worker))
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/cases/{case.pk}/")
    page.get_by_test_id("tab-reads").click()
    page.wait_for_url(f"**/cases/{case.pk}/reads/")
    row = page.get_by_test_id("case-read")
    assert row.count() == 1
    text = row.inner_text()
    assert cast.uptd.agency.name in text and cast.uptd.worker.username in text
    assert "3" in text and "Kasus dibuka (ikut menangani)" in text
    assert page.locator("h2").first.inner_text() == "Dibaca instansi lain"
    assert page.get_by_test_id("tab-reads").get_attribute("aria-current") == "page"
    page.screenshot(path="/tmp/shot-case-reads.png", full_page=True)


def test_typing_a_search_on_the_case_list_keeps_the_words_out_of_the_address(page, cast, make_case):
    sawit = make_case(narrative="Dijanjikan kerja di kebun sawit, paspor ditahan.")
    other = make_case(narrative="Kapal ikan di perairan Somalia.")
    browser_sign_in(page, cast.bp3mi.worker.username, totp_secret=enrol_totp(cast.bp3mi.worker))
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/cases/?status=OPEN")
    rows = page.get_by_test_id("case-row")
    assert rows.count() == 2
    page.fill("#id_q", "sawit")
    expect(rows).to_have_count(1)
    assert rows.first.get_attribute("data-reference") == sawit.reference
    assert other.reference not in page.content()
    # The address the browser shows (and keeps in its history) has the filter, not the words.
    page.wait_for_url("**/cases/?status=OPEN")
    assert "sawit" not in page.url
    page.screenshot(path="/tmp/shot-case-search.png", full_page=True)
