"""Daily casework in a real browser: the intake in one go with and without JavaScript, the case page's HTMX
sections, and the closure that settles what is open. Screenshots go to $SINERGI_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
import re

import pytest

from sinergi.cases import services
from sinergi.cases.choices import ApprovalKind, PartyRole, VictimStatus
from sinergi.cases.models import Case
from sinergi.cases.tests.browsing import open_section
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import enrol_totp

pytestmark = pytest.mark.browser


@pytest.fixture
def open_as(_browser, live_server, transactional_db):
    """Signs a user in (password + TOTP) in a desk-sized browser context of their own, with or without
    JavaScript; returns the page and counts its full page loads in `page.loads`."""
    contexts = []

    def open_page(user, *, javascript: bool = True):
        secret = enrol_totp(user)
        context = _browser.new_context(
            base_url=live_server.url,
            locale="id-ID",
            viewport={"width": 1280, "height": 900},
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        browser_sign_in(page, user.username, totp_secret=secret)
        page.wait_for_url(re.compile(r"/$"))
        page.loads = []
        page.on("load", lambda loaded: page.loads.append(loaded.url))
        return page

    yield open_page
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    folder = os.environ.get("SINERGI_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def submit(page, selector: str):
    with page.expect_navigation():
        page.locator(selector).first.click()


def fill_intake(page, cast, *, suspect_row: int):
    page.select_option("#id_intake_channel", "COMMUNITY")
    page.fill("#id_narrative", "Tetangga melapor: korban dibawa calo ke Johor, paspor ditahan.")
    page.select_option("#id_destination_country", "MY")
    page.fill("#id_victims-0-full_name", "Sri Wahyuningsih")
    page.select_option("#id_victims-0-sex", "F")
    page.fill("#id_suspects-0-name", "Bambang Sutrisno")
    page.check(f"#id_suspects-{suspect_row}-kind_1")
    page.check(f"#id_suspects-{suspect_row}-name_unknown")
    page.select_option(f"#id_suspects-{suspect_row}-organisation_kind", "UNLICENSED_AGENCY")
    page.fill("#id_reporter-full_name", "Hendra Gunawan")
    page.fill("#id_reporter-phone", "0812-3456-7890")
    for index, (need, agency) in enumerate(
        (("SHELTER", cast.uptd.agency), ("INVESTIGATION", cast.polda.agency))
    ):
        page.select_option(f"#id_referrals-{index}-need", need)
        page.select_option(f"#id_referrals-{index}-to_agency", str(agency.pk))
        page.fill(f"#id_referrals-{index}-reason", "Rujukan awal dari pencatatan kasus.")


def assert_registered(cast):
    case = Case.objects.get()
    assert case.assigned_to == cast.bp3mi.worker
    assert set(case.parties.values_list("role", flat=True)) == {"VICTIM", "RECRUITER", "REPORTER"}
    assert case.organisations.get().kind == "UNLICENSED_AGENCY"
    assert case.referrals.count() == 2
    return case


def test_intake_in_one_go_with_javascript(open_as, cast):
    page = open_as(cast.bp3mi.worker)
    page.goto("/cases/intake/")
    page.loads.clear()
    # The counter shows the limit; "add another suspect" adds the row in place, without a page load.
    assert page.locator("#id_narrative_counter").inner_text() == "0 / 20.000"
    page.click("[data-testid=add-suspect]")
    assert page.locator("#suspects-rows [data-testid=suspect-row]").count() == 2
    assert page.loads == []
    # A company row hides the person's fields, and the other way round.
    fill_intake(page, cast, suspect_row=1)
    assert page.locator("#id_suspects-1-nik").is_hidden()
    assert page.locator("#id_suspects-0-nik").is_visible()
    shot(page, "intake-js-filled")
    submit(page, "[data-testid=intake-submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert len(page.loads) == 1
    case = assert_registered(cast)
    assert case.reference in page.locator("h1").inner_text()
    waiting = page.locator("[data-testid=case-waiting]").inner_text()
    assert cast.uptd.agency.name in waiting and cast.polda.agency.name in waiting
    assert page.locator("[data-testid=case-worker]").inner_text() == cast.bp3mi.worker.get_full_name()
    shot(page, "case-after-intake")


def test_intake_in_one_go_without_javascript(open_as, cast):
    page = open_as(cast.bp3mi.worker, javascript=False)
    page.goto("/cases/intake/")
    # Every error in one round, each once beside its field.
    page.fill("#id_victims-0-full_name", "Sri Wahyuningsih")
    page.fill("#id_victims-0-nik", "123")
    page.fill("#id_victims-0-birth_date", "2999-01-01")
    page.fill("#id_referrals-0-reason", "Tanpa instansi")
    submit(page, "[data-testid=intake-submit]")
    errors = page.locator(".field-error .errorlist").all_inner_texts()
    assert any("16 angka" in e for e in errors) and any("masa depan" in e for e in errors)
    assert sum("Wajib untuk rujukan." in e for e in errors) == 2  # need and agency, once each
    shot(page, "intake-nojs-errors")
    page.fill("#id_victims-0-nik", "")
    page.fill("#id_victims-0-birth_date", "")
    page.fill("#id_referrals-0-reason", "")
    # Without JavaScript "add another suspect" asks the server for one more row; what was typed stays.
    submit(page, "[data-testid=add-suspect]")
    assert page.locator("[data-testid=suspect-row]").count() >= 2
    assert page.input_value("#id_victims-0-full_name") == "Sri Wahyuningsih"
    fill_intake(page, cast, suspect_row=1)
    submit(page, "[data-testid=intake-submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert_registered(cast)
    shot(page, "case-after-intake-nojs")


def test_case_page_is_short_and_its_actions_update_their_section(open_as, cast, make_case):
    case = make_case()
    services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    page = open_as(cast.bp3mi.worker)
    page.goto(f"/cases/{case.pk}/")
    # The summary is on top; every other section is folded until it is opened.
    assert page.evaluate("document.documentElement.scrollHeight") < 1800
    assert page.locator("details.case-section[open]").count() == 0
    assert cast.uptd.agency.name in page.locator("[data-testid=case-waiting]").inner_text()
    page.loads.clear()
    page.click("[data-testid=section-notes-open]")
    page.fill("#id_note-text", "Keluarga korban sudah dihubungi.")
    page.click("[data-testid=note-submit]")
    message = page.locator("#section-notes [data-testid=section-message]")
    message.wait_for()
    assert "Catatan telah ditambahkan" in message.inner_text()
    assert "Keluarga korban sudah dihubungi." in page.locator("#section-notes").inner_text()
    # A task created in its section appears among what waits in the summary, still without a page load.
    page.click("[data-testid=section-tasks-open]")
    page.click("[data-testid=task-open]")
    page.fill("#id_task-title", "Kunjungi keluarga di desa")
    page.click("[data-testid=task-submit]")
    page.locator("#section-tasks [data-testid=section-message]").wait_for()
    assert "Kunjungi keluarga di desa" in page.locator("[data-testid=case-waiting]").inner_text()
    # A refused action comes back in its section with the message beside the field, once.
    page.click("[data-testid=task-open]")
    page.fill("#id_task-title", "Tugas lampau")
    page.fill("#id_task-due_at", "2001-01-01T10:00")
    page.click("[data-testid=task-submit]")
    page.locator("#section-tasks .errorlist").first.wait_for()
    assert page.locator("#section-tasks").inner_text().count("Pilih tanggal di masa depan.") == 1
    assert page.loads == []
    shot(page, "case-page-htmx")


def test_closure_settles_what_is_open_and_sets_the_victims_status(open_as, cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    approval = services.approval_request(actor=cast.bp3mi.worker, case=case, kind=ApprovalKind.CLOSURE)
    services.approval_decide(actor=cast.bp3mi.supervisor, approval=approval, approve=True)
    page = open_as(cast.bp3mi.worker)
    page.goto(f"/cases/{case.pk}/")
    submit(page, "[data-testid=close-open]")
    assert page.locator("[data-testid=closure-approved]").is_visible()
    page.select_option("#id_outcome", "SERVICES_COMPLETED")
    submit(page, "[data-testid=closure-submit]")
    errors = page.locator("[data-testid=closure-errors]").inner_text()
    assert "Kasus tidak ditutup" in errors and cast.uptd.agency.name in errors
    assert Case.objects.get(pk=case.pk).status == "OPEN"
    shot(page, "closure-refused")
    item = page.locator("[data-testid=closure-item]").first
    item.locator("input[value=DONE]").check()
    victim = case.parties.get(role=PartyRole.VICTIM)
    page.select_option(f"#id_victim-{victim.pk}", VictimStatus.CONFIRMED)
    submit(page, "[data-testid=closure-submit]")
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    assert page.locator("[data-testid=case-closed]").is_visible()
    victim.refresh_from_db()
    referral.refresh_from_db()
    assert victim.victim_status == VictimStatus.CONFIRMED and referral.state == "DONE"
    open_section(page, "parties")
    assert "Korban terkonfirmasi" in page.locator("#section-parties").inner_text()
    shot(page, "case-closed")


def test_intake_narrows_agencies_to_the_need_and_proposes_the_provinces_only_one(open_as, cast):
    from sinergi.cases.tests.test_casework import in_provinces

    other_police = in_provinces(cast)
    page = open_as(cast.bp3mi.worker)
    page.goto("/cases/intake/")
    agencies = "#id_referrals-0-to_agency"

    def choosable():
        return set(
            page.locator(f"{agencies} option:not([disabled])").evaluate_all(
                "els => els.filter(e => e.value).map(e => e.textContent)"
            )
        )

    # Investigation: the police only, and the one of South Kalimantan chosen, with a word saying so.
    page.select_option("#id_referrals-0-need", "INVESTIGATION")
    assert choosable() == {cast.polda.agency.name, other_police.name}
    assert page.input_value(agencies) == str(cast.polda.agency.pk)
    note = page.locator("[data-testid=intake-referral-row]").first.locator("[data-testid=agency-proposed]")
    assert note.is_visible() and "satu-satunya instansi" in note.inner_text()
    shot(page, "intake-agency-proposed")
    # Shelter: two agencies of the province receive it, so the choice is the user's.
    page.select_option("#id_referrals-0-need", "SHELTER")
    assert choosable() == {cast.uptd.agency.name, cast.dinsos.agency.name}
    assert page.input_value(agencies) == "" and note.is_hidden()
    # A choice the user made stays when it still fits the need.
    page.select_option(agencies, str(cast.dinsos.agency.pk))
    page.select_option("#id_referrals-0-need", "URGENT_FIRST_AID")
    assert page.input_value(agencies) == str(cast.dinsos.agency.pk) and note.is_hidden()

    # A suspect named "PT ..." becomes a company, and the row says why; the user's own choice is kept after.
    page.fill("#id_suspects-0-name", "PT Maju Sejahtera Abadi")
    assert page.is_checked("#id_suspects-0-kind_1")
    assert page.locator("#id_suspects-0-organisation_kind").is_visible()
    assert page.locator("#id_suspects-0-nik").is_hidden()
    kind_note = page.locator("[data-testid=kind-proposed]").first
    assert kind_note.is_visible() and "PT" in kind_note.inner_text()
    shot(page, "intake-suspect-company")
    page.fill("#id_suspects-0-name", "Pratama Wijaya")
    assert page.is_checked("#id_suspects-0-kind_0") and kind_note.is_hidden()
    page.fill("#id_suspects-0-name", "PT Maju Sejahtera Abadi")
    page.check("#id_suspects-0-kind_0")
    page.fill("#id_suspects-0-name", "PT Maju Sejahtera Abadi (pemilik)")
    assert page.is_checked("#id_suspects-0-kind_0") and kind_note.is_hidden()


def test_intake_without_javascript_lists_every_agency_and_the_server_checks_the_need(open_as, cast):
    from sinergi.cases.tests.test_casework import in_provinces

    in_provinces(cast)
    page = open_as(cast.bp3mi.worker, javascript=False)
    page.goto("/cases/intake/")
    page.select_option("#id_referrals-0-need", "INVESTIGATION")
    # Nothing narrows without the script: every agency is there, and picking the shelter is refused.
    assert page.locator("#id_referrals-0-to_agency option:not([disabled])").count() >= 5
    page.fill("#id_victims-0-full_name", "Sri Wahyuningsih")
    page.select_option("#id_referrals-0-to_agency", str(cast.uptd.agency.pk))
    page.fill("#id_referrals-0-reason", "Selidiki calo.")
    submit(page, "[data-testid=intake-submit]")
    errors = page.locator("#id_referrals-0-to_agency_field .errorlist").all_inner_texts()
    assert errors == ["Instansi ini tidak menerima kebutuhan ini."]
    assert not Case.objects.exists()
    page.select_option("#id_referrals-0-to_agency", str(cast.polda.agency.pk))
    submit(page, "[data-testid=intake-submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert Case.objects.get().referrals.get().to_agency == cast.polda.agency
