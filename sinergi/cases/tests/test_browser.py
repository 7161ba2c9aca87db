"""The case pages in a real browser: one case from a community report to closure across four agencies, each
signed in with two factors in its own browser, and one short walk per page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sinergi.cases import services
from sinergi.cases.choices import AgeGroup, PartyRole
from sinergi.cases.models import Case, Referral
from sinergi.cases.tests.browsing import open_section
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import enrol_totp

pytestmark = pytest.mark.browser


@pytest.fixture
def open_as(_browser, live_server, transactional_db):
    """Signs a user in (password + TOTP) in a browser context of their own; returns the page."""
    contexts = []

    def open_page(user):
        secret = enrol_totp(user)
        context = _browser.new_context(base_url=live_server.url, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        # Generous: under a loaded CI runner a page with many forms can take seconds to answer.
        page.set_default_timeout(30_000)
        browser_sign_in(page, user.username, totp_secret=secret)
        page.wait_for_url(re.compile(r"/$"))
        return page

    yield open_page
    for context in contexts:
        context.close()


def success(page) -> str:
    return page.locator(".msg-success").first.inner_text()


def submit(page, selector: str, locator=None):
    """Clicks a button that posts a form and waits for the page the server answers with."""
    with page.expect_navigation():
        (locator or page).locator(selector).first.click()


def act(page, selector: str, section: str, locator=None) -> str:
    """Clicks an action of a case page section: HTMX answers with the section, no page load; returns the
    section's message."""
    message = page.locator(f"#section-{section} [data-testid=section-message]")
    if message.count():
        message.evaluate("el => el.remove()")
    (locator or page).locator(selector).first.click()
    message.wait_for()
    return message.inner_text()


def request_approval(worker, kind: str):
    worker.click("[data-testid=approval-request-open]")
    worker.select_option("#id_approval-kind", kind)
    assert "Pengesahan telah diajukan" in act(worker, "[data-testid=approval-request]", "summary")


def approve(supervisor, url: str, kind: str):
    supervisor.goto(url)
    assert "Keputusan pengesahan telah dicatat" in act(
        supervisor, f"[data-testid=approval-decide-{kind}]", "summary"
    )


def move(worker, stage: str):
    submit(worker, f"[data-testid=transition-{stage}]")
    assert "Tahap kasus telah dipindahkan" in success(worker)


def refer(worker, need: str, agency_name: str, reason: str):
    open_section(worker, "referrals")
    worker.click("[data-testid=referral-open]")
    worker.select_option("#id_referral-need", need)
    # The agency list follows the need (HTMX): wait for the list drawn for this need, then choose the agency.
    worker.wait_for_selector(f"#id_referral-to_agency option[data-need='{need}']", state="attached")
    worker.select_option("#id_referral-to_agency", label=agency_name)
    worker.fill("#id_referral-reason", reason)
    assert "Rujukan telah dikirim" in act(worker, "[data-testid=referral-submit]", "referrals")


