"""sinergi.core.bulk: rows written by COPY (PostgreSQL) or bulk_create (SQLite) read back as an ORM save would
store them; keys in the order of the instances; the database's constraints still refuse a duplicate."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from sinergi.audit.models import AuditEntry
from sinergi.core.bulk import bulk_insert, new_instance
from sinergi.people import identifiers
from sinergi.people.models import Person, PersonPhone

pytestmark = pytest.mark.django_db


def _person(agency, n: int, **values) -> Person:
    nik = f"637101500190{n:04d}"
    return new_instance(
        Person,
        owner_agency_id=agency.pk,
        full_name=f"Siti Tab\t{n}\\ baris\nbaru",  # COPY's own separators, escaped
        name_normalised=f"siti {n}",
        nik=nik,
        nik_index=identifiers.nik_index(nik),
        birth_date=date(1990, 1, 10),
        aliases=['Siti "R"', "Ñame"],
        **values,
    )


def test_rows_read_back_as_saved_with_keys_in_order(agency):
    people = bulk_insert([_person(agency, n) for n in range(1, 8)])
    assert [p.pk for p in people] == sorted(p.pk for p in people) and all(p.pk for p in people)
    assert not people[0]._state.adding
    stored = Person.objects.get(pk=people[2].pk)
    assert stored.full_name == "Siti Tab\t3\\ baris\nbaru"
    assert stored.nik == "6371015001900003"  # decrypted: it was stored encrypted
    assert Person.objects.filter(pk=stored.pk, nik="6371015001900003").count() == 0  # not in clear
    assert stored.aliases == ['Siti "R"', "Ñame"] and stored.birth_date == date(1990, 1, 10)
    assert stored.address_region_id is None and stored.version == 1 and stored.created_at is not None
    phones = bulk_insert(
        [
            new_instance(PersonPhone, person_id=p.pk, number="+6281234567890", number_index=str(p.pk))
            for p in people
        ]
    )
    assert PersonPhone.objects.get(pk=phones[0].pk).number == "+6281234567890"
    assert PersonPhone.objects.filter(person__in=people).count() == 7


def test_a_duplicate_is_refused_by_the_database_and_nothing_is_left(agency):
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert([_person(agency, 1), _person(agency, 1)])  # the same NIK twice in one agency
    assert Person.objects.count() == 0


def test_nothing_to_insert_costs_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_insert([]) == []


def test_new_instance_is_the_keyword_constructor(agency):
    built = new_instance(Person, owner_agency_id=agency.pk, full_name="Budi")
    plain = Person(owner_agency_id=agency.pk, full_name="Budi")
    names = [f.attname for f in Person._meta.concrete_fields if f.attname not in ("created_at", "updated_at")]
    assert [getattr(built, n) for n in names] == [getattr(plain, n) for n in names]
    with pytest.raises(TypeError, match="owner_agency"):
        new_instance(Person, owner_agency=agency)  # by attribute name only: a typo must not pass silently


def test_audit_entries_appended_in_bulk_keep_the_chain(agency):
    from django.core.management import call_command

    from sinergi.audit.services import audit_record, audit_record_many

    people = bulk_insert([_person(agency, n) for n in range(1, 40)])
    entries = audit_record_many(
        actor=None, action="create", objects=people, summary="person created", changes=[{}] * len(people)
    )
    assert [e.pk for e in entries] == sorted(e.pk for e in entries)
    assert [e.object_id for e in AuditEntry.objects.order_by("id")] == [str(p.pk) for p in people]
    audit_record(actor=None, action="create", obj=people[0], summary="after the bulk")
    call_command("audit_verify", "--no-checkpoint", verbosity=0)  # exits 1 when the chain is broken
