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
    NikMismatchWarning,
    PersonData,
    PhoneInput,
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
    call_command("audit_verify", verbosity=0)  # exits 1 (SystemExit) when the chain is broken


def test_costs_a_handful_of_queries_whatever_the_count(case_worker, regions, django_assert_max_num_queries):
    items = [_person(n) for n in range(1, 60)]
    with django_assert_max_num_queries(15):
        _bulk(case_worker, items)
    assert Person.objects.count() == 59


def test_a_role_that_may_not_record_people_is_refused_for_all(analyst, regions):
    with pytest.raises(ApplicationError):
        _bulk(analyst, [_person(1)])
    assert Person.objects.count() == 0
