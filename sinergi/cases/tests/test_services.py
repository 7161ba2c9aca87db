from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.cases import selectors, services
from sinergi.cases.choices import ApprovalKind, CaseStatus, Consent, ReferralState, Sensitivity
from sinergi.cases.flow import DEFAULT_FLOW_FILE
from sinergi.cases.models import Case, CaseEvent, Document, Notification, Referral, Task
from sinergi.core.errors import ApplicationError, ConflictError


def _snapshot(case):
    case.refresh_from_db()
    return (
        case.version,
        case.stage,
        case.legal_stage,
        case.status,
        CaseEvent.objects.filter(case=case).count(),
        list(Referral.objects.filter(case=case).values_list("pk", "state").order_by("pk")),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    )


def test_intake_numbers_cases_per_agency_and_year(make_case, cast):
    first, second = make_case(), make_case()
    year = timezone.localdate().year
    assert first.reference == f"BP3MI-KALSEL/{year}/00001"
    assert second.reference == f"BP3MI-KALSEL/{year}/00002"
    assert first.stage == "reported" and first.stage_due_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.case").count() == 2


def test_intake_refused_for_a_user_without_a_handling_role(cast, db):
    with pytest.raises(ApplicationError) as info:
        services.case_intake(actor=cast.bp3mi.reader, intake_channel="HOTLINE")
    assert info.value.status == 403
    assert Case.objects.count() == 0


def test_refused_intake_leaves_no_new_victim_record_behind(cast, db):
    from sinergi.people.models import Person
    from sinergi.people.services import PersonData

    people_before = Person.objects.count()
    victims = [
        {"new_person": PersonData(full_name="Siti Rahmawati", sex="F"), "role": "VICTIM"},
        {"new_person": PersonData(full_name="Dewi Lestari", sex="F"), "role": "VICTIM"},
    ]
    with pytest.raises(ApplicationError):
        services.case_intake(
            actor=cast.bp3mi.worker,
            intake_channel="HOTLINE",
            reported_at=timezone.now() + timedelta(days=3),
            parties=victims,
        )
    assert Person.objects.count() == people_before
    assert Case.objects.count() == 0
    # A new victim whose data is invalid names its row and records nothing either.
    from django.core.exceptions import ValidationError

    victims[1] = {"new_person": PersonData(full_name="Dewi", nik="12345"), "role": "VICTIM"}
    with pytest.raises(ValidationError) as info:
        services.case_intake(actor=cast.bp3mi.worker, intake_channel="HOTLINE", parties=victims)
    assert info.value.party_index == 1
    assert Person.objects.count() == people_before and Case.objects.count() == 0
    case = services.case_intake(actor=cast.bp3mi.worker, intake_channel="HOTLINE", parties=victims[:1])
    assert [p.person.full_name for p in case.parties.all()] == ["Siti Rahmawati"]


def test_transition_not_in_the_flow_is_refused_and_nothing_changes(make_case, cast):
    case = make_case()
    before = _snapshot(case)
    with pytest.raises(ApplicationError) as info:
        services.case_transition(actor=cast.bp3mi.worker, case=case, to_stage="reintegration")
    assert info.value.code == "transition_not_allowed"
    assert "Laporan diterima" in str(info.value.message) or "Report received" in str(info.value.message)
    assert _snapshot(case) == before


def test_transition_by_an_agency_the_flow_does_not_name_is_refused(make_case, cast):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker,
        case=case,
        to_agency=cast.uptd.agency,
        need="SHELTER",
        reason="butuh rumah aman",
    )
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    before = _snapshot(case)
    # The legal track belongs to the police; a care agency may not open it, nor move the care track.
    for stage in ("police_report", "assessment"):
        with pytest.raises(ApplicationError) as info:
            services.case_transition(actor=cast.uptd.worker, case=case, to_stage=stage)
        assert info.value.code == "transition_not_allowed"
    assert _snapshot(case) == before


