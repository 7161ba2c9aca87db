"""Daily casework (issue 11): the intake in one go, the short case page with its HTMX sections, closure that
settles what is open, and forms that report every error once, in one round."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sinergi.cases import selectors, services
from sinergi.cases.choices import ApprovalKind, PartyRole, ReferralState, VictimStatus
from sinergi.cases.models import Case, CaseOrganisation, CaseParty, Notification, Referral, Task
from sinergi.cases.services import Decision
from sinergi.conftest import sign_in
from sinergi.core.errors import ApplicationError
from sinergi.core.testing.permissions import db_snapshot
from sinergi.people.models import Person

pytestmark = pytest.mark.django_db


def client_for(user):
    return sign_in(Client(), user)


def formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def full_intake(cast, **extra) -> dict:
    """A community report with a victim, a recruiter, the P3MI behind him, the reporter and two referrals."""
    data = {
        "intake_channel": "COMMUNITY",
        "narrative": "Tetangga melapor: korban dibawa calo ke Johor lewat PT tanpa izin.",
        "destination_country": "MY",
        **formset("victims", [{"full_name": "Sri Wahyuningsih", "sex": "F", "age_group": "ADULT"}]),
        **formset(
            "suspects",
            [
                {"kind": "PERSON", "name": "Bambang Sutrisno", "perpetrator_role": "RECRUITER"},
                {"kind": "ORGANISATION", "name_unknown": "on", "organisation_kind": "UNLICENSED_AGENCY"},
            ],
        ),
        "reporter-full_name": "Hendra Gunawan",
        "reporter-phone": "0812-3456-7890",
        **formset(
            "referrals",
            [
                {
                    "need": "SHELTER",
                    "to_agency": str(cast.uptd.agency.pk),
                    "reason": "Korban butuh rumah aman.",
                },
                {"need": "INVESTIGATION", "to_agency": str(cast.polda.agency.pk), "reason": "Selidiki calo."},
            ],
        ),
    }
    data.update(extra)
    return data


# --- intake in one go --------------------------------------------------------------------------------------------


def test_intake_registers_people_company_reporter_and_referrals_in_one_post(cast):
    response = client_for(cast.bp3mi.worker).post(reverse("cases:intake"), full_intake(cast))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.assigned_to == cast.bp3mi.worker
    roles = sorted(case.parties.values_list("role", flat=True))
    assert roles == sorted([PartyRole.VICTIM, PartyRole.RECRUITER, PartyRole.REPORTER])
    organisation = CaseOrganisation.objects.get(case=case)
    assert organisation.kind == "UNLICENSED_AGENCY" and "PT" in organisation.name
    referrals = {r.to_agency_id: r.state for r in case.referrals.all()}
    assert referrals == {
        cast.uptd.agency.pk: ReferralState.PENDING,
        cast.polda.agency.pk: ReferralState.PENDING,
    }
    # The agencies referred to are told; the registering worker is not notified of his own assignment.
    assert Notification.objects.filter(recipient=cast.uptd.worker, case=case).exists()
    assert not Notification.objects.filter(recipient=cast.bp3mi.worker, kind="ASSIGNMENT").exists()


def test_intake_with_a_refused_referral_saves_nothing_and_says_so_on_the_row(cast):
    # Dinsos does not receive INVESTIGATION under the flow: the whole intake is refused.
    data = full_intake(cast, **{"referrals-1-to_agency": str(cast.dinsos.agency.pk)})
    # The duplicate check's own audit entries aside (a search is audited), nothing is written.
    snapshot = db_snapshot(Case, Person, Referral, CaseParty, audit=False)
    before = snapshot()
    response = client_for(cast.bp3mi.worker).post(reverse("cases:intake"), data)
    assert response.status_code == 400
    assert snapshot() == before
    body = response.content.decode()
    assert "Instansi ini tidak menerima kebutuhan ini." in body
    assert body.count("Instansi ini tidak menerima kebutuhan ini.") == 1


def test_intake_reports_every_error_in_one_round_each_once(cast):
    data = full_intake(
        cast,
        **{
            "victims-0-nik": "123",
            "victims-0-birth_date": "2999-01-01",
            "reported_at": "2999-01-01T10:00",
            "referrals-0-reason": "",
        },
    )
    response = client_for(cast.bp3mi.worker).post(reverse("cases:intake"), data)
    assert response.status_code == 400
    body = response.content.decode()
    for message in (
        "NIK terdiri dari tepat 16 angka",
        "Tanggal lahir tidak boleh di masa depan.",
        "Wajib untuk rujukan.",
    ):
        assert body.count(message) == 1, message
    assert not Case.objects.exists()


def test_a_chronology_of_20000_characters_is_kept_whole_and_a_longer_one_refused(cast):
    client = client_for(cast.bp3mi.worker)
    # Line breaks as a browser sends them (CRLF) count once, as the counter beside the field shows them.
    text = "\r\n".join(["Korban dijanjikan kerja."] * 800) + "x"
    assert len(text.replace("\r\n", "\n")) == 20000
    response = client.post(reverse("cases:intake"), full_intake(cast, narrative=text))
    assert response.status_code == 302
    assert len(Case.objects.get().narrative) == 20000
    response = client.post(reverse("cases:intake"), full_intake(cast, narrative="x" * 20001))
    assert response.status_code == 400
    assert "Paling banyak 20.000 karakter; teks ini 20.001 karakter" in response.content.decode()
    assert Case.objects.count() == 1


def test_the_narrative_field_has_a_counter_not_a_maxlength_that_cuts(cast):
    body = client_for(cast.bp3mi.worker).get(reverse("cases:intake")).content.decode()
    assert 'data-maxlength="20000"' in body
    assert ' maxlength="20000"' not in body


def test_intake_warns_of_a_record_that_linkage_finds_and_lets_the_worker_reuse_it(cast):
    from sinergi.people.services import PersonData, PhoneInput, person_create

    person = person_create(
        actor=cast.bp3mi.worker,
        data=PersonData(full_name="Bambang Sutrisno", phones=[PhoneInput(number="0812-3456-7890")]),
    )
    data = full_intake(cast, **{"suspects-0-phone": "0812-3456-7890"})
    response = client_for(cast.bp3mi.worker).post(reverse("cases:intake"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="duplicate-warning"' in body
    assert f'name="suspects-0-person" value="{person.pk}"' in body
    assert not Case.objects.exists()


def in_provinces(cast):
    """Kalsel's agencies in South Kalimantan (63), and a second police of another province (NTB, 52)."""
    from sinergi.agencies.choices import AgencyType
    from sinergi.core.testing.factories import AgencyFactory
    from sinergi.regions.models import Region

    kalsel = Region.objects.create(code="63", digits="63", name="Kalimantan Selatan", level=1)
    ntb = Region.objects.create(code="52", digits="52", name="Nusa Tenggara Barat", level=1)
    for staff in (cast.bp3mi, cast.polda, cast.uptd, cast.dinsos):
        staff.agency.jurisdiction = kalsel
        staff.agency.save(update_fields=["jurisdiction"])
    return AgencyFactory(
        code="polda-ntb", name="Subdit TPPO Polda NTB", type=AgencyType.POLRI, jurisdiction=ntb
    )


