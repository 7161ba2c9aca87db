"""In Chromium: an outreach officer records an event, imports its attendance list, sees the coverage map."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import enrol_totp
from sinergi.outreach.models import Attendee, OutreachEvent

pytestmark = pytest.mark.browser

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "outreach"


def test_record_an_event_import_attendance_and_see_coverage(page, officer, district, tmp_path):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    browser_sign_in(page, officer.username, totp_secret=enrol_totp(officer))

    page.goto("/outreach/events/new/")
    page.fill("input[name=title]", "Sosialisasi migrasi aman di Keruak")
    page.fill("input[name=held_on]", (timezone.localdate() - timedelta(days=2)).isoformat())
    # The region picker: type, then choose from the list the server sends back.
    page.fill("[data-testid=event-form] input.region-picker-input", "Keruak")
    page.click("[data-testid='region-option-52.03.01']")
    page.check("input[name=audiences][value=FAMILIES]")
    page.fill("input[name=participants_f_18_39]", "14")
    page.fill("input[name=participants_m_40p]", "6")
    page.click("[data-testid=event-save]")
    page.locator("[data-testid=participants-total]").wait_for()
    assert page.locator("[data-testid=participants-total]").inner_text() == "20"
    event = OutreachEvent.objects.get()
    assert event.region_id == "52.03.01"

    broken = tmp_path / "hadir.csv"
    broken.write_text("nama,jenis_kelamin,umur\nSiti,P,20\nAni,X,22\n")
    page.set_input_files("input[type=file]", str(broken))
    page.click("[data-testid=attendance-form] button[type=submit]")
    assert "baris 3" in page.locator("[role=alert]").first.inner_text()
    assert Attendee.objects.count() == 0
    good = tmp_path / "hadir-baik.csv"
    good.write_text("nama,jenis_kelamin,umur\nSiti,P,20\nBudi,L,44\n")
    page.set_input_files("input[type=file]", str(good))
    page.click("[data-testid=attendance-form] button[type=submit]")
    page.locator("[data-testid=attendees]").wait_for()
    assert Attendee.objects.count() == 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "event.png"), full_page=True)

    page.goto("/outreach/coverage/")
    page.locator(".choropleth[data-ready=true]").wait_for()
    assert page.locator(".choropleth-table tr[data-region='52.03']").is_visible()
    page.screenshot(path=str(ARTIFACTS / "coverage.png"), full_page=True)
    assert problems == []
