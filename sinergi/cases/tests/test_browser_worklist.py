"""The daily casework pages in a real browser, at a desk and on a phone: the worklist home, the supervisors'
approvals inbox, finding a case by person and the metrics charts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from sinergi.cases import services
from sinergi.cases.choices import AgeGroup, ApprovalState, IntakeChannel, PartyRole
from sinergi.cases.models import Approval, Referral
from sinergi.conftest import browser_sign_in
from sinergi.core.testing.factories import enrol_totp
from sinergi.people.models import Person
from sinergi.people.names import normalise_name

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 800}


@pytest.fixture
def open_as(_browser, live_server, transactional_db):
    """Signs a user in (password + TOTP) in a browser of their own, at a desk's or a phone's width."""
    contexts = []

    def open_page(user, viewport=DESK):
        secret = enrol_totp(user)
        context = _browser.new_context(base_url=live_server.url, locale="id-ID", viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        browser_sign_in(page, user.username, totp_secret=secret)
        page.wait_for_url(re.compile(r"/$"))
        return page

    yield open_page
    for context in contexts:
        context.close()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_worklist_shows_a_referral_to_answer_and_one_click_answers_it(open_as, cast, make_case, tmp_path):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman."
    )
    for viewport in (DESK, PHONE):
        page = open_as(cast.uptd.worker, viewport)
        section = page.locator("[data-testid=work-referrals]")
        assert section.locator("[data-testid=work-count]").inner_text() == "1"
        assert case.reference in section.inner_text()
        assert no_sideways_scroll(page)
        page.screenshot(path=str(tmp_path / f"worklist-{viewport['width']}.png"), full_page=True)
    section.locator(f"a:has-text('{case.reference}')").click()
    page.wait_for_url(re.compile(r"/cases/referrals/"))
    page.locator("[data-testid=inbox-accept]").first.click()
    page.wait_for_selector("[data-testid=action-result]")
    assert Referral.objects.get(pk=referral.pk).state == "ACCEPTED"
    page.goto("/")
    referrals = page.locator("[data-testid=work-referrals]")
    assert referrals.locator("[data-testid=work-count]").inner_text() == "0"
    # The accepted referral's services are now due within the week: it moved to that section.
    assert case.reference in page.locator("[data-testid=work-due_soon]").inner_text()


def test_supervisor_approves_and_rejects_from_the_inbox(open_as, cast, make_case):
    first, second = make_case(), make_case()
    approve = services.approval_request(actor=cast.bp3mi.worker, case=first, kind="ASSESSMENT")
    reject = services.approval_request(actor=cast.bp3mi.worker, case=second, kind="ASSESSMENT")
    page = open_as(cast.bp3mi.supervisor)
    approvals = page.locator("[data-testid=work-approvals]")
    assert approvals.locator("[data-testid=work-count]").inner_text() == "2"
    approvals.locator("[data-testid=work-act]").click()
    page.wait_for_url(re.compile(r"/cases/approvals/"))
    row = page.locator(f"[data-testid=approval-row][data-reference='{first.reference}']")
    row.locator("[data-testid=approval-approve]").click()
    row.locator("[data-testid=action-result]").wait_for()
    row = page.locator(f"[data-testid=approval-row][data-reference='{second.reference}']")
    row.locator("[data-testid=approval-reject-open]").click()
    row.locator("textarea").fill("Asesmen belum memuat kebutuhan korban.")
    row.locator("[data-testid=approval-reject]").click()
    row.locator("[data-testid=action-result]").wait_for()
    assert Approval.objects.get(pk=approve.pk).state == ApprovalState.APPROVED
    assert Approval.objects.get(pk=reject.pk).state == ApprovalState.REJECTED
    page.reload()
    assert "Tidak ada pengesahan yang menunggu keputusan Anda." in page.inner_text("main")


def test_find_a_case_by_a_name_spelt_otherwise_and_bad_input_on_a_phone(open_as, cast):
    worker = cast.bp3mi.worker
    name = "Moh. Rizki Pratama"
    recruiter = Person.objects.create(
        full_name=name,
        name_normalised=normalise_name(name),
        search_names=" " + normalise_name(name),
        owner_agency=worker.agency,
    )
    case = services.case_intake(
        actor=worker,
        intake_channel=IntakeChannel.COMMUNITY,
        narrative="Direkrut lewat Facebook.",
        parties=[{"person": recruiter, "role": PartyRole.RECRUITER, "age_group": AgeGroup.ADULT}],
    )
    page = open_as(worker, PHONE)
    page.goto("/cases/find/")
    page.fill("#id_q", "Muhammad Rizki")
    page.select_option("#id_role", "suspect")
    page.click("[data-testid=find-submit]")
    row = page.locator("[data-testid=find-row]")
    row.first.wait_for()
    assert row.count() == 1 and case.reference in row.first.inner_text() and name in row.first.inner_text()
    assert no_sideways_scroll(page)
    page.fill("#id_q", "637101500190000")
    page.click("[data-testid=find-submit]")
    page.wait_for_selector("text=NIK terdiri dari 16 digit; Anda mengetik 15.")
    assert page.locator("[data-testid=find-row]").count() == 0
    # The person's page lists the case.
    page.goto(f"/people/{recruiter.pk}/")
    assert case.reference in page.locator("[data-testid=person-cases]").inner_text()


def test_metrics_charts_read_at_a_desk_and_on_a_phone(open_as, cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    Referral.objects.filter(pk=referral.pk).update(answered_at=referral.created_at + timedelta(hours=5.5))
    for viewport in (DESK, PHONE):
        page = open_as(cast.uptd.supervisor, viewport)
        page.goto("/cases/metrics/")
        charts = page.locator("[data-testid=metric-charts] svg[role=img]")
        assert charts.count() == 3
        acceptance = page.locator("[data-testid=chart-acceptance] svg")
        assert "5,5 jam" in acceptance.inner_html()
        box = acceptance.bounding_box()
        assert box and box["width"] <= viewport["width"]
        assert no_sideways_scroll(page)
        assert page.locator("[data-testid=metric-month]").count() >= 3