def test_community_report_to_closure_across_four_agencies(open_as, cast):
    bp3mi, polda, uptd, dinsos = cast.bp3mi, cast.polda, cast.uptd, cast.dinsos

    # 1. BP3MI registers a community report with two victims, one of them a child.
    worker = open_as(bp3mi.worker)
    worker.goto("/cases/")
    worker.click("[data-testid=case-intake]")
    worker.select_option("#id_intake_channel", "COMMUNITY")
    worker.fill(
        "#id_narrative", "Tetangga melapor: dua warga direkrut calo lewat Facebook ke Johor, paspor ditahan."
    )
    worker.select_option("#id_destination_country", "MY")
    worker.fill("#id_victims-0-full_name", "Siti Rahmawati")
    worker.select_option("#id_victims-0-sex", "F")
    worker.select_option("#id_victims-0-age_group", "ADULT")
    worker.click("[data-testid=add-victim]")  # the row is added in place (JavaScript), no page load
    worker.fill("#id_victims-1-full_name", "Nur Aini")
    child_birth = timezone.localdate().replace(year=timezone.localdate().year - 15)
    worker.fill("#id_victims-1-birth_date", child_birth.isoformat())
    submit(worker, "[data-testid=intake-submit]")
    worker.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "telah dicatat" in success(worker)
    case = Case.objects.get()
    url = f"/cases/{case.pk}/"
    assert case.parties.filter(age_group=AgeGroup.CHILD).count() == 1

    # The child's guardian agrees to share her identity with the agencies on the case.
    open_section(worker, "parties")
    child = worker.locator("[data-testid=party]", has_text="Nur Aini")
    child.locator("select[name=consent]").select_option("GIVEN")
    assert "Persetujuan berbagi data telah dicatat" in act(
        worker, "[data-testid=consent-save]", "parties", locator=child
    )

    # 2. Verification, then the assessment approved by a supervisor, then referrals by need.
    move(worker, "assessment")
    request_approval(worker, "ASSESSMENT")
    supervisor = open_as(bp3mi.supervisor)
    approve(supervisor, url, "ASSESSMENT")
    worker.goto(url)
    move(worker, "referral")
    refer(worker, "INVESTIGATION", polda.agency.name, "Dugaan TPPO: mohon penyelidikan terhadap calo.")
    refer(worker, "SHELTER", uptd.agency.name, "Korban anak membutuhkan rumah aman.")
    refer(worker, "REHABILITATION", dinsos.agency.name, "Rehabilitasi sosial korban dewasa.")
    open_section(worker, "notes")
    worker.fill("#id_note-text", "Keluarga korban sudah dihubungi.")
    assert "Catatan telah ditambahkan" in act(worker, "[data-testid=note-submit]", "notes")

    # 3. The police accept from their inbox and see the case, but neither the child (no child-protection role)
    #    nor the adult (no consent yet); they record an investigation note and open the legal track.
    police = open_as(polda.worker)
    police.goto(url)
    assert police.locator("[data-testid=pending-notice]").is_visible()
    assert "Keluarga korban sudah dihubungi" not in police.content()
    police.goto("/cases/referrals/")
    row = police.locator(f"[data-testid=inbox-row][data-reference='{case.reference}']")
    row.locator("[data-testid=inbox-accept]").click()
    assert "Rujukan diterima" in row.locator("[data-testid=action-result]").inner_text()
    police.goto(url)
    open_section(police, "modus")
    assert "direkrut calo lewat Facebook" in police.locator("#section-modus").inner_text()
    open_section(police, "parties")
    assert police.locator("[data-testid=party-hidden]").count() == 2
    open_section(police, "notes")
    police.fill("#id_note-text", "LP/B/77/2026: calo teridentifikasi.")
    police.select_option("#id_note-sensitivity", "INVESTIGATION")
    act(police, "[data-testid=note-submit]", "notes")
    submit(police, "[data-testid=transition-police_report]")
    assert police.locator("[data-testid=legal-stage]").inner_text() == "Laporan polisi"

    # 4. UPTD PPA (child protection) accepts on the case page, sees the child, not the investigation; records a
    #    medical note and the services delivered.
    carer = open_as(uptd.worker)
    carer.goto(url)
    submit(carer, "[data-testid=referral-accept]")
    assert "Rujukan diterima" in success(carer)
    carer.goto(url)
    carer.click("[data-testid=open-all-sections]")  # the whole case, every section open
    carer.wait_for_url(re.compile(r"\?open=all$"))
    assert carer.locator("[data-testid=section-lazy]").count() == 0
    assert "Nur Aini" in carer.content()
    assert "LP/B/77/2026" not in carer.content()
    assert carer.locator("[data-testid=legal-stage]").count() == 0
    open_section(carer, "notes")
    carer.fill("#id_note-text", "Pemeriksaan medis: kondisi stabil, perlu konseling.")
    carer.select_option("#id_note-sensitivity", "CARE")
    act(carer, "[data-testid=note-submit]", "notes")
    open_section(carer, "referrals")
    row = carer.locator(f"[data-testid=referral-row][data-agency='{uptd.agency.code}']")
    row.locator("[data-testid=referral-report-open]").click()
    row.locator("textarea[name$='-description']").fill("Korban anak ditempatkan di rumah aman UPTD PPA.")
    assert "Layanan telah dilaporkan" in act(carer, "[data-testid=referral-report]", "referrals", locator=row)

    # 5. Dinsos declines with a reason and loses sight of the case.
    social = open_as(dinsos.worker)
    social.goto(url)
    panel = social.locator("[data-testid=my-referral]")
    panel.locator("[data-testid=referral-decline-open]").click()
    panel.locator("textarea[name$='-reason']").fill("Kapasitas balai rehabilitasi penuh bulan ini.")
    submit(social, "[data-testid=referral-decline]", locator=panel)
    assert "Rujukan ditolak" in success(social)
    assert social.goto(url).status == 404

    # What each agency sees now: the police never the medical note, the carers never the investigation note.
    police.goto(url + "?open=all")
    assert "LP/B/77/2026" in police.content() and "kondisi stabil" not in police.content()
    carer.goto(url + "?open=all")
    assert "kondisi stabil" in carer.content() and "LP/B/77/2026" not in carer.content()

    # 6. The lead closes the referral, the case plan is approved, the victim returns home, and the case is
    #    closed with its outcome after the supervisor's approval.
    worker.goto(url)
    open_section(worker, "referrals")
    done = f"[data-testid=referral-row][data-agency='{uptd.agency.code}'] [data-testid=referral-done]"
    assert "Rujukan ditandai selesai" in act(worker, done, "referrals")
    request_approval(worker, "CASE_PLAN")
    approve(supervisor, url, "CASE_PLAN")
    worker.goto(url)
    move(worker, "services")
    move(worker, "reintegration")
    move(worker, "monitoring")
    request_approval(worker, "CLOSURE")
    approve(supervisor, url, "CLOSURE")
    # Closing asks what happens to the police referral still open and for each victim's final status.
    worker.goto(url)
    submit(worker, "[data-testid=close-open]")
    worker.select_option("#id_outcome", "REINTEGRATED")
    worker.fill("#id_note", "Korban sudah kembali dan bekerja di desa asal.")
    for item in worker.locator("[data-testid=closure-item]").all():
        item.locator("input[value=DONE]").check()
    for status in worker.locator("select[name^=victim-]").all():
        status.select_option("CONFIRMED")
    submit(worker, "[data-testid=closure-submit]")
    assert worker.locator("[data-testid=case-closed]").is_visible()
    case.refresh_from_db()
    assert case.status == "CLOSED" and case.closure_reason == "REINTEGRATED"

    # 7. The timeline tells the story in one list.
    worker.click("[data-testid=tab-timeline]")
    kinds = worker.locator("[data-testid=timeline-entry]").evaluate_all("els => els.map(e => e.dataset.kind)")
    for kind in (
        "CREATED",
        "REFERRAL_ACCEPTED",
        "REFERRAL_DECLINED",
        "REFERRAL_SERVICES",
        "LEGAL_STEP",
        "CLOSED",
    ):
        assert kind in kinds, kind


