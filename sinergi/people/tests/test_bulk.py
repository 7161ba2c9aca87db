"""person_bulk_create_in_transaction: the same people, refusals and audit entries as one person_create after
another, in a handful of queries; the audit chain stays intact."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from sinergi.audit.models import AuditEntry
from sinergi.core.errors import ApplicationError
from sinergi.people.models import Person, PersonPhone
from sinergi.people.nik import nik_build
from sinergi.people.services import (
    HandleInput,
    NikMismatchWarning,
    PersonData,
    PhoneInput,
    person_bulk_create_check,
    person_bulk_create_in_transaction,
    person_create,
)
from sinergi.people.tests.conftest import NIK_WOMAN_1990

pytestmark = pytest.mark.django_db


def _person(n: int, **overrides) -> PersonData:
    values = {
        "full_name": f"Siti Rahayu {n}",
        "sex": "F",
        "birth_date": date(1990, 1, 10),
        "nik": nik_build("637101", date(1990, 1, 10), "F", 100 + n),
        "phones": [PhoneInput(f"0812-3456-{7000 + n}")],
    }
    values.update(overrides)
    return PersonData(**values)


def _bulk(actor, items):
    with transaction.atomic():
        return person_bulk_create_in_transaction(actor=actor, items=items)


def test_creates_and_refuses_item_by_item_as_the_single_service_would(case_worker, regions):
    person_create(actor=case_worker, data=_person(0, nik=NIK_WOMAN_1990))
    items = [
        _person(1),
        _person(2, nik=NIK_WOMAN_1990),  # the agency holds it already
        _person(3, full_name=""),  # no name
        _person(4, birth_date=date(1991, 5, 5)),  # the NIK says 10 January 1990: a mismatch
        _person(5),
        _person(6, nik=nik_build("637101", date(1990, 1, 10), "F", 105)),  # the same NIK as item 5
    ]
    with translation.override("en"):
        results = _bulk(case_worker, items)
    assert isinstance(results[0], Person) and isinstance(results[4], Person)
    assert isinstance(results[1], ValidationError) and "already recorded" in str(results[1])
    assert isinstance(results[2], ValidationError) and "full_name" in results[2].message_dict
    assert isinstance(results[3], NikMismatchWarning)
    assert isinstance(results[5], ValidationError) and "nik" in results[5].message_dict
    assert Person.objects.count() == 3
    assert PersonPhone.objects.filter(person__in=[results[0], results[4]]).count() == 2
    entries = AuditEntry.objects.filter(action="create", object_type="people.person").order_by("id")
    assert [e.object_id for e in entries][1:] == [str(results[0].pk), str(results[4].pk)]
    assert entries.last().changes == {"fields": ["birth_date", "full_name", "nik", "phones", "sex"]}


def test_the_chain_stays_intact(case_worker, regions):
    from django.core.management import call_command

    _bulk(case_worker, [_person(n) for n in range(1, 30)])
    person_create(actor=case_worker, data=_person(40))  # one after the bulk links to its last entry
    call_command("audit_verify", "--no-checkpoint", verbosity=0)  # exits 1 when the chain is broken


def test_costs_a_handful_of_queries_whatever_the_count(case_worker, regions, django_assert_max_num_queries):
    items = [_person(n) for n in range(1, 60)]
    with django_assert_max_num_queries(15):
        _bulk(case_worker, items)
    assert Person.objects.count() == 59


def test_a_role_that_may_not_record_people_is_refused_for_all(analyst, regions):
    with pytest.raises(ApplicationError):
        _bulk(analyst, [_person(1)])
    assert Person.objects.count() == 0


def _refusals(results) -> list:
    return [
        (type(r).__name__, sorted(getattr(r, "message_dict", None) or getattr(r, "fields", None) or {}))
        if isinstance(r, Exception)
        else None
        for r in results
    ]


def test_the_check_answers_what_the_create_then_does_and_writes_nothing(case_worker, regions):
    person_create(actor=case_worker, data=_person(0, nik=NIK_WOMAN_1990))
    items = [
        _person(1),
        _person(2, nik=NIK_WOMAN_1990),
        _person(3, full_name=""),
        _person(4, birth_date=date(1991, 5, 5)),
        _person(5, phones=[PhoneInput("12")]),
        _person(6),
        _person(7, nik=nik_build("637101", date(1990, 1, 10), "F", 106)),  # the NIK of item 6
    ]
    entries = AuditEntry.objects.count()
    checked = person_bulk_create_check(actor=case_worker, items=items)
    assert Person.objects.count() == 1 and AuditEntry.objects.count() == entries
    created = _bulk(case_worker, items)
    assert _refusals(checked) == _refusals(created)
    assert [r is None for r in checked] == [isinstance(r, Person) for r in created]
    assert [r is None for r in checked] == [True, False, False, False, False, True, False]


def test_people_written_in_bulk_pass_the_models_own_validation(case_worker, regions):
    """The bulk create runs no full_clean(): _validate() must hold every rule of the model's fields, so people
    at the limits of every field, once written and read back, are valid models."""
    longest = _person(
        1,
        full_name="A" * 200,
        aliases=[f"Alias {n} " + "b" * 180 for n in range(20)],
        birth_place="Martapura " * 12,
        passport_number="C" + "1" * 19,
        nationality="MY",
        address_detail="Jl. " + "x" * 500,
        phones=[PhoneInput(f"0812-3456-{7100 + n}", label="L" * 60) for n in range(10)],
        handles=[HandleInput(platform="facebook", handle="h" * 200)],
    )
    results = _bulk(case_worker, [longest, _person(2, sex="", birth_date=None, nik="", phones=[])])
    assert all(isinstance(r, Person) for r in results), results
    for person in Person.objects.filter(pk__in=[r.pk for r in results]):
        person.full_clean()
        for phone in person.phones.all():
            phone.full_clean()
        for handle in person.handles.all():
            handle.full_clean()
    stored = Person.objects.get(pk=results[0].pk)
    assert stored.passport_number == "C" + "1" * 19 and stored.nik == _person(1).nik  # decrypted back
    assert len(stored.aliases) == 20 and stored.phones.count() == 10


def test_the_audit_entry_names_the_same_fields_as_a_single_create(case_worker, regions):
    data = {
        "full_name": "Dewi Lestari",
        "birth_place": "Banjarmasin",
        "nationality": "ID",
        "passport_number": "C1234567",
        "handles": [HandleInput(platform="facebook", handle="dewi.l")],
    }
    single = person_create(actor=case_worker, data=_person(1, **data))
    (bulk,) = _bulk(case_worker, [_person(2, **data)])
    changes = dict(AuditEntry.objects.filter(object_type="people.person").values_list("object_id", "changes"))
    assert changes[str(bulk.pk)] == changes[str(single.pk)]
