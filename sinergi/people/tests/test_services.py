"""Services: what is saved, what is refused, and that a refusal saves nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone, translation

from sinergi.audit.models import AuditEntry
from sinergi.core.countries import nationality_choices
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.people.models import Person, PersonHandle, PersonPhone
from sinergi.people.services import (
    HandleInput,
    NikMismatchWarning,
    PersonData,
    PhoneInput,
    person_create,
    person_delete,
    person_reveal,
    person_update,
)
from sinergi.people.tests.conftest import NIK_WOMAN_1990

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The assertions below read the English source messages; the pages test the Indonesian ones.
    with translation.override("en"):
        yield


def _data(**overrides) -> PersonData:
    values = {
        "full_name": "Hj. Siti Rahayu",
        "sex": "F",
        "birth_date": date(1990, 1, 10),
        "nik": NIK_WOMAN_1990,
        "phones": [PhoneInput("0812-3456-7890", "HP"), PhoneInput("+60 12-345 6789", "Malaysia")],
        "handles": [HandleInput("facebook", "@Siti.Rahayu90")],
        "aliases": ["Ayu", "Siti R."],
    }
    values.update(overrides)
    return PersonData(**values)


def test_create_normalises_encrypts_indexes_and_audits(case_worker, regions):
    person = person_create(actor=case_worker, data=_data(address_region=regions.get(code="63.71.01.1001")))
    person.refresh_from_db()
    assert person.owner_agency == case_worker.agency
    assert person.name_normalised == "siti rahayu"
    assert " ayu" in person.search_names and " siti rahayu" in person.search_names
    assert person.nik == NIK_WOMAN_1990 and person.nik_index
    assert sorted(p.number for p in person.phones.all()) == ["+60123456789", "+6281234567890"]
    assert person.handles.get().handle_normalised == "siti.rahayu90"
    # Encrypted at rest: the raw column does not contain the NIK.
    raw = Person.objects.filter(pk=person.pk).values_list("nik", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nik FROM people_person WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert NIK_WOMAN_1990 not in stored and stored.startswith("v1:")
    assert raw  # the field decrypts transparently
    entry = AuditEntry.objects.get(action="create", object_id=str(person.pk))
    assert "nik" in entry.changes["fields"] and "phones" in entry.changes["fields"]
    assert NIK_WOMAN_1990 not in str(entry.changes) + entry.summary
    assert "Siti" not in str(entry.changes) + entry.summary


def _assert_refused(actor, data, field, code_or_text=None):
    people, phones, audits = Person.objects.count(), PersonPhone.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        person_create(actor=actor, data=data)
    assert field in info.value.message_dict, info.value.message_dict
    if code_or_text:
        assert code_or_text in " ".join(info.value.message_dict[field])
    assert (Person.objects.count(), PersonPhone.objects.count(), AuditEntry.objects.count()) == (
        people,
        phones,
        audits,
    )
    return info.value.message_dict


@pytest.mark.parametrize(
    ("nik", "text"),
    [
        ("12345", "16 digits"),
        ("6371013201900001", "birth date"),
        ("6371015001900000", "0000"),
        ("0071015001900001", "district code"),
    ],
)
def test_malformed_nik_is_refused(case_worker, regions, nik, text):
    _assert_refused(case_worker, _data(nik=nik), "nik", text)


def test_nik_with_an_unknown_region_prefix_is_refused(case_worker, regions):
    # 63.71.99 has never existed in any edition.
    messages = _assert_refused(case_worker, _data(nik="6371995001900001"), "nik")
    assert "63.71.99" in messages["nik"][0]


def test_nik_of_a_district_from_an_older_edition_is_accepted(case_worker, regions):
    from sinergi.regions.models import Region, RegionCodeHistory

    # A district code used until the 2019 edition and retired since: NIKs issued there are still valid.
    RegionCodeHistory.objects.create(
        code="63.71.09",
        digits="637109",
        level=3,
        last_name="Kec. Lama",
        first_edition=2015,
        last_edition=2019,
        valid_2025=False,
    )
    assert not Region.objects.filter(digits="637109").exists()
    person = person_create(actor=case_worker, data=_data(nik="6371095001900001"))
    assert person.nik == "6371095001900001"


def test_phone_that_is_not_a_number_is_refused(case_worker, regions):
    _assert_refused(
        case_worker,
        _data(phones=[PhoneInput("0812-3456-7890"), PhoneInput("call me")]),
        "phones.1.number",
        "2",
    )
    _assert_refused(case_worker, _data(phones=[PhoneInput("12")]), "phones.0.number")


def test_birth_date_in_the_future_is_refused(case_worker, regions):
    tomorrow = timezone.localdate() + timedelta(days=1)
    _assert_refused(case_worker, _data(nik="", birth_date=tomorrow), "birth_date", "future")


def test_other_bad_fields(case_worker, regions):
    _assert_refused(case_worker, _data(full_name="   "), "full_name")
    _assert_refused(case_worker, _data(nationality="XX"), "nationality")
    _assert_refused(case_worker, _data(nationality="EU"), "nationality")
    _assert_refused(case_worker, _data(passport_number="A1"), "passport_number")
    _assert_refused(case_worker, _data(handles=[HandleInput("myspace", "x")]), "handles.0.platform")
    _assert_refused(case_worker, _data(sex="X"), "sex")


def test_several_errors_reported_at_once(case_worker, regions):
    messages = _assert_refused(
        case_worker, _data(nik="123", phones=[PhoneInput("abc")], birth_date=date(2999, 1, 1)), "nik"
    )
    assert {"nik", "phones.0.number", "birth_date"} <= set(messages)


def test_nik_mismatch_is_a_warning_that_needs_confirmation(case_worker, regions):
    data = _data(sex="M", birth_date=date(1990, 1, 11))
    with pytest.raises(NikMismatchWarning) as info:
        person_create(actor=case_worker, data=data)
    assert {w.code for w in info.value.warnings} == {"nik_birth_date_mismatch", "nik_sex_mismatch"}
    assert info.value.code == "nik_mismatch"
    assert Person.objects.count() == 0
    person = person_create(actor=case_worker, data=data, confirm_nik_mismatch=True)
    assert person.sex == "M"
    assert AuditEntry.objects.get(action="create").changes["nik_mismatch_confirmed"] is True


def test_same_nik_twice_in_one_agency_is_refused_but_another_agency_may_record_it(
    case_worker, other_worker, regions
):
    person_create(actor=case_worker, data=_data())
    _assert_refused(case_worker, _data(full_name="Siti R"), "nik", "already")
    assert person_create(actor=other_worker, data=_data()).owner_agency == other_worker.agency


def test_read_only_and_analyst_cannot_create(read_only, analyst, regions):
    for user in (read_only, analyst):
        with pytest.raises(ApplicationError) as info:
            person_create(actor=user, data=_data())
        assert info.value.status == 403
    assert Person.objects.count() == 0


def test_update_bumps_version_replaces_phones_and_audits_field_names(case_worker, regions):
    person = person_create(actor=case_worker, data=_data())
    updated = person_update(
        actor=case_worker,
        person_id=person.pk,
        version=person.version,
        data=_data(phones=[PhoneInput("081299990000")], birth_place="Banjarmasin"),
    )
    assert updated.version == person.version + 1
    assert [p.number for p in updated.phones.all()] == ["+6281299990000"]
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.changes["fields"] == ["birth_place", "phones"]
    assert "Banjarmasin" not in str(entry.changes)


def test_update_without_changes_writes_nothing(case_worker, regions):
    person = person_create(actor=case_worker, data=_data())
    again = person_update(actor=case_worker, person_id=person.pk, version=person.version, data=_data())
    assert again.version == person.version
    assert not AuditEntry.objects.filter(action="update").exists()


def test_stale_edit_is_refused_and_nothing_is_lost(case_worker, supervisor, regions):
    person = person_create(actor=case_worker, data=_data())
    loaded_version = person.version
    person_update(
        actor=supervisor, person_id=person.pk, version=loaded_version, data=_data(birth_place="Martapura")
    )
    with pytest.raises(ConflictError) as info:
        person_update(
            actor=case_worker, person_id=person.pk, version=loaded_version, data=_data(birth_place="Barabai")
        )
    assert info.value.status == 409
    person.refresh_from_db()
    assert person.birth_place == "Martapura"
    assert person.version == loaded_version + 1


def test_update_of_another_agencys_person_is_not_found(case_worker, other_worker, regions):
    person = person_create(actor=case_worker, data=_data())
    with pytest.raises(Http404):
        person_update(
            actor=other_worker, person_id=person.pk, version=person.version, data=_data(full_name="X")
        )
    person.refresh_from_db()
    assert person.full_name == "Hj. Siti Rahayu"


def test_delete_needs_supervisor_and_audits(case_worker, supervisor, regions):
    person = person_create(actor=case_worker, data=_data())
    with pytest.raises(Http404):
        person_delete(actor=case_worker, person_id=person.pk)
    assert Person.objects.filter(pk=person.pk).exists()
    person_delete(actor=supervisor, person_id=person.pk)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not PersonPhone.objects.exists() and not PersonHandle.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(person.pk)).exists()


def test_reveal_is_audited_and_limited_to_roles_that_change(case_worker, read_only, regions):
    person = person_create(actor=case_worker, data=_data())
    person_reveal(actor=case_worker, person_id=person.pk, field_name="nik")
    entry = AuditEntry.objects.filter(action="view").latest("id")
    assert entry.changes == {"revealed": ["nik"]}
    with pytest.raises(Http404):
        person_reveal(actor=read_only, person_id=person.pk, field_name="nik")
    with pytest.raises(ApplicationError):
        person_reveal(actor=case_worker, person_id=person.pk, field_name="full_name")


def test_nationality_names_are_indonesian_and_iso_only():
    choices = dict(nationality_choices("id"))
    assert nationality_choices("id")[0] == ("ID", "Indonesia")
    assert choices["MY"] == "Malaysia" and choices["SA"] == "Arab Saudi"
    assert "EU" not in choices and "ZZ" not in choices and "001" not in choices
    assert dict(nationality_choices("en"))["SA"] == "Saudi Arabia"
