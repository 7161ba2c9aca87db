"""The people pages in a real browser: live search, create with the NIK warning, masked detail, phone layout."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from sinergi.agencies.choices import Role
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import AgencyFactory, UserFactory, enrol_totp
from sinergi.people.services import PersonData, PhoneInput, person_create
from sinergi.people.tests.conftest import NIK_WOMAN_1990
from sinergi.regions.models import Region
from sinergi.regions.services import regions_load

pytestmark = pytest.mark.browser


@pytest.fixture
def worker(transactional_db):
    regions_load(provinces=["63"], max_level=4)
    agency = AgencyFactory(code="bp3mi-kalsel", name="BP3MI Kalimantan Selatan")
    return UserFactory(username="kalsel.worker", agency=agency, roles=[Role.CASE_WORKER])


def sign_in(page, user):
    browser_sign_in(page, user.username, totp_secret=enrol_totp(user))
    page.wait_for_url("**/")


def csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    return found


def test_list_with_live_search(page, worker):
    banjarmasin = Region.objects.get(code="63.71.01.1001")
    for name in ("Siti Rahayu", "Siti Aminah", "Budi Santoso"):
        region = banjarmasin if name == "Siti Rahayu" else None
        person_create(actor=worker, data=PersonData(full_name=name, address_region=region))
    violations = csp_violations(page)
    sign_in(page, worker)
    page.goto("/people/")
    rows = page.locator("[data-testid=person-row]")
    assert rows.count() == 3
    page.fill("#id_q", "siti rah")
    expect(rows).to_have_count(1)
    assert "Siti Rahayu" in rows.first.inner_text()
    assert "siti" not in page.url  # what was typed (a name, a NIK) never goes into the address
    page.fill("#id_q", "tidak ada")
    expect(rows).to_have_count(0)
    assert page.locator(".empty-state").is_visible()
    # Choosing a region in the filter refreshes the list by itself.
    page.fill("#id_q", "")
    expect(rows).to_have_count(3)
    page.locator("#id_region").press_sequentially("kota banjarmasin")
    page.click("[data-testid='region-option-63.71']")
    expect(rows).to_have_count(1)
    assert "Siti Rahayu" in rows.first.inner_text()
    assert violations == []


def test_create_with_nik_mismatch_warning_then_confirm(page, worker):
    violations = csp_violations(page)
    sign_in(page, worker)
    page.goto("/people/")
    page.click("[data-testid=person-create]")
    page.fill("#id_full_name", "Siti Rahayu")
    page.check("input[name=sex][value=M]")  # the NIK below is a woman's
    page.fill("#id_birth_date", "1990-01-10")
    page.fill("#id_nik", NIK_WOMAN_1990)
    # Region autocomplete: type, choose from the list the server sends.
    page.locator("#id_address_region").press_sequentially("banjarmasin sel")
    page.click("[data-testid='region-option-63.71.01']")
    assert page.input_value("input[name=address_region]") == "63.71.01"
    page.fill("#id_phones-0-number", "0812-3456-7890")
    page.click("fieldset[data-formset=phones] [data-add-row]")
    page.fill("#id_phones-1-number", "+60 12-345 6789")
    page.click("[data-testid=person-save]")
    warning = page.locator("[data-testid=nik-warning]")
    assert warning.is_visible()
    assert "perempuan" in warning.inner_text()
    assert page.input_value("#id_full_name") == "Siti Rahayu"  # nothing typed is lost
    page.check("#id_confirm_nik_mismatch")
    page.click("[data-testid=person-save]")
    page.wait_for_url("**/people/*/")
    assert page.locator("[data-testid=person-name]").inner_text() == "Siti Rahayu"
    assert "Banjarmasin Selatan" in page.content()
    assert violations == []


def test_detail_masks_nik_until_revealed(page, worker):
    person = person_create(
        actor=worker,
        data=PersonData(
            full_name="Siti Rahayu",
            sex="F",
            birth_date=date(1990, 1, 10),
            nik=NIK_WOMAN_1990,
            phones=[PhoneInput("081234567890")],
        ),
    )
    sign_in(page, worker)
    page.goto(f"/people/{person.pk}/")
    nik = page.locator("[data-testid=identifier-nik]")
    assert "6371********0001" in nik.inner_text()
    assert NIK_WOMAN_1990 not in page.content()
    page.click("[data-testid=reveal-nik]")
    expect(nik).to_contain_text(NIK_WOMAN_1990)
    # The phone number stays masked: each identifier is revealed on its own.
    assert "+6281234567890" not in page.locator("[data-testid=identifier-phones]").inner_text()


def test_people_pages_fit_a_phone(phone_page, worker):
    person = person_create(actor=worker, data=PersonData(full_name="Siti Rahayu", nik=""))
    sign_in(phone_page, worker)
    for url in ("/people/", f"/people/{person.pk}/", "/people/new/", f"/people/{person.pk}/edit/"):
        phone_page.goto(url)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, url
