"""Data-sharing agreements in Chromium: a supervisor drafts one, another signs it, then it is revoked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sinergi.agencies.choices import AgencyType, Role
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import AgencyFactory, UserFactory, enrol_totp
from sinergi.exchange.models import SharingAgreement

pytestmark = pytest.mark.browser


def sign_in(page, user):
    browser_sign_in(page, user.username, totp_secret=enrol_totp(user))
    page.wait_for_url("**/")


def test_draft_sign_and_revoke_an_agreement(page, transactional_db):
    bp3mi = AgencyFactory(code="bp3mi-kalsel", name="BP3MI Kalimantan Selatan")
    AgencyFactory(code="dinsos-kalsel", name="Dinas Sosial Kalsel", type=AgencyType.DINSOS)
    drafter = UserFactory(username="kalsel.kasi", agency=bp3mi, roles=[Role.SUPERVISOR])
    signer = UserFactory(username="kalsel.kepala", agency=bp3mi, roles=[Role.SUPERVISOR])
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    sign_in(page, drafter)
    page.goto("/exchange/")
    page.click("[data-testid=agreements]")
    page.click("[data-testid=agreement-new]")
    expect(page.locator("[data-testid=purpose-table] tbody tr")).to_have_count(5)
    page.get_by_label("Instansi penerima").select_option(label="Dinas Sosial Kalsel")
    page.check("input[name=field_groups][value=medical]")
    page.check("input[name=field_groups][value=narrative]")
    # Statistics justify neither: refused with the groups named, nothing drafted.
    page.select_option("#id_purpose", "statistics")
    page.click("[data-testid=agreement-create]")
    expect(page.get_by_text("tidak membenarkan berbagi")).to_be_visible()
    assert not SharingAgreement.objects.exists()
    # The refusal answers 400, which Chromium reports on the console: expected here, unlike any later error.
    assert [e for e in errors if "400" not in e] == []
    errors.clear()
    page.check("input[name=field_groups][value=medical]")
    page.check("input[name=field_groups][value=narrative]")
    page.select_option("#id_purpose", "victim_care")
    page.click("[data-testid=agreement-create]")
    expect(page.locator("[data-testid=agreement-status]")).to_have_attribute("data-status", "draft")
    expect(page.get_by_text("Menunggu tanda tangan supervisor")).to_be_visible()
    expect(page.locator("[data-testid=agreement-sign]")).to_have_count(0)  # the drafter does not sign
    expect(page.locator("[data-testid=agreement-group]")).to_have_count(2)

    page.context.clear_cookies()
    sign_in(page, signer)
    agreement = SharingAgreement.objects.get()
    page.goto(f"/exchange/agreements/{agreement.pk}/")
    page.click("[data-testid=agreement-sign]")
    expect(page.locator("[data-testid=agreement-status]")).to_have_attribute("data-status", "signed")
    expect(page.get_by_text("Ditandatangani oleh")).to_be_visible()
    page.get_by_label("Alasan").fill("Program selesai.")
    page.click("[data-testid=agreement-revoke]")
    expect(page.locator("[data-testid=agreement-status]")).to_have_attribute("data-status", "revoked")
    page.goto("/exchange/agreements/")
    expect(page.locator("[data-testid=agreement-row][data-status=revoked]")).to_have_count(1)
    assert errors == []