# --- one walk per page ------------------------------------------------------------------------------------------


def test_list_filters_narrow_the_results_without_reload(open_as, cast, make_case):
    malaysia = make_case(destination_country="MY")
    cambodia = make_case(destination_country="KH", exploitation_types=["FORCED_CRIMINALITY"])
    page = open_as(cast.bp3mi.worker)
    page.goto("/cases/")
    assert page.locator("[data-testid=case-row]").count() == 2
    page.select_option("#id_exploitation_type", "FORCED_CRIMINALITY")
    page.wait_for_url(re.compile(r"exploitation_type=FORCED_CRIMINALITY"))
    rows = page.locator("[data-testid=case-row]")
    rows.first.wait_for()
    assert rows.count() == 1
    assert rows.first.get_attribute("data-reference") == cambodia.reference
    assert malaysia.reference not in page.locator("#case-results").inner_text()


def test_list_on_a_phone(phone_page, cast, make_case):
    case = make_case()
    browser_sign_in(phone_page, cast.bp3mi.worker.username, totp_secret=enrol_totp(cast.bp3mi.worker))
    phone_page.goto("/cases/")
    row = phone_page.locator("[data-testid=case-row]").first
    assert row.is_visible()
    assert case.reference in row.inner_text()
    # The table collapses into labelled blocks: no horizontal scrolling.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400