def test_closing_needs_approval_by_another_supervisor_and_an_outcome(make_case, cast):
    case = make_case()
    with pytest.raises(ApplicationError) as info:
        services.case_transition(
            actor=cast.bp3mi.worker, case=case, to_stage="closed", outcome="NOT_A_VICTIM"
        )
    assert info.value.code == "approval_required"
    approval = services.approval_request(actor=cast.bp3mi.worker, case=case, kind=ApprovalKind.CLOSURE)
    with pytest.raises(ApplicationError) as info:
        services.approval_decide(actor=cast.bp3mi.worker, approval=approval, approve=True)
    assert info.value.status == 403
    services.approval_decide(actor=cast.bp3mi.supervisor, approval=approval, approve=True)
    with pytest.raises(ApplicationError) as info:
        services.case_transition(actor=cast.bp3mi.worker, case=case, to_stage="closed")
    assert info.value.code == "outcome_required"
    closed = services.case_transition(
        actor=cast.bp3mi.worker, case=case, to_stage="closed", outcome="NOT_A_VICTIM"
    )
    assert closed.status == CaseStatus.CLOSED and closed.closure_reason == "NOT_A_VICTIM"


def test_two_users_changing_the_same_case_the_second_gets_a_conflict(make_case, cast):
    case = make_case()
    seen_by_both = case.version
    services.case_update(
        actor=cast.bp3mi.worker, case=case, expected_version=seen_by_both, destination_city="Johor Bahru"
    )
    before = _snapshot(case)
    with pytest.raises(ConflictError) as info:
        services.case_update(
            actor=cast.bp3mi.supervisor, case=case, expected_version=seen_by_both, destination_city="Kuching"
        )
    assert info.value.code == "conflict" and info.value.status == 409
    with pytest.raises(ConflictError):
        services.case_transition(
            actor=cast.bp3mi.supervisor, case=case, to_stage="assessment", expected_version=seen_by_both
        )
    assert _snapshot(case) == before
    case.refresh_from_db()
    assert case.destination_city == "Johor Bahru"  # the first change is not lost


def test_referral_deadline_in_the_past_is_refused(make_case, cast):
    case = make_case()
    before = _snapshot(case)
    with pytest.raises(ApplicationError) as info:
        services.referral_create(
            actor=cast.bp3mi.worker,
            case=case,
            to_agency=cast.polda.agency,
            need="INVESTIGATION",
            reason="x",
            due_at=timezone.now() - timedelta(hours=1),
        )
    assert info.value.code == "deadline_in_past"
    assert _snapshot(case) == before


def test_referral_default_deadline_comes_from_the_law(make_case, cast):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker,
        case=case,
        to_agency=cast.lpsk.agency,
        need="WITNESS_PROTECTION",
        reason="saksi",
    )
    assert timedelta(days=6, hours=23) < referral.due_at - referral.created_at <= timedelta(days=7)
    assert "UU 13/2006" in referral.deadline_source
    assert referral.accept_by <= referral.due_at


def test_referral_to_an_agency_the_flow_does_not_allow_for_that_need(make_case, cast):
    case = make_case()
    with pytest.raises(ApplicationError) as info:
        services.referral_create(
            actor=cast.bp3mi.worker, case=case, to_agency=cast.kbri.agency, need="INVESTIGATION", reason="x"
        )
    assert info.value.code == "agency_not_eligible"
    assert not Referral.objects.exists()


def test_only_the_addressee_may_accept_or_decline(make_case, cast):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="x"
    )
    before = _snapshot(case)
    for actor in (cast.bp3mi.worker, cast.uptd.worker):
        with pytest.raises(ApplicationError) as info:
            services.referral_accept(actor=actor, referral=referral)
        assert info.value.code == "not_addressee"
    with pytest.raises(ApplicationError):
        services.referral_decline(actor=cast.polda.worker, referral=referral, reason="  ")
    assert _snapshot(case) == before
    declined = services.referral_decline(
        actor=cast.polda.worker, referral=referral, reason="Bukan wilayah hukum kami"
    )
    assert declined.state == ReferralState.DECLINED
    with pytest.raises(ApplicationError) as info:
        services.referral_accept(actor=cast.polda.worker, referral=referral)
    assert info.value.code == "referral_not_pending"