def test_intake_referral_targets_follow_the_flow_and_propose_only_a_single_local_agency(cast):
    other_police = in_provinces(cast)
    targets = selectors.intake_referral_targets(user=cast.bp3mi.worker)
    assert targets.province == "63"
    assert cast.bp3mi.agency not in targets.agencies
    assert targets.eligible(cast.polda.agency.pk, "INVESTIGATION")
    assert not targets.eligible(cast.uptd.agency.pk, "INVESTIGATION")
    # One police in the province: proposed (the one in NTB is not local); shelter has two there: a choice.
    assert targets.proposed("INVESTIGATION") == cast.polda.agency and other_police in targets.agencies
    assert targets.proposed("SHELTER") is None
    # The case's region decides: a case from NTB proposes NTB's police.
    from sinergi.regions.models import Region

    ntb = selectors.intake_referral_targets(user=cast.bp3mi.worker, region=Region.objects.get(pk="52"))
    assert ntb.proposed("INVESTIGATION") == other_police
    # The page carries what the script narrows by.
    page = client_for(cast.bp3mi.worker).get(reverse("cases:intake")).content.decode()
    assert f'value="{cast.polda.agency.pk}" data-needs="INVESTIGATION" data-province="63"' in page
    assert 'data-need-from="referrals-0-need" data-home-province="63"' in page


