"""Need-to-know rules of access.py, exercised through the selectors."""

import threading

import pytest
from django.db import connection
from django.http import Http404

from sinergi.agencies.choices import Role
from sinergi.cases import selectors, services
from sinergi.cases.access import Relation, case_view
from sinergi.cases.choices import Consent, Sensitivity
from sinergi.cases.models import Case
from sinergi.core.errors import ConflictError
from sinergi.core.testing.factories import UserFactory
from sinergi.people.models import Person


@pytest.fixture
def case(make_case):
    return make_case(victims=1, child=True)


def test_users_without_a_case_role_or_agency_see_nothing(case, cast, platform_admin):
    analyst = UserFactory(username="an", agency=cast.bp3mi.agency, roles=[Role.ANALYST])
    admin = UserFactory(username="adm", agency=cast.bp3mi.agency, roles=[Role.AGENCY_ADMIN])
    for user in (analyst, admin, platform_admin):
        assert not Case.objects.restrict(user).exists()
        with pytest.raises(Http404):
            selectors.case_detail(user=user, case_id=case.pk)
    assert Case.objects.restrict(cast.bp3mi.reader).exists()
    assert not Case.objects.restrict(cast.bp3mi.reader, "change").exists()


def test_out_of_scope_looks_like_missing(case, cast):
    for case_id in (case.pk, 999999, "abc"):
        with pytest.raises(Http404):
            selectors.case_detail(user=cast.polda.worker, case_id=case_id)


def test_declined_and_revoked_referrals_end_access(case, cast):
    first = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="x"
    )
    assert case_view(cast.polda.worker, case).relation == Relation.PENDING
    services.referral_decline(actor=cast.polda.worker, referral=first, reason="bukan wilayah")
    assert case_view(cast.polda.worker, case) is None
    second = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="x"
    )
    services.referral_accept(actor=cast.polda.worker, referral=second)
    assert case_view(cast.polda.worker, case).relation == Relation.PARTICIPANT
    services.referral_revoke(actor=cast.bp3mi.worker, referral=second, reason="salah alamat")
    assert case_view(cast.polda.worker, case) is None


def test_pending_transfer_target_sees_the_summary_only(case, cast):
    services.lead_transfer_request(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.dinsos.agency, reason="x"
    )
    view = selectors.case_detail(user=cast.dinsos.worker, case_id=case.pk)
    assert view.is_pending and not view.can_see_details and view.parties() == [] and not view.notes().exists()
    assert selectors.case_timeline(view=view) == []


def test_child_identity_only_to_child_protection_and_lead_handlers(case, cast):
    child = case.parties.get(age_group="CHILD")
    services.consent_record(actor=cast.bp3mi.worker, party=child, consent=Consent.GIVEN)
    child.refresh_from_db()
    for staff in (cast.uptd, cast.polda):
        need = "SHELTER" if staff is cast.uptd else "INVESTIGATION"
        referral = services.referral_create(
            actor=cast.bp3mi.worker, case=case, to_agency=staff.agency, need=need, reason="x"
        )
        services.referral_accept(actor=staff.worker, referral=referral)

    def sees_child(user):
        return case_view(user, case).can_see_identity(child)

    assert sees_child(cast.bp3mi.worker)  # the lead's case worker
    assert not sees_child(cast.bp3mi.reader)  # read-only in the lead agency
    assert sees_child(cast.uptd.worker)  # child-protection role
    assert not sees_child(cast.polda.worker)
    assert not Person.objects.restrict(cast.polda.worker).filter(pk=child.person_id).exists()
    assert Person.objects.restrict(cast.uptd.worker).filter(pk=child.person_id).exists()