def test_referral_lifecycle_and_notifications(make_case, cast, django_capture_on_commit_callbacks):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create(
            actor=cast.bp3mi.worker,
            case=case,
            to_agency=cast.uptd.agency,
            need="SHELTER",
            reason="rumah aman",
        )
    assert Notification.objects.filter(recipient=cast.uptd.worker, kind="REFERRAL").exists()
    assert any(cast.uptd.worker.email in m.to for m in mail.outbox)
    assert all("Siti" not in m.body for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(actor=cast.uptd.worker, referral=referral)
    assert Notification.objects.filter(recipient=cast.bp3mi.supervisor, kind="REFERRAL_ACCEPTED").exists()
    services.referral_report_services(
        actor=cast.uptd.worker, referral=referral, description="Ditampung 5 hari"
    )
    with pytest.raises(ApplicationError):
        services.referral_mark_done(actor=cast.uptd.worker, referral=referral)
    done = services.referral_mark_done(actor=cast.bp3mi.worker, referral=referral)
    assert done.state == ReferralState.DONE
    other = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="x"
    )
    assert (
        services.referral_revoke(actor=cast.bp3mi.worker, referral=other, reason="salah kirim").state
        == ReferralState.REVOKED
    )


def test_lead_transfer_accept_moves_the_lead(make_case, cast):
    case = make_case()
    transfer = services.lead_transfer_request(
        actor=cast.bp3mi.worker,
        case=case,
        to_agency=cast.dinsos.agency,
        reason="Korban kembali ke daerah asal",
    )
    with pytest.raises(ApplicationError) as info:
        services.lead_transfer_accept(actor=cast.polda.worker, transfer=transfer)
    assert info.value.code == "not_addressee"
    services.lead_transfer_accept(actor=cast.dinsos.worker, transfer=transfer)
    case.refresh_from_db()
    assert case.lead_agency == cast.dinsos.agency
    assert Case.objects.restrict(cast.bp3mi.worker).count() == 0
    second = services.lead_transfer_request(
        actor=cast.dinsos.worker, case=case, to_agency=cast.bp3mi.agency, reason="x"
    )
    services.lead_transfer_decline(actor=cast.bp3mi.worker, transfer=second, reason="Tidak berwenang")
    case.refresh_from_db()
    assert case.lead_agency == cast.dinsos.agency


def test_task_with_past_due_date_is_refused(make_case, cast):
    case = make_case()
    with pytest.raises(ApplicationError) as info:
        services.task_create(
            actor=cast.bp3mi.worker,
            case=case,
            title="Hubungi keluarga",
            owner=cast.bp3mi.worker,
            due_at=timezone.now() - timedelta(minutes=1),
        )
    assert info.value.code == "deadline_in_past"
    task = services.task_create(
        actor=cast.bp3mi.worker,
        case=case,
        title="Hubungi keluarga",
        owner=cast.bp3mi.supervisor,
        due_at=timezone.now() + timedelta(days=1),
    )
    assert Notification.objects.filter(recipient=cast.bp3mi.supervisor, kind="TASK").exists()
    assert services.task_complete(actor=cast.bp3mi.supervisor, task=task).done_at is not None


def test_note_sensitivity_is_bounded_by_what_the_writer_may_read(make_case, cast):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.kbri.agency, need="REPATRIATION", reason="x"
    )
    services.referral_accept(actor=cast.kbri.worker, referral=referral)
    with pytest.raises(ApplicationError):
        services.note_add(
            actor=cast.kbri.worker, case=case, text="catatan medis", sensitivity=Sensitivity.CARE
        )
    assert services.note_add(
        actor=cast.kbri.worker, case=case, text="Tiket pulang dipesan", sensitivity=Sensitivity.GENERAL
    )