def test_intake_warns_of_a_duplicate_before_saving(open_as, cast, make_person):
    birth = timezone.localdate().replace(year=1996)
    person = make_person(cast.bp3mi.agency, full_name="Wati Lestari", birth_date=birth)
    earlier = services.case_intake(
        actor=cast.bp3mi.worker,
        intake_channel="HOTLINE",
        parties=[{"person": person, "role": PartyRole.VICTIM, "age_group": AgeGroup.ADULT}],
    )
    page = open_as(cast.bp3mi.worker)
    page.goto("/cases/intake/")
    page.select_option("#id_intake_channel", "WALK_IN")
    page.fill("#id_victims-0-full_name", "Wati Lestari")
    page.fill("#id_victims-0-birth_date", birth.isoformat())
    submit(page, "[data-testid=intake-submit]")
    warning = page.locator("[data-testid=duplicate-warning]")
    assert warning.is_visible()
    assert earlier.reference in page.locator("[data-testid=duplicate-hint]").inner_text()
    assert Case.objects.count() == 1
    submit(page, "[data-testid=intake-submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert Case.objects.count() == 2


def test_referral_inbox_decline_with_reason(open_as, cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    page = open_as(cast.uptd.worker)
    page.goto("/cases/")
    assert page.locator("[data-testid=nav-referrals] .badge").inner_text() == "1"
    page.click("[data-testid=nav-referrals]")
    row = page.locator("[data-testid=inbox-row]")
    row.locator("[data-testid=inbox-decline-open]").click()
    row.locator("textarea[name=reason]").fill("Bukan wilayah kami.")
    row.locator("[data-testid=inbox-decline]").click()
    assert "Rujukan ditolak" in row.locator("[data-testid=action-result]").inner_text()
    referral.refresh_from_db()
    assert referral.state == "DECLINED" and referral.answer_note == "Bukan wilayah kami."


def test_overdue_list_and_notifications(open_as, cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    Referral.objects.filter(pk=referral.pk).update(accept_by=timezone.now() - timedelta(hours=3))
    page = open_as(cast.uptd.worker)
    page.goto("/cases/overdue/")
    row = page.locator("[data-testid=overdue-row]")
    assert row.count() == 1 and case.reference in row.inner_text()
    page.goto("/cases/notifications/")
    notes = page.locator("[data-testid=notification]")
    assert notes.count() >= 1 and case.reference in notes.first.inner_text()
    notes.first.locator("[data-testid=mark-read]").click()
    page.wait_for_selector("[data-testid=notification]:first-child [data-testid=mark-read]", state="detached")


def test_metrics_page(open_as, cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    page = open_as(cast.uptd.supervisor)
    page.goto("/cases/metrics/")
    assert page.locator("[data-testid=metric-acceptance]").inner_text() != "—"
    assert page.locator("[data-testid=metric-overdue]").inner_text() == "0%"


def test_list_filter_by_region_with_the_autocomplete(open_as, cast, make_case, regions):
    village = regions.filter(level=4, code__startswith="63.71").order_by("code").first()
    elsewhere = regions.filter(level=4, code__startswith="52.").order_by("code").first()
    inside = make_case(origin_region=village)
    outside = make_case(origin_region=elsewhere)
    regency = regions.get(code="63.71")
    page = open_as(cast.bp3mi.worker)
    page.goto("/cases/")
    page.fill("#id_origin_region", regency.name)
    page.locator(".autocomplete-results button", has_text=regency.name).first.click()
    page.wait_for_url(re.compile(r"origin_region=63\.71"))
    rows = page.locator("[data-testid=case-row]")
    rows.first.wait_for()
    assert rows.count() == 1 and rows.first.get_attribute("data-reference") == inside.reference
    assert outside.reference not in page.locator("#case-results").inner_text()
