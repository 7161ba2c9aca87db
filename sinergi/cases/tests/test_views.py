"""The case pages: list, intake, detail and its actions, timeline, inboxes, overdue, notifications, metrics.

Each page is tried as anonymous, wrong role, wrong agency and permitted; refusals change nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sinergi.agencies.choices import Role
from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.cases import selectors, services
from sinergi.cases.choices import (
    AgeGroup,
    ApprovalKind,
    Consent,
    PartyRole,
    ReferralState,
    Sensitivity,
)
from sinergi.cases.models import Approval, Case, CaseEvent, Document, Note, Notification, Referral, Task
from sinergi.conftest import sign_in
from sinergi.core.testing.factories import UserFactory
from sinergi.core.testing.permissions import assert_permission_matrix, db_snapshot

pytestmark = pytest.mark.django_db


def client_for(user):
    return sign_in(Client(), user)


def detail_url(case):
    return reverse("cases:detail", args=[case.pk])


def whole_page_url(case):
    """The case page with every section open: what a reader of the case can reach on it."""
    return f"{detail_url(case)}?open=all"


def pfx(prefix, **data):
    """Form data under a form prefix, as the case page posts it."""
    return {f"{prefix}-{key}": value for key, value in data.items()}


def refer(case, cast, staff, need):
    return services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=staff.agency, need=need, reason="Mohon ditangani."
    )


# --- list -----------------------------------------------------------------------------------------------------


def test_list_shows_only_cases_in_scope_with_filters(cast, make_case):
    mine = make_case(destination_country="MY", exploitation_types=["FORCED_LABOUR"])
    khm = make_case(destination_country="KH", exploitation_types=["FORCED_CRIMINALITY"])
    other = make_case(cast.uptd.worker)
    client = client_for(cast.bp3mi.worker)

    body = client.get(reverse("cases:index")).content.decode()
    assert mine.reference in body and khm.reference in body
    assert other.reference not in body

    body = client.get(reverse("cases:index"), {"destination_country": "KH"}).content.decode()
    assert khm.reference in body and mine.reference not in body

    body = client.get(reverse("cases:index"), {"exploitation_type": "FORCED_LABOUR"}).content.decode()
    assert mine.reference in body and khm.reference not in body


def test_list_search_and_bad_filter_values_never_fail(cast, make_case):
    make_case(narrative="Dijanjikan kerja di pabrik sarung tangan di Selangor.")
    other = make_case(narrative="Kapal ikan di perairan Somalia.")
    client = client_for(cast.bp3mi.worker)
    response = client.post(reverse("cases:index"), {"q": "sarung tangan"})
    assert response.status_code == 200
    assert other.reference not in response.content.decode()
    for params in (
        {"reported_from": "kemarin"},
        {"lead_agency": "abc"},
        {"origin_region": "99.99"},
        {"page": "x"},
        {"stage": "<script>"},
    ):
        assert client.get(reverse("cases:index"), params).status_code == 200


def test_list_htmx_returns_only_the_results(cast, make_case):
    case = make_case()
    response = client_for(cast.bp3mi.worker).get(reverse("cases:index"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="case-results"')
    assert case.reference in body


def test_list_overdue_badge_and_filter(cast, make_case):
    late = make_case()
    fresh = make_case()
    Case.objects.filter(pk=late.pk).update(stage_due_at=timezone.now() - timedelta(hours=2))
    Case.objects.filter(pk=fresh.pk).update(stage_due_at=timezone.now() + timedelta(hours=20))
    client = client_for(cast.bp3mi.worker)
    body = client.get(reverse("cases:index")).content.decode()
    row = body.split(f'data-reference="{late.reference}"')[1].split("</tr>")[0]
    assert "overdue-badge" in row
    row = body.split(f'data-reference="{fresh.reference}"')[1].split("</tr>")[0]
    assert "overdue-badge" not in row
    body = client.get(reverse("cases:index"), {"overdue": "on"}).content.decode()
    assert late.reference in body and fresh.reference not in body


def test_list_row_shows_each_column_escaped_in_the_readers_language(cast, make_case):
    case = make_case(destination_country="MY", destination_city="<b>Johor</b> & Kulai")
    worker = cast.bp3mi.worker
    worker.first_name, worker.last_name = "Siti <i>", "Aminah"
    worker.save()
    Case.objects.filter(pk=case.pk).update(
        assigned_to=worker, status="CLOSED", closure_reason="SERVICES_COMPLETED", closed_at=timezone.now()
    )
    client = client_for(worker)
    body = client.get(reverse("cases:index"), {"status": "CLOSED"}).content.decode()
    row = body.split(f'data-reference="{case.reference}"')[1].split("</tr>")[0]
    assert f'<a href="{detail_url(case)}">{case.reference}</a>' in row
    assert "Malaysia, &lt;b&gt;Johor&lt;/b&gt; &amp; Kulai" in row
    assert "Siti &lt;i&gt; Aminah" in row and "<i>" not in row
    assert '<span class="badge">Ditutup</span>' in row  # Indonesian first
    assert '<span class="cell-label">Tahap</span>' in row
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("cases:index"), {"status": "CLOSED"}).content.decode()
    row = body.split(f'data-reference="{case.reference}"')[1].split("</tr>")[0]
    assert '<span class="badge">Closed</span>' in row and '<span class="cell-label">Stage</span>' in row


def test_list_query_count_does_not_grow_with_rows(cast, make_case, django_assert_max_num_queries):
    client = client_for(cast.bp3mi.worker)
    make_case()
    client.get(reverse("cases:index"))  # warm the flow cache
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("cases:index"))
    for _ in range(6):
        make_case(victims=2)
    # Every column a row shows filled in, so that one read lazily would show as a query per row.
    from sinergi.regions.models import Region

    province = Region.objects.create(code="63", digits="63", name="Kalimantan Selatan", level=1)
    region = Region.objects.create(
        code="63.71",
        digits="6371",
        name="Kota Banjarmasin",
        level=2,
        parent=province,
        path_name="Kota Banjarmasin, Kalimantan Selatan",
    )
    Case.objects.update(assigned_to=cast.bp3mi.worker, origin_region=region, destination_city="Johor Bahru")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cases:index"))
    body = response.content.decode()
    assert body.count('data-testid="case-row"') == 7
    assert body.count("Johor Bahru") == 7 and body.count(cast.bp3mi.worker.get_full_name()) >= 7
    assert body.count("Kota Banjarmasin, Kalimantan Selatan") == 7


def test_list_stops_counting_at_the_cap_and_says_there_are_more(cast, make_case, monkeypatch):
    from sinergi.cases.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr("sinergi.cases.views.case_detail.PAGE_SIZE", 2)
    for _ in range(5):
        make_case()
    client = client_for(cast.bp3mi.worker)
    body = client.get(reverse("cases:index")).content.decode()
    assert "Lebih dari 3 kasus" in body
    assert "Halaman 1 dari lebih dari 2" in body
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    body = client.get(reverse("cases:index")).content.decode()
    assert "5 kasus" in body and "Lebih dari" not in body
    assert "Halaman 1 dari 3" in body


def test_paging_a_capped_list_shows_every_case_once_newest_first_up_to_the_cap(cast, make_case, monkeypatch):
    from sinergi.cases.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 5)
    monkeypatch.setattr("sinergi.cases.views.case_detail.PAGE_SIZE", 2)
    cases = [make_case() for _ in range(7)]
    newest_first = [
        case.reference for case in sorted(cases, key=lambda c: (c.reported_at, c.pk), reverse=True)
    ]
    client = client_for(cast.bp3mi.worker)
    pages = []
    for number in (1, 2, 3, 4):
        body = client.get(reverse("cases:index"), {"page": number}).content.decode()
        pages.append(re.findall(r'data-testid="case-row" data-reference="([^"]+)"', body))
    # Pages of 2 up to the cap of 5: the third page holds the fifth case; a page past the last shows the last.
    assert pages[:3] == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    assert pages[3] == pages[2]


def test_list_anonymous_redirects_and_roles_without_cases_see_none(cast, make_case):
    case = make_case()
    assert Client().get(reverse("cases:index")).status_code == 302
    analyst = UserFactory(agency=cast.bp3mi.agency, roles=[Role.ANALYST])
    body = client_for(analyst).get(reverse("cases:index")).content.decode()
    assert case.reference not in body


# --- detail and need-to-know -----------------------------------------------------------------------------------


@pytest.fixture
def shared_case(cast, make_person):
    """A case led by BP3MI with a child and an adult victim (no consent yet), accepted referrals to the police
    and UPTD PPA, a pending one to Dinsos; notes of each sensitivity; a legal-track step by the police."""
    lead = cast.bp3mi.worker
    child = make_person(lead.agency, full_name="Nur Aini Anak")
    adult = make_person(lead.agency, full_name="Siti Dewasa Rahma")
    case = services.case_intake(
        actor=lead,
        intake_channel="COMMUNITY",
        narrative="Direkrut lewat Facebook, paspor ditahan di Johor.",
        destination_country="MY",
        parties=[
            {"person": child, "role": PartyRole.VICTIM, "age_group": AgeGroup.CHILD},
            {"person": adult, "role": PartyRole.VICTIM, "age_group": AgeGroup.ADULT},
        ],
    )
    police = refer(case, cast, cast.polda, "INVESTIGATION")
    shelter = refer(case, cast, cast.uptd, "SHELTER")
    refer(case, cast, cast.dinsos, "REHABILITATION")
    services.referral_accept(actor=cast.polda.worker, referral=police)
    services.referral_accept(actor=cast.uptd.worker, referral=shelter)
    services.note_add(actor=lead, case=case, text="Catatan umum koordinasi.", sensitivity=Sensitivity.GENERAL)
    services.note_add(
        actor=cast.polda.worker,
        case=case,
        text="Penyidik: nomor LP/123/TPPO.",
        sensitivity=Sensitivity.INVESTIGATION,
    )
    services.note_add(
        actor=cast.uptd.worker,
        case=case,
        text="Medis: luka memar, trauma berat.",
        sensitivity=Sensitivity.CARE,
    )
    case.refresh_from_db()
    services.case_transition(actor=cast.polda.worker, case=case, to_stage="police_report")
    case.refresh_from_db()
    return case


def page_of(user, case):
    response = client_for(user).get(whole_page_url(case))
    return response.status_code, response.content.decode()


def test_a_closed_sections_count_is_what_the_opened_section_lists_for_each_reader(cast, shared_case):
    def section_count(page: str, section: str) -> int:
        head = page.split(f'id="section-{section}"', 1)[1]
        return int(re.search(r'data-testid="section-count">(\d+)<', head).group(1))

    for kind in ("RECRUITMENT", "TRANSIT"):
        services.route_event_add(actor=cast.bp3mi.worker, case=shared_case, kind=kind)
    seen = {}
    for user in (cast.bp3mi.worker, cast.polda.worker, cast.uptd.worker):
        client = client_for(user)
        closed = client.get(reverse("cases:detail", args=[shared_case.pk])).content.decode()
        for section, item in (("notes", 'data-testid="note"'), ("route", "<li"), ("documents", "<li")):
            opened = client.get(
                reverse("cases:section", args=[shared_case.pk, section]), headers={"HX-Request": "true"}
            ).content.decode()
            listed = opened.split("</summary>", 1)[1].count(item)
            assert section_count(closed, section) == section_count(opened, section) == listed, (user, section)
        seen[user.username] = section_count(closed, "notes")
    # The lead reads the three notes; the police not the medical one, the shelter not the investigation's.
    assert sorted(seen.values()) == [2, 2, 3]
    assert section_count(closed, "route") == 2


def test_the_search_finds_a_case_by_the_words_of_the_notes_each_reader_may_read(cast, shared_case):
    def finds(user, words: str) -> bool:
        page = client_for(user).post(reverse("cases:index"), {"q": words}).content.decode()
        return f'data-reference="{shared_case.reference}"' in page

    general, investigation, care = "koordinasi", "Penyidik", "memar"
    # The lead reads every note; the police the investigation's, not the medical; the shelter the reverse.
    assert all(finds(cast.bp3mi.worker, word) for word in (general, investigation, care))
    assert finds(cast.polda.worker, general) and finds(cast.polda.worker, investigation)
    assert not finds(cast.polda.worker, care)
    assert finds(cast.uptd.worker, general) and finds(cast.uptd.worker, care)
    assert not finds(cast.uptd.worker, investigation)
    # Dinsos was referred but has not accepted: no note of the case finds it.
    assert not any(finds(cast.dinsos.worker, word) for word in (general, investigation, care))
    # A note written now is found at once.
    services.note_add(actor=cast.uptd.worker, case=shared_case, text="Kunjungan rumah aman hari Kamis.")
    assert finds(cast.polda.worker, "Kamis") and finds(cast.bp3mi.worker, "kunjungan kamis")


def test_each_agency_sees_exactly_what_need_to_know_allows(cast, shared_case):
    case = shared_case
    # Lead (case worker of BP3MI): everything, the child's identity included.
    status, body = page_of(cast.bp3mi.worker, case)
    assert status == 200
    for text in (
        "Direkrut lewat Facebook",
        "Catatan umum",
        "LP/123/TPPO",
        "luka memar",
        "Nur Aini Anak",
        "Siti Dewasa",
    ):
        assert text in body, text
    assert 'data-testid="legal-stage"' in body

    # Police (accepted investigation referral): investigation, not medical notes; no victim identity without consent.
    status, body = page_of(cast.polda.worker, case)
    assert status == 200
    assert "Direkrut lewat Facebook" in body and "LP/123/TPPO" in body and "Catatan umum" in body
    assert "luka memar" not in body
    assert "Nur Aini Anak" not in body and "Siti Dewasa" not in body
    assert 'data-testid="party-hidden"' in body
    assert 'data-testid="legal-stage"' in body

    # UPTD PPA (accepted shelter referral, child-protection role): medical notes, the child, not investigation.
    status, body = page_of(cast.uptd.worker, case)
    assert status == 200
    assert "luka memar" in body and "Catatan umum" in body
    assert "LP/123/TPPO" not in body
    assert 'data-testid="legal-stage"' not in body
    assert "Siti Dewasa" not in body  # adult, no consent

    # Dinsos (pending referral): the summary only.
    status, body = page_of(cast.dinsos.worker, case)
    assert status == 200
    assert 'data-testid="pending-notice"' in body
    for text in ("Direkrut lewat Facebook", "Catatan umum", "LP/123/TPPO", "luka memar", "Nur Aini", "Siti"):
        assert text not in body, text
    assert case.reference in body and 'data-testid="referral-accept"' in body

    # The child's identity: UPTD's case worker without the child-protection role does not see it.
    uptd_plain = UserFactory(agency=cast.uptd.agency, roles=[Role.CASE_WORKER])
    status, body = page_of(uptd_plain, case)
    assert "Nur Aini Anak" not in body


def test_consent_then_override_reveal_identity_to_participants(cast, shared_case):
    case = shared_case
    adult = case.parties.get(person__full_name="Siti Dewasa Rahma")
    lead = client_for(cast.bp3mi.worker)
    response = lead.post(reverse("cases:consent", args=[case.pk, adult.pk]), {"consent": Consent.GIVEN})
    assert response.status_code == 302
    assert "Siti Dewasa" in page_of(cast.polda.worker, case)[1]
    child = case.parties.get(age_group=AgeGroup.CHILD)
    # Override without a reason: refused, nothing shared.
    response = lead.post(
        reverse("cases:share_override", args=[case.pk, child.pk]),
        pfx(f"override-{child.pk}", agency=cast.polda.agency.pk, reason=" "),
    )
    assert response.status_code == 400
    assert not child.share_overrides.exists()
    response = lead.post(
        reverse("cases:share_override", args=[case.pk, child.pk]),
        pfx(
            f"override-{child.pk}",
            agency=cast.polda.agency.pk,
            reason="Penyidikan mendesak, korban tidak dapat dihubungi.",
        ),
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.SHARE_OVERRIDE).exists()


def test_out_of_scope_agency_gets_404_and_no_view_audit(cast, shared_case):
    before = AuditEntry.objects.filter(action=AuditAction.VIEW).count()
    for user in (cast.kbri.worker, cast.lpsk.worker):
        assert client_for(user).get(detail_url(shared_case)).status_code == 404
        assert client_for(user).get(reverse("cases:timeline", args=[shared_case.pk])).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.VIEW).count() == before
    client_for(cast.bp3mi.worker).get(detail_url(shared_case))
    assert AuditEntry.objects.filter(action=AuditAction.VIEW).count() == before + 1


def test_timeline_lists_events_the_viewer_may_see(cast, shared_case):
    body = (
        client_for(cast.bp3mi.worker).get(reverse("cases:timeline", args=[shared_case.pk])).content.decode()
    )
    assert body.count('data-testid="timeline-entry"') == CaseEvent.objects.filter(case=shared_case).count()
    uptd = client_for(cast.uptd.worker).get(reverse("cases:timeline", args=[shared_case.pk])).content.decode()
    assert 'data-kind="LEGAL_STEP"' not in uptd and 'data-kind="LEGAL_STEP"' in body
    assert (
        client_for(cast.dinsos.worker).get(reverse("cases:timeline", args=[shared_case.pk])).status_code
        == 404
    )


def test_the_first_step_of_the_legal_track_reads_as_a_start_not_a_dash(cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="Calo"
    )
    services.referral_accept(actor=cast.polda.worker, referral=referral)
    police = UserFactory(username="penyidik", agency=cast.polda.agency, roles=[Role.INVESTIGATOR])
    services.case_transition(actor=police, case=case, to_stage="police_report")
    services.case_transition(actor=police, case=case, to_stage="investigation")
    body = client_for(cast.bp3mi.worker).get(reverse("cases:timeline", args=[case.pk])).content.decode()
    assert "dimulai pada Laporan polisi" in body
    assert "Laporan polisi → Penyidikan" in body
    assert "— →" not in body


# --- actions ----------------------------------------------------------------------------------------------------


def test_transition_conflict_keeps_the_note_and_changes_nothing(cast, make_case):
    case = make_case()
    client = client_for(cast.bp3mi.worker)
    stale = case.version
    services.case_update(
        actor=cast.bp3mi.supervisor, case=case, expected_version=stale, promised_job="Pelayan"
    )
    response = client.post(
        reverse("cases:transition", args=[case.pk]),
        pfx("move", to_stage="assessment", version=stale, note="Korban sudah dihubungi lewat telepon."),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Korban sudah dihubungi lewat telepon." in body
    case.refresh_from_db()
    assert case.stage == "reported"
    assert not Note.objects.filter(case=case).exists()
    # The page now carries the current version: the same move goes through.
    response = client.post(
        reverse("cases:transition", args=[case.pk]),
        pfx(
            "move", to_stage="assessment", version=case.version, note="Korban sudah dihubungi lewat telepon."
        ),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "assessment"


def test_transition_needing_approval_is_refused_with_the_message(cast, make_case):
    case = make_case()
    client = client_for(cast.bp3mi.worker)
    client.post(
        reverse("cases:transition", args=[case.pk]), pfx("move", to_stage="assessment", version=case.version)
    )
    case.refresh_from_db()
    response = client.post(
        reverse("cases:transition", args=[case.pk]), pfx("move", to_stage="referral", version=case.version)
    )
    assert response.status_code == 400
    assert "pengesahan atasan" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == "assessment"


def test_transition_matrix(cast, make_case):
    case = make_case()
    url = reverse("cases:transition", args=[case.pk])
    assert_permission_matrix(
        Client(),
        url=url,
        method="post",
        data=pfx("move", to_stage="assessment", version=case.version),
        denied=[(cast.bp3mi.reader, 403), (cast.polda.worker, 404)],
        allowed=[(cast.bp3mi.worker, 302)],
        snapshot=db_snapshot(Case.objects.filter(pk=case.pk), CaseEvent),
    )


def test_referral_accept_decline_by_addressee_only(cast, make_case):
    case = make_case()
    referral = refer(case, cast, cast.uptd, "SHELTER")
    accept = reverse("cases:referral_accept", args=[case.pk, referral.pk])
    assert_permission_matrix(
        Client(),
        url=accept,
        method="post",
        data={},
        denied=[(cast.polda.worker, 404), (cast.bp3mi.worker, 403)],
        allowed=[(cast.uptd.worker, 302)],
        snapshot=db_snapshot(Referral.objects.filter(pk=referral.pk), CaseEvent),
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    # Declining an accepted referral: refused with the service's message, nothing changed.
    response = client_for(cast.uptd.worker).post(
        reverse("cases:referral_decline", args=[case.pk, referral.pk]), {"reason": "Penuh"}
    )
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED


def test_referral_create_errors_shown_on_the_form(cast, make_case):
    case = make_case()
    client = client_for(cast.bp3mi.worker)
    url = reverse("cases:referral_create", args=[case.pk])
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        pfx(
            "referral", need="SHELTER", to_agency=cast.uptd.agency.pk, reason="Butuh rumah aman", due_at=past
        ),
    )
    assert response.status_code == 400
    assert "Butuh rumah aman" in response.content.decode()
    response = client.post(
        url, pfx("referral", need="INVESTIGATION", to_agency=cast.uptd.agency.pk, reason="Selidiki")
    )
    assert response.status_code == 400
    assert not Referral.objects.filter(case=case).exists()
    response = client.post(
        url, pfx("referral", need="SHELTER", to_agency=cast.uptd.agency.pk, reason="Butuh rumah aman")
    )
    assert response.status_code == 302
    assert Referral.objects.get(case=case).to_agency == cast.uptd.agency


def test_referral_agencies_options_follow_the_flow(cast, make_case):
    case = make_case()
    body = (
        client_for(cast.bp3mi.worker)
        .get(reverse("cases:referral_agencies", args=[case.pk]), {"need": "INVESTIGATION"})
        .content.decode()
    )
    assert cast.polda.agency.name in body and cast.uptd.agency.name not in body
    assert (
        client_for(cast.polda.worker).get(reverse("cases:referral_agencies", args=[case.pk])).status_code
        == 404
    )


def test_services_done_and_revoke(cast, make_case):
    case = make_case()
    referral = refer(case, cast, cast.uptd, "SHELTER")
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    uptd = client_for(cast.uptd.worker)
    response = uptd.post(
        reverse("cases:referral_services", args=[case.pk, referral.pk]),
        pfx(
            f"services-{referral.pk}",
            description="Ditempatkan di rumah aman",
            delivered_on=timezone.localdate().isoformat(),
        ),
    )
    assert response.status_code == 302
    assert referral.services.count() == 1
    # The addressee may not mark it done: that is the lead's.
    assert uptd.post(reverse("cases:referral_done", args=[case.pk, referral.pk])).status_code == 403
    lead = client_for(cast.bp3mi.worker)
    assert lead.post(reverse("cases:referral_done", args=[case.pk, referral.pk])).status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.DONE
    other = refer(case, cast, cast.polda, "INVESTIGATION")
    assert (
        lead.post(reverse("cases:referral_revoke", args=[case.pk, other.pk]), {"reason": ""}).status_code
        == 400
    )
    assert (
        lead.post(
            reverse("cases:referral_revoke", args=[case.pk, other.pk]), {"reason": "Salah alamat"}
        ).status_code
        == 302
    )
    other.refresh_from_db()
    assert other.state == ReferralState.REVOKED


def test_lead_transfer_request_and_accept(cast, make_case):
    case = make_case()
    lead = client_for(cast.bp3mi.worker)
    response = lead.post(
        reverse("cases:transfer_request", args=[case.pk]),
        pfx("transfer", to_agency=cast.polda.agency.pk, reason="Kasus pidana berat"),
    )
    assert response.status_code == 302
    transfer = case.transfers.get()
    body = client_for(cast.polda.supervisor).get(reverse("cases:transfer_inbox")).content.decode()
    assert case.reference in body
    assert (
        client_for(cast.uptd.worker)
        .post(reverse("cases:transfer_accept", args=[case.pk, transfer.pk]))
        .status_code
        == 404
    )
    response = client_for(cast.polda.supervisor).post(
        reverse("cases:transfer_accept", args=[case.pk, transfer.pk])
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead_agency == cast.polda.agency


def test_approval_request_and_decision(cast, make_case):
    case = make_case()
    response = client_for(cast.bp3mi.worker).post(
        reverse("cases:approval_request", args=[case.pk]), pfx("approval", kind=ApprovalKind.ASSESSMENT)
    )
    assert response.status_code == 302
    approval = Approval.objects.get(case=case)
    url = reverse("cases:approval_decide", args=[case.pk, approval.pk])
    # A case worker cannot decide; a supervisor must give a reason to reject.
    assert (
        client_for(cast.bp3mi.worker).post(url, pfx(f"decide-{approval.pk}", decision="approve")).status_code
        == 403
    )
    supervisor = client_for(cast.bp3mi.supervisor)
    assert supervisor.post(url, pfx(f"decide-{approval.pk}", decision="reject", note="")).status_code == 400
    assert supervisor.post(url, pfx(f"decide-{approval.pk}", decision="approve")).status_code == 302
    approval.refresh_from_db()
    assert approval.state == "APPROVED"


def test_note_sensitivity_limited_to_what_the_agency_may_write(cast, shared_case):
    uptd = client_for(cast.uptd.worker)
    url = reverse("cases:note_add", args=[shared_case.pk])
    count = Note.objects.count()
    response = uptd.post(
        url, pfx("note", text="Catatan penyidikan palsu", sensitivity=Sensitivity.INVESTIGATION)
    )
    assert response.status_code == 400
    assert "Catatan penyidikan palsu" in response.content.decode()
    assert Note.objects.count() == count
    assert (
        uptd.post(url, pfx("note", text="Kontrol psikolog", sensitivity=Sensitivity.CARE)).status_code == 302
    )
    assert Note.objects.count() == count + 1
    # Dinsos (pending) may not write at all.
    assert client_for(cast.dinsos.worker).post(
        url, pfx("note", text="x", sensitivity="GENERAL")
    ).status_code in (
        400,
        403,
    )
    assert Note.objects.count() == count + 1


def test_task_create_and_complete(cast, make_case):
    case = make_case()
    client = client_for(cast.bp3mi.worker)
    due = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("cases:task_create", args=[case.pk]),
        pfx("task", title="Hubungi keluarga", owner=cast.bp3mi.supervisor.pk, due_at=due),
    )
    assert response.status_code == 302
    task = Task.objects.get(case=case)
    past = (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("cases:task_create", args=[case.pk]),
        pfx("task", title="Terlambat", owner=cast.bp3mi.supervisor.pk, due_at=past),
    )
    assert response.status_code == 400 and Task.objects.filter(case=case).count() == 1
    assert client.post(reverse("cases:task_complete", args=[case.pk, task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None


def test_document_upload_errors_and_permission_checked_download(cast, shared_case, settings):
    lead = client_for(cast.bp3mi.worker)
    url = reverse("cases:document_upload", args=[shared_case.pk])
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50)
    response = lead.post(url, pfx("document", file=bad, title="Program", sensitivity="GENERAL"))
    assert response.status_code == 400
    assert not Document.objects.exists()
    settings.SINERGI_MAX_UPLOAD_BYTES = 100
    big = SimpleUploadedFile("besar.txt", b"a" * 200)
    response = lead.post(url, pfx("document", file=big, title="Besar", sensitivity="GENERAL"))
    assert response.status_code == 400 and not Document.objects.exists()
    settings.SINERGI_MAX_UPLOAD_BYTES = 10_000
    pdf = SimpleUploadedFile("visum.pdf", b"%PDF-1.4\n% visum\n")
    response = lead.post(url, pfx("document", file=pdf, title="Visum", sensitivity=Sensitivity.CARE))
    assert response.status_code == 302
    document = Document.objects.get()
    download = reverse("cases:document_download", args=[shared_case.pk, document.pk])
    response = lead.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(cast.uptd.worker).get(download).status_code == 200
    assert client_for(cast.polda.worker).get(download).status_code == 404  # care document
    assert client_for(cast.dinsos.worker).get(download).status_code == 404  # pending
    assert client_for(cast.kbri.worker).get(download).status_code == 404  # out of scope


def test_victim_status_set_by_participant(cast, shared_case):
    party = shared_case.parties.get(age_group=AgeGroup.ADULT)
    response = client_for(cast.uptd.worker).post(
        reverse("cases:victim_status", args=[shared_case.pk, party.pk]), {"status": "CONFIRMED"}
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.victim_status == "CONFIRMED" and party.victim_status_by == cast.uptd.agency
    body = page_of(cast.bp3mi.worker, shared_case)[1]
    assert cast.uptd.agency.name in body


def test_edit_conflict_loses_nothing(cast, make_case):
    case = make_case()
    client = client_for(cast.bp3mi.worker)
    form = client.get(reverse("cases:edit", args=[case.pk]))
    assert form.status_code == 200
    services.case_update(
        actor=cast.bp3mi.supervisor, case=case, expected_version=case.version, promised_job="Pelayan"
    )
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {"version": case.version, "narrative": "Versi saya yang panjang", "promised_job": "Koki"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Versi saya yang panjang" in body
    case.refresh_from_db()
    assert case.promised_job == "Pelayan"
    # The page shows, field by field, what the other user saved against what this user typed ...
    conflict = body.split('data-testid="edit-conflict"')[1].split("</section>")[0]
    assert "Pelayan" in conflict and "Koki" in conflict
    # ... and carries the new version, so saving again is a choice that works rather than the same conflict.
    assert f'name="version" value="{case.version}"' in body
    again = client.post(
        reverse("cases:edit", args=[case.pk]),
        {"version": case.version, "narrative": "Versi saya yang panjang", "promised_job": "Koki"},
    )
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.promised_job == "Koki"
    assert client_for(cast.polda.worker).get(reverse("cases:edit", args=[case.pk])).status_code == 404


# --- intake ------------------------------------------------------------------------------------------------------


def intake_data(**extra):
    data = {
        "intake_channel": "COMMUNITY",
        "narrative": "Laporan tetangga: dibawa calo ke Malaysia.",
        "destination_country": "MY",
        "victims-TOTAL_FORMS": "1",
        "victims-INITIAL_FORMS": "0",
        "victims-MIN_NUM_FORMS": "0",
        "victims-MAX_NUM_FORMS": "20",
        "victims-0-full_name": "Wati Lestari",
        "victims-0-sex": "F",
        "victims-0-age_group": "UNKNOWN",
    }
    data.update(extra)
    return data


def test_intake_creates_case_and_new_person(cast, regions):
    client = client_for(cast.bp3mi.worker)
    assert client.get(reverse("cases:intake")).status_code == 200
    birth = timezone.localdate().replace(year=timezone.localdate().year - 16)
    response = client.post(
        reverse("cases:intake"), intake_data(**{"victims-0-birth_date": birth.isoformat()})
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    party = case.parties.get()
    assert party.person.full_name == "Wati Lestari"
    assert party.age_group == AgeGroup.CHILD  # derived from the birth date
    assert case.lead_agency == cast.bp3mi.agency and case.destination_country == "MY"


def test_intake_warns_of_a_probable_duplicate_before_saving(cast, make_case, make_person):
    birth = timezone.localdate().replace(year=1995)
    person = make_person(cast.bp3mi.agency, full_name="Wati Lestari", birth_date=birth)
    earlier = services.case_intake(
        actor=cast.bp3mi.worker,
        intake_channel="HOTLINE",
        parties=[{"person": person, "role": PartyRole.VICTIM, "age_group": AgeGroup.ADULT}],
    )
    client = client_for(cast.bp3mi.worker)
    data = intake_data(**{"victims-0-birth_date": birth.isoformat()})
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="duplicate-warning"' in body and earlier.reference in body
    assert Case.objects.count() == 1
    # Confirming registers the new case anyway.
    response = client.post(reverse("cases:intake"), {**data, "confirmed": "1"})
    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_intake_reuses_an_existing_person_record(cast, make_person):
    from sinergi.people.services import PersonData, person_create

    existing = person_create(actor=cast.bp3mi.worker, data=PersonData(full_name="Rina Marlina", phones=[]))
    client = client_for(cast.bp3mi.worker)
    data = intake_data(**{"victims-0-full_name": "", "victims-0-person": str(existing.pk), "confirmed": "1"})
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 302
    assert Case.objects.get().parties.get().person == existing


def test_intake_bad_input_changes_nothing(cast):
    client = client_for(cast.bp3mi.worker)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    for data in (
        intake_data(intake_channel="NOPE"),
        intake_data(**{"victims-0-birth_date": future}),
        intake_data(**{"victims-0-nik": "123"}),
        intake_data(**{"victims-0-phone": "halo"}),
        intake_data(reported_at=(timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")),
    ):
        response = client.post(reverse("cases:intake"), data)
        assert response.status_code == 400, data
    assert not Case.objects.exists()


def test_intake_permissions(cast):
    url = reverse("cases:intake")
    analyst = UserFactory(agency=cast.bp3mi.agency, roles=[Role.ANALYST])
    assert_permission_matrix(
        Client(),
        url=url,
        method="post",
        data=intake_data(),
        denied=[(cast.bp3mi.reader, 403), (analyst, 403)],
        allowed=[(cast.bp3mi.worker, 302)],
        snapshot=db_snapshot(Case),
    )


def test_intake_add_victim_row(cast):
    response = client_for(cast.bp3mi.worker).post(reverse("cases:intake"), intake_data(add_victim="1"))
    rows = response.content.decode().split('<template id="victims-empty">')[0]
    assert rows.count('data-testid="victim-row"') == 2
    assert not Case.objects.exists()


# --- inboxes, overdue, notifications, metrics ----------------------------------------------------------------------


def test_referral_inbox_and_htmx_accept(cast, make_case):
    case = make_case()
    referral = refer(case, cast, cast.uptd, "SHELTER")
    body = client_for(cast.uptd.worker).get(reverse("cases:referral_inbox")).content.decode()
    assert case.reference in body
    assert (
        case.reference
        not in client_for(cast.polda.worker).get(reverse("cases:referral_inbox")).content.decode()
    )
    response = client_for(cast.uptd.worker).post(
        reverse("cases:referral_accept", args=[case.pk, referral.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'data-testid="action-result"' in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert (
        case.reference
        not in client_for(cast.uptd.worker).get(reverse("cases:referral_inbox")).content.decode()
    )


def test_overdue_list(cast, make_case):
    case = make_case()
    referral = refer(case, cast, cast.uptd, "SHELTER")
    Referral.objects.filter(pk=referral.pk).update(accept_by=timezone.now() - timedelta(hours=1))
    for user in (cast.bp3mi.worker, cast.uptd.worker):
        body = client_for(user).get(reverse("cases:overdue")).content.decode()
        assert case.reference in body and 'data-kind="referral_answer"' in body
    assert case.reference not in client_for(cast.kbri.worker).get(reverse("cases:overdue")).content.decode()


def test_notifications_mark_read(cast, make_case, django_capture_on_commit_callbacks):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        refer(case, cast, cast.uptd, "SHELTER")
    note = Notification.objects.filter(recipient=cast.uptd.worker).first()
    assert note is not None
    client = client_for(cast.uptd.worker)
    assert case.reference in client.get(reverse("cases:notifications")).content.decode()
    # Someone else's notification cannot be marked.
    client_for(cast.polda.worker).post(reverse("cases:notifications"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None
    response = client.post(reverse("cases:notifications"), {"id": note.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.read_at is not None


def test_notifications_of_a_case_the_agency_can_no_longer_open_are_not_shown(
    cast, make_case, django_capture_on_commit_callbacks
):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(case, cast, cast.uptd, "SHELTER")
    client = client_for(cast.uptd.worker)
    case_link = f'href="{detail_url(case)}"'
    assert case_link in client.get(reverse("cases:notifications")).content.decode()
    services.referral_revoke(actor=cast.bp3mi.worker, referral=referral, reason="Ditangani instansi lain.")
    assert client.get(detail_url(case)).status_code == 404
    page = client.get(reverse("cases:notifications")).content.decode()
    # Notification.objects.restrict: not even the case reference stays with an agency whose access ended.
    assert case_link not in page and case.reference not in page


def test_the_navigation_offers_only_pages_the_user_may_open(cast, make_case):
    reader = client_for(cast.dinsos.reader)
    page = reader.get(reverse("cases:index")).content.decode()
    assert reverse("cases:metrics") not in page  # a read-only member reads no handling metrics
    assert reader.get(reverse("cases:metrics")).status_code == 403
    # A case worker reads no flagged posts: early detection opens on "screen a text", which everyone may use.
    worker = client_for(cast.dinsos.worker)
    page = worker.get(reverse("cases:index")).content.decode()
    assert 'href="/detection/"' not in page and 'href="/detection/screen/"' in page
    assert worker.get("/detection/").status_code == 403
    supervisor = client_for(cast.bp3mi.supervisor).get(reverse("cases:index")).content.decode()
    assert reverse("cases:metrics") in supervisor and 'href="/detection/"' in supervisor


def test_metrics_page(cast, make_case):
    case = make_case()
    referral = refer(case, cast, cast.uptd, "SHELTER")
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    client = client_for(cast.uptd.supervisor)
    response = client.get(reverse("cases:metrics"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="metric-acceptance"' in body
    today = timezone.localdate()
    response = client.get(
        reverse("cases:metrics"),
        {"agency": cast.uptd.agency.pk, "start": today.isoformat(), "end": "2000-01-01"},
    )
    assert response.status_code == 400
    # Another agency's metrics are not offered to a member of one agency.
    response = client.get(reverse("cases:metrics"), {"agency": cast.polda.agency.pk})
    assert response.status_code == 400
    outreach = UserFactory(agency=cast.bp3mi.agency, roles=[Role.OUTREACH_OFFICER])
    assert client_for(outreach).get(reverse("cases:metrics")).status_code == 403


# --- intake from early detection --------------------------------------------------------------------------------


def test_intake_from_a_flagged_post_prefills_and_links(cast):
    from sinergi.detection.choices import PostSource
    from sinergi.detection.models import ScreenedPost
    from sinergi.detection.services import post_store_batch

    text = "Dicari admin online di Kamboja, gaji 15 juta, tiket ditanggung, hubungi WA 0812-3456-7890."
    post_store_batch(
        actor=cast.bp3mi.supervisor,
        results=[{"text": text, "platform": "facebook", "account": "loker.kamboja"}],
        source=PostSource.API,
    )
    post = ScreenedPost.objects.get()
    client = client_for(cast.bp3mi.supervisor)
    response = client.get(reverse("cases:intake"), {"detection_post": post.pk})
    form = response.context["form"]
    assert form.initial["intake_channel"] == "EARLY_DETECTION"
    assert "Kamboja" in form.initial["narrative"]
    assert form.initial["recruitment_app"] == "facebook"
    assert 'data-testid="intake-source"' in response.content.decode()
    data = intake_data(
        intake_channel="EARLY_DETECTION",
        narrative=form.initial["narrative"],
        detection_post=post.pk,
        **{"victims-0-full_name": ""},
    )
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.linked_case_id == Case.objects.get().pk
    body = client.get(detail_url(Case.objects.get())).content.decode()
    assert f"#{post.pk}" in body


def test_intake_from_a_post_the_user_may_not_see_attaches_nothing(cast):
    from sinergi.detection.choices import PostSource
    from sinergi.detection.models import ScreenedPost
    from sinergi.detection.services import post_store_batch

    post_store_batch(
        actor=cast.bp3mi.supervisor, results=[{"text": "Lowongan kerja ke Malaysia."}], source=PostSource.API
    )
    post = ScreenedPost.objects.get()
    response = client_for(cast.bp3mi.worker).get(reverse("cases:intake"), {"detection_post": post.pk})
    assert response.status_code == 200
    assert "narrative" not in response.context["form"].initial
    assert 'data-testid="intake-source"' not in response.content.decode()


def test_intake_from_a_departure_screening_prefills_the_traveller(cast):
    from sinergi.detection.models import DepartureScreening
    from sinergi.detection.services import departure_screening_create

    screening = departure_screening_create(
        actor=cast.bp3mi.worker,
        checkpoint_type="airport",
        checkpoint_name="Bandara Syamsudin Noor",
        traveller_name="Rina Anggraini",
        answers={
            "purpose": "tourism",
            "visa_type": "tourist",
            "job_type": "domestic_worker",
            "destination_country": "SA",
            "age": 24,
        },
    )
    client = client_for(cast.bp3mi.worker)
    response = client.get(reverse("cases:intake"), {"departure_screening": screening.pk})
    assert response.context["form"].initial["intake_channel"] == "AIRPORT"
    assert response.context["victims"].forms[0].initial["full_name"] == "Rina Anggraini"
    data = intake_data(
        intake_channel="AIRPORT",
        departure_screening=screening.pk,
        destination_country="SA",
        **{"victims-0-full_name": "Rina Anggraini"},
    )
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 302
    screening = DepartureScreening.objects.get(pk=screening.pk)
    case = Case.objects.get()
    assert screening.linked_case_id == case.pk
    assert case.parties.get().person.full_name == "Rina Anggraini"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(detail_url(case)).content.decode()
    assert f"Opened from departure screening #{screening.pk}" in body
    # A case opened from nothing says nothing of the kind.
    other = services.case_intake(actor=cast.bp3mi.worker, parties=[], intake_channel="HOTLINE", narrative="x")
    assert "Opened from" not in client.get(detail_url(other)).content.decode()


def test_list_filters_by_region_of_origin_including_regions_below(cast, make_case, regions):
    village = regions.filter(level=4, code__startswith="63.").order_by("code").first()
    elsewhere = regions.filter(level=4, code__startswith="52.").order_by("code").first()
    inside = make_case(origin_region=village)
    outside = make_case(origin_region=elsewhere)
    client = client_for(cast.bp3mi.worker)
    body = client.get(reverse("cases:index"), {"origin_region": "63"}).content.decode()
    assert inside.reference in body and outside.reference not in body
    # The list names the regency, never the village.
    assert village.name not in body.split('id="case-results"')[1]


def test_assign_link_person_and_organisation(cast, make_case):
    case = make_case()
    lead = client_for(cast.bp3mi.worker)
    response = lead.post(
        reverse("cases:assign", args=[case.pk]),
        pfx("assign", assignee=cast.bp3mi.supervisor.pk, version=case.version),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == cast.bp3mi.supervisor
    # A stale version is refused: someone changed the case since the page was drawn.
    response = lead.post(
        reverse("cases:assign", args=[case.pk]), pfx("assign", assignee=cast.bp3mi.worker.pk, version=1)
    )
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.assigned_to == cast.bp3mi.supervisor

    url = reverse("cases:party_add", args=[case.pk])
    response = lead.post(url, pfx("party", role="RECRUITER", full_name="", sex="U", age_group="ADULT"))
    assert response.status_code == 400
    response = lead.post(
        url,
        pfx(
            "party",
            role="RECRUITER",
            full_name="Bambang Calo",
            sex="M",
            age_group="ADULT",
            perpetrator_role="BROKER",
        ),
    )
    assert response.status_code == 302
    party = case.parties.get(role=PartyRole.RECRUITER)
    assert party.person.full_name == "Bambang Calo" and party.perpetrator_role == "BROKER"
    # Only the lead links people; the police participant is refused and no person record is created.
    referral = refer(case, cast, cast.polda, "INVESTIGATION")
    services.referral_accept(actor=cast.polda.worker, referral=referral)
    from sinergi.people.models import Person

    people = Person.objects.count()
    response = client_for(cast.polda.worker).post(
        url, pfx("party", role="WITNESS", full_name="Saksi", sex="U")
    )
    assert response.status_code == 403 and Person.objects.count() == people

    police_page = client_for(cast.polda.worker).get(whole_page_url(case)).content.decode()
    assert "Bambang Calo" in police_page  # investigators see suspects and recruiters
    uptd_referral = refer(case, cast, cast.uptd, "SHELTER")
    services.referral_accept(actor=cast.uptd.worker, referral=uptd_referral)
    carer_page = client_for(cast.uptd.worker).get(whole_page_url(case)).content.decode()
    assert "Bambang Calo" not in carer_page


def test_organisation_recorded_and_shown_to_investigators_only(cast, make_case):
    case = make_case()
    referral = refer(case, cast, cast.polda, "INVESTIGATION")
    services.referral_accept(actor=cast.polda.worker, referral=referral)
    response = client_for(cast.bp3mi.worker).post(
        reverse("cases:organisation_add", args=[case.pk]),
        pfx(
            "organisation",
            name="PT Maju Jaya Sentosa",
            kind="P3MI",
            perpetrator_role="RECRUITER",
            country="ID",
        ),
    )
    assert response.status_code == 302
    assert "PT Maju Jaya Sentosa" in client_for(cast.polda.worker).get(whole_page_url(case)).content.decode()


def test_route_event_recorded(cast, make_case):
    case = make_case()
    response = client_for(cast.bp3mi.worker).post(
        reverse("cases:route_event_add", args=[case.pk]),
        pfx("route", kind="TRANSIT", country="MY", place="Johor Bahru", occurred_on="2026-01-05"),
    )
    assert response.status_code == 302
    assert "Johor Bahru" in client_for(cast.bp3mi.worker).get(whole_page_url(case)).content.decode()


def test_detail_query_count_does_not_grow_with_notes_and_referrals(
    cast, make_case, django_assert_max_num_queries
):
    case = make_case()
    client = client_for(cast.bp3mi.worker)
    client.get(whole_page_url(case))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(whole_page_url(case))
    for staff, need in (
        (cast.uptd, "SHELTER"),
        (cast.polda, "INVESTIGATION"),
        (cast.dinsos, "REHABILITATION"),
    ):
        referral = refer(case, cast, staff, need)
        if staff is not cast.dinsos:
            services.referral_accept(actor=staff.worker, referral=referral)
            services.referral_report_services(actor=staff.worker, referral=referral, description="Layanan")
    for n in range(5):
        services.note_add(actor=cast.bp3mi.worker, case=case, text=f"Catatan {n}", sensitivity="GENERAL")
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        response = client.get(whole_page_url(case))
    assert response.content.decode().count('data-testid="referral-row"') == 3


def test_detail_and_timeline_permission_matrix(cast, shared_case):
    analyst = UserFactory(agency=cast.bp3mi.agency, roles=[Role.ANALYST])
    for url in (detail_url(shared_case), reverse("cases:timeline", args=[shared_case.pk])):
        assert_permission_matrix(
            Client(),
            url=url,
            denied=[(analyst, 404), (cast.kbri.worker, 404), (cast.lpsk.supervisor, 404)],
            allowed=[(cast.bp3mi.reader, 200), (cast.polda.worker, 200)],
        )


def test_lead_transfer_decline_needs_a_reason_and_keeps_the_lead(cast, make_case):
    case = make_case()
    transfer = services.lead_transfer_request(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, reason="Kasus pidana berat"
    )
    url = reverse("cases:transfer_decline", args=[case.pk, transfer.pk])
    police = client_for(cast.polda.supervisor)
    response = police.post(url, {"reason": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    transfer.refresh_from_db()
    assert transfer.state == "PENDING"
    # Read-only staff of the agency see the request but may not answer it.
    assert client_for(cast.polda.reader).post(url, {"reason": "Tidak"}).status_code == 403
    transfer.refresh_from_db()
    assert transfer.state == "PENDING"
    response = police.post(url, {"reason": "Bukan wilayah hukum kami."}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Pengalihan penanganan ditolak" in response.content.decode()
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert transfer.state == "DECLINED" and case.lead_agency == cast.bp3mi.agency
    assert client_for(cast.polda.supervisor).get(detail_url(case)).status_code == 404


def test_empty_documents_read_differently_for_the_lead_and_a_participant(cast, shared_case):
    url = whole_page_url(shared_case)
    lead_page = client_for(cast.bp3mi.worker).get(url).content.decode()
    assert "Belum ada dokumen." in lead_page
    police_page = client_for(cast.polda.worker).get(url).content.decode()
    assert "Tidak ada dokumen yang boleh dibaca instansi Anda." in police_page


def test_the_navigation_counts_what_each_inbox_holds_in_one_query(cast, make_case, django_assert_num_queries):
    case = make_case()
    services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Mohon."
    )
    services.approval_request(actor=cast.bp3mi.worker, case=case, kind="ASSESSMENT")
    for user in (cast.uptd.worker, cast.uptd.supervisor, cast.bp3mi.supervisor, cast.bp3mi.reader):
        expected = {
            "referrals": selectors.referral_inbox(user=user).count(),
            "transfers": selectors.transfer_inbox(user=user).count(),
            "unread": selectors.notification_list(user=user, unread_only=True).count(),
            "approvals": selectors.approval_inbox(user=user).count()
            if user.has_role(Role.SUPERVISOR)
            else None,
        }
        with django_assert_num_queries(1):
            counts = selectors.navigation_counts(user=user)
        assert counts == expected, user.username
    assert selectors.navigation_counts(user=cast.uptd.worker)["referrals"] == 1
    assert selectors.navigation_counts(user=cast.bp3mi.supervisor)["approvals"] == 1
    assert selectors.navigation_counts(user=cast.bp3mi.worker)["approvals"] is None


def test_the_menu_counts_are_kept_briefly_and_the_readers_own_answer_shows_at_once(
    cast, make_case, monkeypatch
):
    from sinergi.core import session_memo

    def referrals_badge(client) -> str:
        page = client.get(reverse("cases:index")).content.decode()
        link = re.search(r'data-testid="nav-referrals">(.*?)</a>', page).group(1)
        return re.sub(r"<[^>]+>", "", link).strip()

    first, second = make_case(), make_case()
    shelter = refer(first, cast, cast.uptd, "SHELTER")
    uptd = client_for(cast.uptd.worker)
    assert referrals_badge(uptd) == "Rujukan masuk 1"
    refer(second, cast, cast.uptd, "SHELTER")
    # Another agency's referral shows within the memo's 30 seconds, not on the very next page.
    assert referrals_badge(uptd) == "Rujukan masuk 1"
    later = session_memo.time.time() + 31
    monkeypatch.setattr(session_memo.time, "time", lambda: later)
    assert referrals_badge(uptd) == "Rujukan masuk 2"
    # The reader's own answer: the next page counts again at once.
    accepted = uptd.post(reverse("cases:referral_accept", args=[first.pk, shelter.pk]))
    assert accepted.status_code == 302
    assert referrals_badge(uptd) == "Rujukan masuk 1"
    # A search is a POST that only reads: it keeps the counts (another referral still waits its 30 seconds).
    third = make_case()
    refer(third, cast, cast.uptd, "SHELTER")
    searched = uptd.post(reverse("cases:index"), {"q": "restoran"}).content.decode()
    link = re.search(r'data-testid="nav-referrals">(.*?)</a>', searched).group(1)
    assert re.sub(r"<[^>]+>", "", link).strip() == "Rujukan masuk 1"


def test_the_case_page_reads_the_rarer_lists_only_when_the_case_has_them(cast, make_case):
    case = make_case()
    assert selectors.case_records_present(case.pk) == frozenset()
    task = services.task_create(
        actor=cast.bp3mi.worker,
        case=case,
        title="Hubungi keluarga korban",
        owner=cast.bp3mi.worker,
        due_at=timezone.now() + timedelta(days=2),
    )
    assert selectors.case_records_present(case.pk) == {"tasks"}
    body = client_for(cast.bp3mi.worker).get(whole_page_url(case)).content.decode()
    assert task.title in body


def test_words_are_searched_by_post_only_and_the_address_keeps_the_filters_without_them(cast, make_case):
    """Words to search for may be a victim's name or NIK: they are never read from an address, and after a
    search the address the browser shows holds the filters alone."""
    sawit = make_case(narrative="Dijanjikan kerja di kebun sawit, paspor ditahan.")
    other = make_case(narrative="Kapal ikan di perairan Somalia.")
    client = client_for(cast.bp3mi.worker)
    typed = client.get(reverse("cases:index"), {"q": "sawit"}).content.decode()
    assert sawit.reference in typed and other.reference in typed  # the words in the address are not searched
    response = client.post(
        reverse("cases:index"), {"q": "sawit", "status": "OPEN", "stage": ""}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert sawit.reference in html and other.reference not in html
    assert response["HX-Push-Url"] == reverse("cases:index") + "?status=OPEN"
    # Without the words, the list's link is the plain list.
    assert client.post(reverse("cases:index"), {"q": "sawit"})["HX-Push-Url"] == reverse("cases:index")


def test_a_searchs_pages_are_asked_for_by_post(cast, make_case):
    for _ in range(27):
        make_case(narrative="Dijanjikan kerja di kebun sawit.")
    client = client_for(cast.bp3mi.worker)
    first = client.post(reverse("cases:index"), {"q": "sawit"}).content.decode()
    assert 'form="case-filters" name="page" value="2"' in first and "?q=" not in first
    second = client.post(reverse("cases:index"), {"q": "sawit", "page": "2"}).content.decode()
    assert second.count('data-testid="case-row"') == 2


def test_a_search_with_words_counts_to_its_own_lower_cap_and_a_plain_list_to_the_lists(
    cast, make_case, monkeypatch
):
    """Counting a common word's matches walks the cases: a search stops counting sooner than a list, and says
    so with the words to narrow it."""
    from sinergi.cases import pagination

    for _ in range(3):
        make_case(narrative="Dijanjikan kerja di kebun sawit.")
    monkeypatch.setattr(pagination.SearchPaginator, "cap", 2)
    client = client_for(cast.bp3mi.worker)
    searched = client.post(reverse("cases:index"), {"q": "sawit"}).content.decode()
    assert "Lebih dari 2 kasus" in searched and searched.count('data-testid="case-row"') == 2
    listed = client.get(reverse("cases:index")).content.decode()
    assert "3 kasus" in listed and "Lebih dari" not in listed
    api = sign_in(Client(), cast.bp3mi.worker).post(
        "/api/v1/cases/search/", {"q": "sawit"}, content_type="application/json"
    )
    assert api.json()["count"] == 2 and api.json()["count_capped"] is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_a_word_the_planner_counts_as_common_finds_the_same_cases_as_one_whose_ids_are_read(
    cast, make_case, monkeypatch
):
    found = [make_case(narrative=f"Dijanjikan kerja di kebun sawit nomor {i}.") for i in range(3)]
    make_case(narrative="Kapal ikan di perairan Somalia.")

    def references() -> set[str]:
        page = client_for(cast.bp3mi.worker).post(reverse("cases:index"), {"q": "sawit"}).content.decode()
        return {case.reference for case in found if f'data-reference="{case.reference}"' in page}

    read_ids = references()
    monkeypatch.setattr(selectors, "_planner_rows", lambda queryset: 10.0**9)
    assert references() == read_ids == {case.reference for case in found}