def test_document_upload_checks_type_size_and_stores_checksum(make_case, cast, settings):
    case = make_case()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    document = services.document_upload(
        actor=cast.bp3mi.worker,
        case=case,
        uploaded_file=SimpleUploadedFile("laporan.pdf", pdf),
        title="Laporan",
    )
    import hashlib

    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.content_type == "application/pdf"
    assert str(settings.MEDIA_ROOT) in document.file.path and "laporan" not in document.file.name
    with pytest.raises(ApplicationError) as info:
        services.document_upload(
            actor=cast.bp3mi.worker,
            case=case,
            uploaded_file=SimpleUploadedFile("foto.jpg", b"MZ\x90\x00\x03\x00\x00\x00"),
        )
    assert info.value.code == "invalid_file"
    settings.SINERGI_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ApplicationError) as info:
        services.document_upload(
            actor=cast.bp3mi.worker, case=case, uploaded_file=SimpleUploadedFile("a.txt", b"x" * 11)
        )
    assert info.value.code == "file_too_large"
    assert Document.objects.count() == 1


def test_consent_and_share_override(make_case, cast):
    case = make_case()
    victim = case.parties.get()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.kbri.agency, need="REPATRIATION", reason="x"
    )
    services.referral_accept(actor=cast.kbri.worker, referral=referral)
    kbri_view = selectors.case_detail(user=cast.kbri.worker, case_id=case.pk)
    assert not kbri_view.parties()[0].identity_visible
    with pytest.raises(ApplicationError):
        services.share_override(actor=cast.bp3mi.worker, party=victim, agency=cast.kbri.agency, reason="")
    services.share_override(
        actor=cast.bp3mi.worker, party=victim, agency=cast.kbri.agency, reason="Pemulangan mendesak"
    )
    assert AuditEntry.objects.filter(action=AuditAction.SHARE_OVERRIDE).count() == 1
    assert selectors.case_detail(user=cast.kbri.worker, case_id=case.pk).parties()[0].identity_visible
    services.consent_record(actor=cast.bp3mi.worker, party=victim, consent=Consent.GIVEN)
    victim.refresh_from_db()
    assert victim.consent_to_share == Consent.GIVEN


def test_a_case_keeps_its_flow_version_when_a_new_one_is_loaded(make_case, cast):
    case = make_case()
    services.flow_version_load(
        text=DEFAULT_FLOW_FILE.read_text().replace("hours: 72", "hours: 24"), source="v2.yaml"
    )
    newer = make_case()
    assert newer.flow_version_id != case.flow_version_id
    case.refresh_from_db()
    assert selectors.flow_of(case).answer_deadline.delta == timedelta(hours=72)
    assert selectors.flow_of(newer).answer_deadline.delta == timedelta(hours=24)


def test_escalation_runs_once_even_when_run_twice(make_case, cast, django_capture_on_commit_callbacks):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="x"
    )
    task = services.task_create(
        actor=cast.bp3mi.worker,
        case=case,
        title="Cek",
        owner=cast.bp3mi.worker,
        due_at=timezone.now() + timedelta(hours=1),
    )
    later = timezone.now() + timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.cases_escalate_overdue(now=later)
    assert first == {"referrals_unanswered": 1, "referrals_overdue": 0, "tasks": 1}
    escalations = Notification.objects.filter(kind="ESCALATION")
    assert set(escalations.values_list("recipient_id", flat=True)) == {
        cast.polda.supervisor.pk,
        cast.bp3mi.supervisor.pk,
    }
    mails = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.cases_escalate_overdue(now=later)
    assert second == {"referrals_unanswered": 0, "referrals_overdue": 0, "tasks": 0}
    assert escalations.count() == 2 and len(mail.outbox) == mails
    referral.refresh_from_db()
    task.refresh_from_db()
    assert referral.escalated_unanswered_at and task.escalated_at
    overdue = selectors.overdue_list(user=cast.polda.worker, now=later)
    assert [item.kind for item in overdue] == ["referral_answer"] and overdue[0].escalated


def test_escalate_command_and_task(make_case, cast, capsys):
    from django.core.management import call_command

    from sinergi.cases.tasks import escalate_overdue

    make_case()
    call_command("cases_escalate")
    assert "escalated: 0" in capsys.readouterr().out
    assert escalate_overdue.enqueue().return_value == {
        "referrals_unanswered": 0,
        "referrals_overdue": 0,
        "tasks": 0,
    }
    assert Task.objects.count() == 0