def test_timeline_hides_care_events_from_the_police(case, cast):
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="x"
    )
    services.referral_accept(actor=cast.polda.worker, referral=referral)
    services.note_add(actor=cast.bp3mi.worker, case=case, text="hasil visum", sensitivity=Sensitivity.CARE)
    services.note_add(
        actor=cast.bp3mi.worker, case=case, text="barang bukti", sensitivity=Sensitivity.INVESTIGATION
    )
    lead = selectors.case_timeline(view=selectors.case_detail(user=cast.bp3mi.worker, case_id=case.pk))
    police = selectors.case_timeline(view=selectors.case_detail(user=cast.polda.worker, case_id=case.pk))
    assert {e.sensitivity for e in lead} == {"GENERAL", "CARE", "INVESTIGATION"}
    assert {e.sensitivity for e in police} == {"GENERAL", "INVESTIGATION"}
    assert len(lead) == len(police) + 1


def _identified(case, nik="6371014101900001", phone="0812-3456-7890"):
    from sinergi.people.identifiers import nik_index, normalise_phone, phone_index
    from sinergi.people.models import PersonPhone

    person = case.parties.first().person
    person.nik, person.nik_index = nik, nik_index(nik)
    person.save(update_fields=["nik", "nik_index"])
    number = normalise_phone(phone)
    PersonPhone.objects.create(person=person, number=number, number_index=phone_index(number))
    return person


def test_duplicates_are_named_only_where_the_caller_sees_the_person(case, cast):
    _identified(case)
    lead = selectors.case_intake_duplicates(user=cast.bp3mi.worker, nik="63.71.01 410190 0001")
    assert [h.reason for h in lead.hints] == ["nik"]
    assert [
        h.case
        for h in selectors.case_intake_duplicates(user=cast.bp3mi.worker, phone="+62 812 3456 7890").hints
    ] == [case]
    # An outsider who may open cases learns only that another agency holds a matching record.
    outsider = selectors.case_intake_duplicates(user=cast.polda.worker, nik="6371014101900001")
    assert outsider.hints == [] and outsider.elsewhere
    # A read-only colleague elsewhere learns nothing at all; a malformed phone finds nothing.
    assert not selectors.case_intake_duplicates(user=cast.polda.reader, nik="6371014101900001")
    assert not selectors.case_intake_duplicates(user=cast.bp3mi.worker, phone="not a phone")


def test_a_pending_addressee_is_not_told_whose_nik_it_is(case, cast):
    _identified(case)
    services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.dinsos.agency, need="SHELTER", reason="Mohon."
    )
    result = selectors.case_intake_duplicates(user=cast.dinsos.worker, nik="6371014101900001")
    assert result.hints == []  # the case it may open is not named: that would confirm the victim's NIK
    assert result.elsewhere


def test_each_check_writes_one_audit_entry_without_the_value(case, cast):
    from sinergi.audit.models import AuditEntry

    _identified(case)
    before = AuditEntry.objects.count()
    selectors.case_intake_duplicates(user=cast.polda.worker, nik="6371014101900001", phone="0812-3456-7890")
    entries = list(AuditEntry.objects.order_by("-id")[: AuditEntry.objects.count() - before])
    assert len(entries) == 1
    entry = entries[0]
    assert entry.object_type == "cases.duplicate_check"
    assert entry.changes["count"] == 0 and entry.changes["kinds"] == ["nik", "phone"]
    stored = str(entry.changes) + entry.summary
    assert "6371014101900001" not in stored and "812" not in stored
    again = selectors.case_intake_duplicates(
        user=cast.bp3mi.worker, nik="6371014101900001", phone="0812-3456-7890"
    )
    assert len(again.hints) == 1
    latest = AuditEntry.objects.order_by("-id").first()
    assert latest.changes["query_hash"] == entry.changes["query_hash"] and latest.changes["count"] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_updates_one_wins_one_is_told(cast, make_case):
    case = make_case()
    version = case.version
    barrier = threading.Barrier(2)
    outcomes = []

    def update(user, city):
        barrier.wait()
        try:
            services.case_update(actor=user, case=case, expected_version=version, destination_city=city)
            outcomes.append(("saved", city))
        except ConflictError:
            outcomes.append(("conflict", city))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=update, args=(user, city))
        for user, city in ((cast.bp3mi.worker, "Kuching"), (cast.bp3mi.supervisor, "Penang"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "saved"]
    case.refresh_from_db()
    assert case.destination_city == next(city for kind, city in outcomes if kind == "saved")
    assert case.version == version + 1