def test_intake_refuses_an_agency_that_does_not_receive_the_need_with_the_other_errors(cast):
    in_provinces(cast)
    data = full_intake(
        cast,
        **{"referrals-1-to_agency": str(cast.uptd.agency.pk), "victims-0-nik": "123"},
    )
    response = client_for(cast.bp3mi.worker).post(reverse("cases:intake"), data)
    assert response.status_code == 400
    body = response.content.decode()
    # Beside the agency of the second referral, in the same round as the NIK error, once.
    assert body.count("Instansi ini tidak menerima kebutuhan ini.") == 1
    assert "16 angka" in body
    assert not Case.objects.exists() and not Referral.objects.exists()


# --- closure -----------------------------------------------------------------------------------------------------


def approve_closure(cast, case):
    approval = services.approval_request(actor=cast.bp3mi.worker, case=case, kind=ApprovalKind.CLOSURE)
    services.approval_decide(actor=cast.bp3mi.supervisor, approval=approval, approve=True)


def test_closing_with_an_open_referral_and_no_decision_is_refused_naming_it(cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    approve_closure(cast, case)
    victim = case.parties.get(role=PartyRole.VICTIM)
    snapshot = db_snapshot(Case, Referral, CaseParty, Task, Notification)
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        services.case_close(
            actor=cast.bp3mi.worker,
            case=case,
            outcome="SERVICES_COMPLETED",
            referral_decisions={},
            task_decisions={},
            victim_statuses={victim.pk: VictimStatus.CONFIRMED},
        )
    assert refused.value.code == "closure_decision_required"
    assert "UPTD PPA Kalimantan Selatan" in str(refused.value.message)
    assert f"referral-{referral.pk}" in refused.value.fields
    assert snapshot() == before
    # The plain flow move cannot leave it open either.
    with pytest.raises(ApplicationError) as moved:
        services.case_transition(actor=cast.bp3mi.worker, case=case, to_stage="closed", outcome="OTHER")
    assert moved.value.code == "closure_decision_required"


def test_closure_settles_referrals_and_tasks_sets_victim_status_and_tells_the_agencies(cast, make_case):
    from datetime import timedelta

    from django.utils import timezone

    case = make_case()
    done = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    services.referral_accept(actor=cast.uptd.worker, referral=done)
    pending = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="Calo"
    )
    task = services.task_create(
        actor=cast.bp3mi.worker,
        case=case,
        title="Kunjungi keluarga",
        owner=cast.bp3mi.worker,
        due_at=timezone.now() + timedelta(days=2),
    )
    victim = case.parties.get(role=PartyRole.VICTIM)
    assert victim.victim_status == VictimStatus.POSSIBLE
    arguments = {
        "actor": cast.bp3mi.worker,
        "case": case,
        "outcome": "SERVICES_COMPLETED",
        "referral_decisions": {done.pk: Decision("DONE"), pending.pk: Decision("REVOKE", "Tidak diperlukan")},
        "task_decisions": {task.pk: Decision("CANCEL", "Keluarga sudah pindah")},
        "victim_statuses": {victim.pk: VictimStatus.CONFIRMED},
    }
    # Without the supervisor's approval the closure changes nothing.
    snapshot = db_snapshot(Case, Referral, Task, CaseParty)
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        services.case_close(**arguments)
    assert refused.value.code == "approval_required"
    assert snapshot() == before
    approve_closure(cast, case)
    before = Notification.objects.filter(recipient=cast.uptd.worker).count()
    services.case_close(**arguments)
    case.refresh_from_db()
    assert case.status == "CLOSED" and case.closure_reason == "SERVICES_COMPLETED"
    assert Referral.objects.get(pk=done.pk).state == ReferralState.DONE
    revoked = Referral.objects.get(pk=pending.pk)
    assert revoked.state == ReferralState.REVOKED and revoked.close_reason == "Tidak diperlukan"
    task.refresh_from_db()
    assert task.done_at is not None and task.cancel_reason == "Keluarga sudah pindah"
    victim.refresh_from_db()
    assert victim.victim_status == VictimStatus.CONFIRMED
    told = Notification.objects.filter(recipient=cast.uptd.worker, case=case).order_by("-id")
    assert told.count() >= before + 2
    assert any("menutup kasus" in n.message for n in told)


