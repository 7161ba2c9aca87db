"""The letters in Chromium: the agency administrator sets the letterhead, the lead downloads the case summary
from the case page, the police download the referral letter from their inbox with the victim masked."""

from __future__ import annotations

import re

import pytest

from sinergi.agencies.choices import Role
from sinergi.cases import services
from sinergi.cases.choices import AgeGroup, PartyRole
from sinergi.cases.tests.test_letters import pdf_text
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import UserFactory, enrol_totp

pytestmark = pytest.mark.browser


def _signed_in(_browser, live_server, user):
    context = _browser.new_context(base_url=live_server.url, locale="id-ID", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    browser_sign_in(page, user.username, totp_secret=enrol_totp(user))
    page.wait_for_url(re.compile(r"/$"))
    return context, page


def _download(page, selector: str, tmp_path) -> str:
    with page.expect_download() as info:
        page.locator(selector).first.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return pdf_text(target.read_bytes(), tmp_path)


def test_letters_from_the_settings_page_to_the_downloaded_pdf(
    _browser, live_server, transactional_db, cast, make_person, tmp_path
):
    admin = UserFactory(username="admin-bp3mi", agency=cast.bp3mi.agency, roles=[Role.AGENCY_ADMIN])
    context, page = _signed_in(_browser, live_server, admin)
    page.goto("/agencies/")
    page.click("[data-testid=letter-settings]")
    page.fill("#id_letterhead", "Kementerian Perlindungan Pekerja Migran Indonesia\nBP3MI Kalimantan Selatan")
    page.fill("#id_letter_place", "Banjarbaru")
    page.fill("#id_letter_number_pattern", "B-{nomor}/{kode}/{tahun}")
    page.fill("#id_signatory_name", "Drs. Contoh Pejabat")
    page.fill("#id_signatory_title", "Kepala Balai")
    with page.expect_navigation():
        page.click("[data-testid=letter-settings-form] button[type=submit]")
    assert "Pengaturan surat disimpan" in page.locator(".msg-success").inner_text()
    context.close()

    victim = make_person(cast.bp3mi.agency, full_name="Sulastri Handayani")
    case = services.case_intake(
        actor=cast.bp3mi.worker,
        intake_channel="HOTLINE",
        narrative="Sulastri Handayani dijanjikan kerja di Malaysia.",
        destination_country="MY",
        parties=[{"person": victim, "role": PartyRole.VICTIM, "age_group": AgeGroup.ADULT}],
    )
    services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="Mohon."
    )

    context, page = _signed_in(_browser, live_server, cast.bp3mi.worker)
    page.goto(f"/cases/{case.pk}/")
    page.click("[data-testid=section-letters-open]")  # a folded section of the case page
    assert page.locator("[data-testid=letters] h2").inner_text() == "Surat (PDF)"
    summary = _download(page, "[data-testid=letter-summary]", tmp_path)
    assert "RINGKASAN KASUS" in summary and "Nomor: B-001/BP3MI-KALSEL/" in summary
    assert "Sulastri Handayani" in summary and "Drs. Contoh Pejabat" in summary
    context.close()

    context, page = _signed_in(_browser, live_server, cast.polda.worker)
    page.goto("/cases/referrals/")
    letter = _download(page, "[data-testid=letter-referral]", tmp_path)
    assert "SURAT RUJUKAN" in letter and "Nomor: B-002/BP3MI-KALSEL/" in letter
    assert "Sulastri" not in letter and "Korban 1" in letter
    context.close()

    services.lead_transfer_request(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, reason="Korban pulang ke daerah asal."
    )
    context, page = _signed_in(_browser, live_server, cast.uptd.worker)
    page.goto("/cases/transfers/")
    handover = _download(page, "[data-testid=letter-handover]", tmp_path)
    assert "BERITA ACARA SERAH TERIMA" in handover and "Nomor: B-003/BP3MI-KALSEL/" in handover
    assert "Yang menyerahkan" in handover and "Yang menerima" in handover
    context.close()
