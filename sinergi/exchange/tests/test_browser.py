"""The import wizard in Chromium: upload an ugly workbook, map, read the preview, save; the progress bar."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sinergi.agencies.choices import Role
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import AgencyFactory, UserFactory, enrol_totp
from sinergi.exchange.imports import services
from sinergi.exchange.models import ImportBatch
from sinergi.exchange.tests.spreadsheets import csv_bytes, messy_people_workbook, xlsx_bytes
from sinergi.people.models import Person
from sinergi.regions.services import regions_load

pytestmark = pytest.mark.browser


@pytest.fixture
def worker(transactional_db):
    regions_load(provinces=["63"], max_level=3)
    agency = AgencyFactory(code="bp3mi-kalsel", name="BP3MI Kalimantan Selatan")
    return UserFactory(username="kalsel.worker", agency=agency, roles=[Role.CASE_WORKER])


def sign_in(page, user):
    browser_sign_in(page, user.username, totp_secret=enrol_totp(user))
    page.wait_for_url("**/")


def test_upload_preview_and_save_an_ugly_workbook(page, worker):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, worker)
    page.goto("/exchange/")
    page.click("[data-testid=import-new]")
    page.check("input[name=record_type][value=people]")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "pmi.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": xlsx_bytes(messy_people_workbook),
            }
        ],
    )
    page.click("[data-testid=import-upload]")
    expect(page.get_by_text("judul kolom di baris 3")).to_be_visible()
    expect(page.get_by_text("Rekap")).to_be_visible()  # the hidden sheet is named, and not read
    assert page.get_by_label("NIK").input_value() == "nik"
    page.click("[data-testid=import-preview]")
    rejected = page.locator("[data-testid=import-row-result][data-outcome=rejected]")
    expect(rejected).to_have_count(2)
    expect(rejected.first).to_contain_text("Excel mengubah NIK menjadi angka 3.17E+15")
    expect(page.locator("[data-testid=count-created] strong")).to_have_text("2")
    assert Person.objects.count() == 0
    page.click("[data-testid=import-commit]")
    expect(page.locator("[data-testid=import-status]")).to_have_attribute("data-status", "committed")
    assert Person.objects.count() == 2
    assert errors == []


def test_the_progress_bar_follows_a_background_run(page, worker):
    data = csv_bytes([["nama"], *[[f"Orang {i}"] for i in range(5)]])
    batch = services.import_upload(actor=worker, record_type="people", name="besar.csv", data=data)
    # As the worker sees it: claimed, two rows of five checked so far.
    ImportBatch.objects.filter(pk=batch.pk).update(status="previewing", done_rows=2)
    sign_in(page, worker)
    page.goto(f"/exchange/imports/{batch.pk}/")
    progress = page.locator("#import-progress-bar")
    expect(progress).to_have_attribute("value", "2")
    ImportBatch.objects.filter(pk=batch.pk).update(done_rows=4)
    expect(progress).to_have_attribute("value", "4")
    services.import_run(batch_id=batch.pk)  # the worker finishes: the page shows the result by itself
    expect(page.locator("[data-testid=count-created] strong")).to_have_text("5")


def test_an_agency_administrator_subscribes_a_system(page, worker):
    from sinergi.agencies.choices import UserKind

    admin = UserFactory(username="kalsel.admin", agency=worker.agency, roles=[Role.AGENCY_ADMIN])
    system = UserFactory(
        username="simpel-bp3mi", agency=worker.agency, kind=UserKind.SYSTEM, roles=[Role.CASE_WORKER]
    )
    sign_in(page, admin)
    page.goto("/exchange/")
    page.click("[data-testid=subscriptions]")
    page.fill("#id_name", "SIMPEL BP3MI")
    page.fill("#id_endpoint_url", "https://simpel.example.go.id/hook")
    page.select_option("#id_system_user", value=str(system.pk))
    page.check("input[name=event_types][value='referral.sent']")
    page.check("input[name=event_types][value='case.created']")
    page.click("[data-testid=subscription-create]")
    expect(page.locator("[data-testid=subscription-secret] code")).to_contain_text("whsec_")
    expect(page.locator("[data-testid=subscription-row]")).to_have_count(1)
    page.click("[data-testid=subscription-row] button")
    expect(page.locator("[data-testid=subscription-row]")).to_contain_text("Dihentikan")