def test_the_closing_page_refuses_without_decisions_and_names_the_referral(cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    approve_closure(cast, case)
    case.refresh_from_db()
    client = client_for(cast.bp3mi.worker)
    url = reverse("cases:close", args=[case.pk])
    assert client.get(url).status_code == 200
    snapshot = db_snapshot(Case, Referral, CaseParty)
    before = snapshot()
    response = client.post(url, {"version": case.version, "outcome": "OTHER"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kasus tidak ditutup" in body and "Rumah aman ke UPTD PPA Kalimantan Selatan" in body
    assert "Pilih apa yang terjadi dengan rujukan ini." in body
    assert snapshot() == before
    victim = case.parties.get(role=PartyRole.VICTIM)
    response = client.post(
        url,
        {
            "version": case.version,
            "outcome": "NOT_A_VICTIM",
            f"referral-{referral.pk}": "REVOKE",
            f"referral-{referral.pk}-reason": "Bukan kasus TPPO.",
            f"victim-{victim.pk}": VictimStatus.NOT_VICTIM,
        },
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.victim_status == VictimStatus.NOT_VICTIM
    assert Case.objects.get(pk=case.pk).status == "CLOSED"


def test_only_the_lead_opens_the_closing_page(cast, make_case):
    case = make_case()
    url = reverse("cases:close", args=[case.pk])
    assert client_for(cast.uptd.worker).get(url).status_code == 404
    assert client_for(cast.bp3mi.reader).get(url).status_code == 403


# --- the case page -----------------------------------------------------------------------------------------------


def test_an_htmx_action_answers_with_its_section_and_the_summary(cast, make_case):
    case = make_case()
    client = client_for(cast.bp3mi.worker)
    headers = {"HX-Request": "true", "HX-Target": "section-notes"}
    response = client.post(
        reverse("cases:note_add", args=[case.pk]),
        {"note-text": "Keluarga sudah dihubungi.", "note-sensitivity": "GENERAL"},
        headers=headers,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<details class="panel case-section" id="section-notes"')
    assert "Keluarga sudah dihubungi." in body and "Catatan telah ditambahkan." in body
    assert 'id="section-summary"' in body and 'hx-swap-oob="true"' in body
    assert "<html" not in body
    # A refused one comes back in its section, with the error once beside the field.
    response = client.post(
        reverse("cases:task_create", args=[case.pk]),
        {"task-title": "Telepon", "task-owner": str(cast.bp3mi.worker.pk), "task-due_at": "2001-01-01T10:00"},
        headers={"HX-Request": "true", "HX-Target": "section-tasks"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="section-tasks"' in body and body.count("Pilih tanggal di masa depan.") == 1
    assert not Task.objects.exists()


def test_without_javascript_an_action_redirects_to_its_section_opened(cast, make_case):
    case = make_case()
    client = client_for(cast.bp3mi.worker)
    response = client.post(
        reverse("cases:note_add", args=[case.pk]), {"note-text": "Catatan.", "note-sensitivity": "GENERAL"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?open=notes#section-notes")
    page = client.get(response["Location"]).content.decode()
    assert 'id="section-notes" data-section="notes" hx-target="this" hx-swap="outerHTML" open>' in page
    assert 'data-testid="note-form"' in page and "Catatan." in page
    tasks_url = reverse("cases:section", args=[case.pk, "tasks"])
    assert (
        f'id="section-tasks" data-section="tasks" hx-target="this" hx-swap="outerHTML" hx-get="{tasks_url}"'
        in page
    )


def test_a_closed_section_is_read_when_opened_and_the_reading_is_audited(cast, make_case):
    from sinergi.audit.choices import AuditAction
    from sinergi.audit.models import AuditEntry

    case = make_case()
    services.note_add(actor=cast.bp3mi.worker, case=case, text="Paspor ditahan agen.", sensitivity="GENERAL")
    client = client_for(cast.bp3mi.worker)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    url = reverse("cases:section", args=[case.pk, "notes"])
    # Closed: the heading and its count, not the notes nor the form; the details load the rest when opened.
    assert f'hx-get="{url}" hx-trigger="toggle once"' in page and 'data-testid="section-lazy"' in page
    assert "Paspor ditahan agen." not in page and 'data-testid="note-form"' not in page
    views_before = AuditEntry.objects.filter(action=AuditAction.VIEW, object_id=str(case.pk)).count()
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<details class="panel case-section" id="section-notes"')
    assert " open>" in body.split("\n")[0] and "hx-get" not in body.split("\n")[0]
    assert "Paspor ditahan agen." in body and 'data-testid="note-form"' in body
    assert "<html" not in body and 'id="section-summary"' not in body
    assert (
        AuditEntry.objects.filter(action=AuditAction.VIEW, object_id=str(case.pk)).count() == views_before + 1
    )
    # Without JavaScript (a copied address) the page opens at that section; an unknown one at the top.
    assert (
        client.get(url)["Location"] == reverse("cases:detail", args=[case.pk]) + "?open=notes#section-notes"
    )
    unknown = reverse("cases:section", args=[case.pk, "secrets"])
    assert client.get(unknown, headers={"HX-Request": "true"})["Location"] == reverse(
        "cases:detail", args=[case.pk]
    )
    # The whole case on one page, every section open.
    whole = client.get(reverse("cases:detail", args=[case.pk]) + "?open=all").content.decode()
    assert 'data-testid="section-lazy"' not in whole and "Paspor ditahan agen." in whole
    # Out of scope, the section is as missing as the case.
    assert client_for(cast.polda.worker).get(url, headers={"HX-Request": "true"}).status_code == 404


def test_a_declined_referral_shows_no_service_deadline(cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    client = client_for(cast.bp3mi.worker)
    assert (
        "layanan paling lambat"
        in client.get(reverse("cases:detail", args=[case.pk]) + "?open=all").content.decode()
    )
    services.referral_decline(actor=cast.uptd.worker, referral=referral, reason="Penuh")
    page = client.get(reverse("cases:detail", args=[case.pk]) + "?open=all").content.decode()
    assert "layanan paling lambat" not in page
    assert 'data-testid="referral-closed-at"' in page


# --- error pages -------------------------------------------------------------------------------------------------


def test_a_get_on_an_action_address_answers_a_clear_405_page(cast, make_case):
    case = make_case()
    response = client_for(cast.bp3mi.worker).get(reverse("cases:note_add", args=[case.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    body = response.content.decode()
    assert "Alamat ini hanya menerima kiriman formulir" in body and "<html" in body


def test_a_405_under_the_api_stays_json(cast):
    response = client_for(cast.bp3mi.worker).delete("/api/v1/cases/duplicates/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_at_closure_the_lead_may_mark_another_agencys_task_done(cast, make_case):
    from datetime import timedelta

    from django.utils import timezone

    case = make_case()
    task = services.task_create(
        actor=cast.bp3mi.worker,
        case=case,
        title="Laporan pendampingan",
        owner=cast.bp3mi.worker,
        due_at=timezone.now() + timedelta(days=2),
    )
    Task.objects.filter(pk=task.pk).update(owner_agency=cast.uptd.agency, owner=cast.uptd.worker)
    approve_closure(cast, case)
    case.refresh_from_db()
    client = client_for(cast.bp3mi.worker)
    url = reverse("cases:close", args=[case.pk])
    page = client.get(url).content.decode()
    assert f'name="task-{task.pk}" value="DONE"' in page
    victim = case.parties.get(role=PartyRole.VICTIM)
    response = client.post(
        url,
        {
            "version": case.version,
            "outcome": "SERVICES_COMPLETED",
            f"task-{task.pk}": "DONE",
            f"victim-{victim.pk}": VictimStatus.CONFIRMED,
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None and task.cancel_reason == "" and task.done_by == cast.bp3mi.worker
