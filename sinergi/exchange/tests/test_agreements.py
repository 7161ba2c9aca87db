"""Data-sharing agreements: drafted, signed by another supervisor, revoked; the access policy reads them (case
view, notes, events), every disclosure under one is in the audit trail, and they never open a case to an
outsider."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sinergi.agencies.choices import AgencyType, Role, UserKind
from sinergi.audit.models import AuditEntry
from sinergi.cases.access import case_view
from sinergi.core.errors import ApplicationError
from sinergi.core.testing.factories import AgencyFactory, UserFactory
from sinergi.exchange.agreements import services
from sinergi.exchange.models import SharingAgreement


@pytest.fixture
def dinsos(regions):
    return AgencyFactory(code="dinsos-x", type=AgencyType.DINSOS, jurisdiction=regions.get(code="63"))


@pytest.fixture
def carer(dinsos):
    return UserFactory(username="pekerja-sosial", agency=dinsos, roles=[Role.CASE_WORKER])


@pytest.fixture
def signer(importer):
    return UserFactory(username="kepala", agency=importer.agency, roles=[Role.SUPERVISOR])


@pytest.fixture
def shared_case(importer, carer):
    from sinergi.cases.services import case_intake, note_add, referral_accept, referral_create

    case = case_intake(actor=importer, intake_channel="HOTLINE", destination_country="KH")
    referral = referral_create(
        actor=importer, case=case, to_agency=carer.agency, need="SHELTER", reason="Rumah aman."
    )
    referral_accept(actor=carer, referral=referral)
    note_add(actor=importer, case=case, text="Catatan penyidikan.", sensitivity="INVESTIGATION")
    return case


def draft(importer, receiving, groups=("investigation",), purpose="investigation", **kwargs):
    today = timezone.localdate()
    return services.agreement_create(
        actor=importer,
        receiving_agency=receiving,
        field_groups=list(groups),
        purpose=purpose,
        valid_from=kwargs.get("valid_from", today),
        valid_until=kwargs.get("valid_until", today + timedelta(days=30)),
    )


def disclosures():
    return AuditEntry.objects.filter(summary="disclosed under a data-sharing agreement")


def test_a_signed_agreement_shows_the_participant_what_it_grants_and_logs_it(
    importer, signer, carer, shared_case
):
    view = case_view(carer, shared_case)
    assert not view.can_see_investigation and not view.notes().exists()
    agreement = draft(importer, carer.agency)
    view = case_view(carer, shared_case)
    assert not view.can_see_investigation  # a draft grants nothing
    assert disclosures().count() == 0
    services.agreement_sign(actor=signer, agreement=agreement)
    view = case_view(carer, shared_case)
    assert view.can_see_investigation
    assert [n.text for n in view.notes()] == ["Catatan penyidikan."]
    entry = disclosures().get()
    assert entry.actor_id == carer.pk and entry.object_id == str(shared_case.pk)
    assert entry.changes == {
        "agreements": [agreement.pk],
        "groups": ["investigation"],
        "receiving_agency": carer.agency_id,
    }
    services.agreement_revoke(actor=importer, agreement=agreement, reason="Selesai.")
    view = case_view(carer, shared_case)
    assert not view.can_see_investigation and not view.notes().exists()


def test_an_agreement_never_opens_a_case_to_an_outsider(importer, signer, dinsos, regions):
    from sinergi.cases.services import case_intake

    stranger = UserFactory(username="orang-luar", agency=dinsos, roles=[Role.CASE_WORKER])
    case = case_intake(actor=importer, intake_channel="HOTLINE")
    services.agreement_sign(actor=signer, agreement=draft(importer, dinsos, groups=["identity", "narrative"]))
    assert case_view(stranger, case) is None


def test_the_drafter_cannot_sign_and_only_a_supervisor_of_the_granting_agency_can(importer, signer, carer):
    agreement = draft(importer, carer.agency)
    with pytest.raises(ApplicationError):
        services.agreement_sign(actor=importer, agreement=agreement)  # four eyes
    other_supervisor = UserFactory(username="kepala-dinsos", agency=carer.agency, roles=[Role.SUPERVISOR])
    with pytest.raises(ApplicationError):
        services.agreement_sign(actor=other_supervisor, agreement=agreement)
    assert SharingAgreement.objects.get().status == "draft"
    with pytest.raises(PermissionDenied):
        draft(carer, importer.agency)  # a case worker drafts nothing


def test_bad_input_is_refused_with_a_message_and_writes_nothing(importer):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        draft(importer, importer.agency, groups=[], valid_from=today, valid_until=today - timedelta(days=1))
    assert set(refused.value.message_dict) == {"field_groups", "receiving_agency", "valid_until"}
    assert SharingAgreement.objects.count() == 0


def test_an_expired_agreement_grants_nothing(importer, signer, carer, shared_case):
    agreement = draft(importer, carer.agency)
    services.agreement_sign(actor=signer, agreement=agreement)
    yesterday = timezone.localdate() - timedelta(days=1)
    SharingAgreement.objects.filter(pk=agreement.pk).update(valid_from=yesterday, valid_until=yesterday)
    assert not case_view(carer, shared_case).can_see_investigation


def test_an_event_carries_only_what_the_agreement_lets_the_receiver_see(importer, signer, carer, shared_case):
    from sinergi.cases.models import Case
    from sinergi.exchange.events.payloads import event_payload
    from sinergi.exchange.models import OutboxEvent

    Case.objects.filter(pk=shared_case.pk).update(legal_stage="INVESTIGATION")
    system = UserFactory(
        username="sistem-dinsos", agency=carer.agency, kind=UserKind.SYSTEM, roles=[Role.CASE_WORKER]
    )
    event = OutboxEvent.objects.filter(case_id=shared_case.pk).first()
    assert event is not None
    before = event_payload(event, system)["case"]
    assert before["legal_stage"] is None and "investigation" not in before["field_groups"]
    services.agreement_sign(actor=signer, agreement=draft(importer, carer.agency))
    after = event_payload(event, system)["case"]
    assert after["legal_stage"] == "INVESTIGATION" and "investigation" in after["field_groups"]
    assert disclosures().filter(actor_id=system.pk).count() == 1


def test_the_pages_refuse_bad_input_and_other_agencies(
    client, signed_in, importer, signer, carer, other_agency
):
    signed_in(client, importer)
    assert client.get("/exchange/agreements/").status_code == 200
    response = client.post(
        "/exchange/agreements/new/",
        {
            "receiving_agency": carer.agency_id,
            "field_groups": ["medical", "narrative"],
            "purpose": "victim_care",
            "valid_from": timezone.localdate().isoformat(),
            "valid_until": "1999-01-01",
        },
    )
    assert response.status_code == 400 and SharingAgreement.objects.count() == 0
    assert "Tanggal berakhir" in response.content.decode()
    agreement = draft(importer, carer.agency)
    stranger = UserFactory(username="asing", agency=other_agency, roles=[Role.SUPERVISOR])
    signed_in(client, stranger)
    assert client.get(f"/exchange/agreements/{agreement.pk}/").status_code == 404
    assert client.post(f"/exchange/agreements/{agreement.pk}/sign/").status_code == 404
    signed_in(client, carer)  # a case worker of the receiving agency: no agreements pages
    assert client.get("/exchange/agreements/").status_code == 403
    assert SharingAgreement.objects.get().status == "draft"


def test_a_group_the_purpose_does_not_justify_is_refused_and_nothing_is_written(importer, carer):
    with pytest.raises(ValidationError) as refused:
        draft(importer, carer.agency, groups=["narrative", "investigation"], purpose="victim_care")
    (message,) = refused.value.message_dict["field_groups"]
    assert "Penyidikan" in message and "Kronologi" not in message  # names only the group beyond the purpose
    with pytest.raises(ValidationError) as refused:
        draft(importer, carer.agency, groups=["narrative"], purpose="marketing")
    assert set(refused.value.message_dict) == {"purpose"}
    assert (
        SharingAgreement.objects.count() == 0
        and not AuditEntry.objects.filter(summary="data-sharing agreement drafted").exists()
    )


def test_the_purpose_narrows_what_an_agreement_grants_even_one_written_before_the_rule(
    importer, signer, carer, shared_case
):
    agreement = draft(importer, carer.agency, groups=["narrative"], purpose="statistics")
    services.agreement_sign(actor=signer, agreement=agreement)
    # As an agreement drafted before purposes narrowed grants: statistics naming the investigation too.
    SharingAgreement.objects.filter(pk=agreement.pk).update(field_groups=["investigation", "narrative"])
    view = case_view(carer, shared_case)
    assert not view.can_see_investigation  # beyond the purpose: not granted
    assert not view.notes().filter(sensitivity="INVESTIGATION").exists()
    SharingAgreement.objects.filter(pk=agreement.pk).update(purpose="investigation")
    view = case_view(carer, shared_case)
    assert view.can_see_investigation
    assert [n.text for n in view.notes()] == ["Catatan penyidikan."]


def test_a_statistics_agreement_shows_no_notes_and_no_identity(importer, signer, carer, shared_case):
    from sinergi.cases.policy import FieldGroup, Kind
    from sinergi.exchange.agreements.grants import grants_in_force

    services.agreement_sign(
        actor=signer, agreement=draft(importer, carer.agency, groups=["narrative"], purpose="statistics")
    )
    (grant,) = grants_in_force(carer.agency_id)[importer.agency_id]
    assert grant.groups == {FieldGroup.NARRATIVE} and grant.kinds == {Kind.CASE}
    with pytest.raises(ValidationError):
        draft(importer, carer.agency, groups=["identity"], purpose="statistics")


def test_the_drafting_page_shows_what_each_purpose_justifies_and_refuses_more(
    client, signed_in, importer, carer
):
    signed_in(client, importer)
    page = client.get("/exchange/agreements/new/").content.decode()
    assert 'data-testid="purpose-table"' in page and "Statistik dan pelaporan" in page
    response = client.post(
        "/exchange/agreements/new/",
        {
            "receiving_agency": carer.agency_id,
            "field_groups": ["medical", "identity"],
            "purpose": "statistics",
            "valid_from": timezone.localdate().isoformat(),
            "valid_until": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 400 and SharingAgreement.objects.count() == 0
    assert "tidak membenarkan" in response.content.decode()


def test_the_demo_seeds_agreements_signed_awaiting_and_revoked(regions):
    from io import StringIO
    from random import Random

    from sinergi.core.demo import demo_seed
    from sinergi.exchange import demo
    from sinergi.regions.services import regions_load

    regions_load(provinces=("35", "33", "32", "71", "61", "65"), max_level=3)
    demo_seed(people=5, stdout=StringIO(), load_regions=False, app_seeders=False)
    summary = demo.seed(rng=Random(1), stdout=StringIO())
    assert summary == {"agreements": 5, "signed": 3, "draft": 1, "revoked": 1}
    statuses = sorted(SharingAgreement.objects.values_list("status", flat=True))
    assert statuses == ["draft", "revoked", "signed", "signed", "signed"]
    assert all(a.signed_by_id != a.created_by_id for a in SharingAgreement.objects.exclude(status="draft"))
