"""End-to-end in Chromium: the review queue (confirm a campaign), uploading, screening a text, and departure
screening at a phone-sized viewport."""

from __future__ import annotations

import json

import pytest

from sinergi.agencies.choices import Role
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import UserFactory, enrol_totp
from sinergi.detection import services
from sinergi.detection.choices import PostSource, ReviewStatus
from sinergi.detection.models import Campaign, DepartureScreening, Review, ScreenedPost
from sinergi.detection.tests.conftest import RISKY, SAFE

pytestmark = pytest.mark.browser


def sign_in(page, user):
    secret = enrol_totp(user)
    browser_sign_in(page, user.username, totp_secret=secret)


def test_analyst_confirms_a_campaign_from_the_queue(page, agency):
    analyst = UserFactory(username="analis", agency=agency, roles=[Role.ANALYST])
    services.post_store_batch(
        actor=analyst,
        results=[
            {"text": RISKY, "account": "lowker.kamboja", "platform": "facebook"},
            {"text": RISKY + " 🔥🔥", "account": "info.kerja.ln", "platform": "tiktok"},
            {"text": RISKY.replace("15jt", "17jt"), "account": "rekrut88", "platform": "facebook"},
            {"text": SAFE, "account": "pt.sentosa"},
        ],
        source=PostSource.API,
    )
    campaign = Campaign.objects.get(post_count=3)
    sign_in(page, analyst)

    page.goto("/detection/")
    row = page.locator(f"tr[data-campaign='{campaign.pk}']")
    assert row.is_visible()
    row.locator("a").click()
    assert page.locator("[data-testid=post-count]").inner_text() == "3"
    marks = page.locator("[data-testid=post-text] mark")
    assert marks.count() >= 1
    assert page.locator("ol.indicators li").count() == len(campaign.representative.indicators)
    assert page.locator("ol.timeline li").count() == 3

    page.check("input[name=decision][value=confirm]")
    page.fill("textarea[name=reason]", "Lowongan ke Kamboja dengan visa turis: modus penipuan daring.")
    page.click("[data-testid=submit-review]")
    page.locator("[data-testid=decision]").wait_for()
    assert "analis" in page.locator("[data-testid=decision]").inner_text() or analyst.last_name in (
        page.locator("[data-testid=decision]").inner_text()
    )

    campaign.refresh_from_db()
    assert campaign.status == ReviewStatus.CONFIRMED
    assert set(ScreenedPost.objects.filter(campaign=campaign).values_list("status", flat=True)) == {
        "confirmed"
    }
    assert Review.objects.get().analyst == analyst
    # The queue shows what still needs a decision: the confirmed campaign has left it.
    page.goto("/detection/")
    assert page.locator(f"tr[data-campaign='{campaign.pk}']").count() == 0


def test_upload_a_file_and_see_the_batch(page, agency, tmp_path):
    analyst = UserFactory(username="analis2", agency=agency, roles=[Role.ANALYST])
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps({"id": str(i), "text": t}) for i, t in enumerate([RISKY, SAFE])))
    sign_in(page, analyst)
    page.goto("/detection/upload/")
    page.set_input_files("input[type=file]", str(path))
    page.click("form.form button[type=submit]")
    assert page.locator("[data-testid=stored-count]").inner_text() == "2"

    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps({"text": RISKY}) + "\n{oops\n")
    page.goto("/detection/upload/")
    page.set_input_files("input[type=file]", str(broken))
    page.click("form.form button[type=submit]")
    assert page.locator("[data-testid=line-errors] li").first.inner_text().split(":")[0].endswith("2")
    assert ScreenedPost.objects.count() == 2


def test_the_batch_page_updates_by_itself_when_the_worker_has_stored_the_file(
    page, agency, tmp_path, settings
):
    from sinergi.detection.models import PostBatch

    # A real queue and no worker: the upload waits until the test plays the worker.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}
    }
    analyst = UserFactory(username="analis3", agency=agency, roles=[Role.ANALYST])
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps({"id": str(i), "text": t}) for i, t in enumerate([RISKY, SAFE])))
    sign_in(page, analyst)
    page.goto("/detection/upload/")
    page.set_input_files("input[type=file]", str(path))
    page.click("form.form button[type=submit]")
    status = page.locator("[data-testid=batch-status]")
    assert status.get_attribute("data-status") == "queued"
    services.post_upload_process(batch_id=PostBatch.objects.get().pk)
    page.locator("[data-testid=stored-count]", has_text="2").wait_for(timeout=10_000)
    assert page.locator("[data-testid=batch-status]").count() == 0


def test_officer_screens_a_pasted_text(page, case_worker):
    sign_in(page, case_worker)
    page.goto("/detection/screen/")
    page.fill("textarea[name=text]", RISKY)
    page.click("[data-testid=screen-submit]")
    result = page.locator("[data-testid=screen-result]")
    result.wait_for()
    assert result.locator("mark").count() >= 1
    assert not ScreenedPost.objects.exists()


def test_departure_screening_on_a_phone(phone_page, imigrasi):
    officer = UserFactory(username="petugas", agency=imigrasi, roles=[Role.CASE_WORKER])
    page = phone_page
    sign_in(page, officer)
    page.goto("/detection/departure/new/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.select_option("select[name=checkpoint]", "PLBN Motaain (Belu)")
    page.fill("input[name=age]", "17")
    page.select_option("select[name=destination_country]", "KH")
    page.check("input[name=purpose][value=tourism]")
    page.select_option("select[name=job_type]", "online_admin")
    page.check("input[name=visa_type][value=tourist]")
    page.check("input[name=registered][value=no]")
    page.check("input[name=documents][value=passport]")
    page.check("input[name=recruited_via][value=social_media]")
    page.check("input[name=costs_paid_by][value=recruiter]")
    page.check("input[name=debt][value=yes]")
    page.check("input[name=passport_holder][value=companion]")
    page.check("input[name=accompanied_by][value=group_with_escort]")
    page.check("input[name=waiting_at_destination][value=unknown_person]")
    page.check("input[name=knows_employer][value=no]")
    page.check("input[name=signs][value=fearful]")
    page.click("[data-testid=departure-submit]")

    verdict = page.locator("[data-testid=verdict]")
    verdict.wait_for()
    assert "risk-tinggi" in verdict.get_attribute("class")
    assert page.locator("[data-testid=reasons] li").count() >= 5
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screening = DepartureScreening.objects.get()
    assert screening.recommended_action == "refer_police"
    assert screening.officer == officer


def test_departure_form_missing_answers_on_a_phone(phone_page, imigrasi):
    officer = UserFactory(username="petugas2", agency=imigrasi, roles=[Role.CASE_WORKER])
    sign_in(phone_page, officer)
    phone_page.goto("/detection/departure/new/")
    phone_page.click("[data-testid=departure-submit]")
    assert phone_page.locator("[data-testid=form-errors]").is_visible()
    assert not DepartureScreening.objects.exists()
