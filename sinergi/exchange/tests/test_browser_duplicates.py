"""End-to-end in Chromium: a case worker merges an unsure pair, finds it under Decided and undoes it."""

from __future__ import annotations

import pytest

from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import enrol_totp
from sinergi.exchange.models import CandidatePair, LinkRun
from sinergi.exchange.models.linkage import PairStatus
from sinergi.people.services import PersonData, person_create

pytestmark = pytest.mark.browser


def test_case_worker_merges_a_pair_and_undoes_it_on_a_phone(phone_page, case_worker):
    a = person_create(actor=case_worker, data=PersonData(full_name="Muhammad Yusuf Santoso", sex="M"))
    b = person_create(actor=case_worker, data=PersonData(full_name="Moh. Yusuf Santoso", sex="M"))
    run = LinkRun.objects.create(status="done", records=2, pairs=1, clusters=1)
    pair = CandidatePair.objects.create(
        run=run, person_a_id=a.pk, person_b_id=b.pk, probability=0.83, match_weight=2.0, band="review"
    )
    page = phone_page
    browser_sign_in(page, case_worker.username, totp_secret=enrol_totp(case_worker))

    page.goto("/exchange/duplicates/")
    card = page.locator(f"[data-pair='{pair.pk}']")
    assert "Muhammad Yusuf Santoso" in card.inner_text() and "Moh. Yusuf Santoso" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    card.get_by_role("button", name="Orang yang sama").click()
    page.locator(".msg-success").wait_for()
    assert page.locator("[data-testid=no-pairs]").is_visible()
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED

    page.get_by_role("link", name="Sudah diputuskan").click()
    page.locator(f"[data-pair='{pair.pk}']").get_by_role("button", name="Batalkan").click()
    page.locator(".msg-success").wait_for()
    assert "dibatalkan" in page.locator(".msg-success").inner_text()
    page.get_by_role("link", name="Belum pasti").click()
    page.locator(f"[data-pair='{pair.pk}']").wait_for()
    pair.refresh_from_db()
    assert pair.status == PairStatus.PENDING
