"""Writing one parsed row through the owning app's service, inside the import's transaction.

Each applier returns the outcome and the record; a refusal by the service (ValidationError, ApplicationError)
propagates to the runner, which reports it on the row. No applier writes a model itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sinergi.core.errors import ApplicationError
from sinergi.exchange.choices import RowOutcome
from sinergi.exchange.imports.schema import RecordType

if TYPE_CHECKING:
    from django.db import models

    from sinergi.agencies.models import User

    # What writing one row gave: (outcome, the record written), or the owning service's refusal.
    RowResult = tuple[str, models.Model] | ValidationError | ApplicationError | PermissionDenied
    Applier = Callable[[User, dict[str, Any]], tuple[str, models.Model]]

    class BulkApplier(Protocol):
        def __call__(
            self, actor: User, rows: list[dict[str, Any]], *, write: bool = True
        ) -> list[RowResult]: ...


# Service field names -> import column keys, so that a service's message lands on the user's column.
PERSON_FIELDS = {
    "full_name": "nama_lengkap",
    "nik": "nik",
    "sex": "jenis_kelamin",
    "birth_date": "tanggal_lahir",
    "birth_place": "tempat_lahir",
    "phones": "telepon",
    "passport_number": "paspor",
    "nationality": "kewarganegaraan",
    "address_region": "kode_wilayah",
    "aliases": "alias",
}
CASE_VICTIM_FIELDS = {
    "full_name": "nama_korban",
    "nik": "nik_korban",
    "sex": "jenis_kelamin_korban",
    "birth_date": "tanggal_lahir_korban",
}


def _person_data(values: dict, *, base=None):
    from sinergi.people.services import PersonData, PhoneInput

    def pick(key, current):
        value = values.get(key)
        return current if value in (None, "", []) else value

    if base is None:
        return PersonData(
            full_name=values.get("nama_lengkap", ""),
            nik=values.get("nik", ""),
            sex=values.get("jenis_kelamin") or "U",
            birth_date=values.get("tanggal_lahir"),
            birth_place=values.get("tempat_lahir", ""),
            passport_number=values.get("paspor", ""),
            nationality=values.get("kewarganegaraan") or "ID",
            address_region=values.get("kode_wilayah"),
            aliases=values.get("alias") or [],
            phones=[PhoneInput(number=n) for n in values.get("telepon") or []],
        )
    # An update keeps what the spreadsheet leaves empty and adds its phone numbers to the known ones.
    known_phones = [p.number for p in base.phones.all()]
    phones = list(dict.fromkeys(known_phones + list(values.get("telepon") or [])))
    return PersonData(
        full_name=pick("nama_lengkap", base.full_name),
        nik=base.nik,
        sex=values.get("jenis_kelamin") or base.sex,
        birth_date=pick("tanggal_lahir", base.birth_date),
        birth_place=pick("tempat_lahir", base.birth_place),
        passport_number=pick("paspor", base.passport_number),
        nationality=pick("kewarganegaraan", base.nationality),
        address_region=pick("kode_wilayah", base.address_region),
        aliases=list(dict.fromkeys([*base.aliases, *(values.get("alias") or [])])),
        phones=[PhoneInput(number=n) for n in phones],
        handles=[],
    )


def _agency_person_by_nik(actor, nik: str):
    from sinergi.people import identifiers
    from sinergi.people.models import Person

    if not nik:
        return None
    return (
        Person.objects.filter(owner_agency_id=actor.agency_id, nik_index=identifiers.nik_index(nik))
        .prefetch_related("phones", "handles")
        .first()
    )


def apply_person(actor, values: dict):
    from sinergi.people.services import person_create_in_transaction

    existing = _agency_person_by_nik(actor, values.get("nik", ""))
    if existing is None:
        return RowOutcome.CREATED, person_create_in_transaction(actor=actor, data=_person_data(values))
    return _update_person(actor, existing, values)


def apply_people(actor, rows: list[dict], *, write: bool = True) -> list:
    """Many people rows at once: the new ones through the people service's bulk create (one query per lookup
    for all of them, rows written in bulk, one audit entry per person), a NIK the agency already holds through
    the update service row by row, each in its savepoint. Returns per row (outcome, record) or the refusal.

    With `write=False` (the preview) the new ones only go through the bulk create's check, which writes
    nothing, and their record is None; the updates run as for the commit (the preview rolls them back)."""
    from sinergi.people import identifiers
    from sinergi.people.models import Person
    from sinergi.people.services import person_bulk_create_check, person_bulk_create_in_transaction

    indexes = {}
    for position, values in enumerate(rows):
        nik = values.get("nik", "")
        if nik:
            indexes[position] = identifiers.nik_index(nik)
    known = {}
    wanted = sorted(set(indexes.values()))
    for start in range(0, len(wanted), 1000):
        for person in Person.objects.filter(
            owner_agency_id=actor.agency_id, nik_index__in=wanted[start : start + 1000]
        ).prefetch_related("phones", "handles"):
            known[person.nik_index] = person
    results: list = [None] * len(rows)
    new_positions = []
    for position, values in enumerate(rows):
        existing = known.get(indexes.get(position, ""))
        if existing is None:
            new_positions.append(position)
            continue
        try:
            with transaction.atomic():
                results[position] = _update_person(actor, existing, values)
        except (ValidationError, ApplicationError, PermissionDenied) as exc:
            results[position] = exc
    items = [_person_data(rows[position]) for position in new_positions]
    if write:
        created: list = person_bulk_create_in_transaction(actor=actor, items=items)
    else:
        created = person_bulk_create_check(actor=actor, items=items)
    for position, result in zip(new_positions, created, strict=True):
        results[position] = result if isinstance(result, Exception) else (RowOutcome.CREATED, result)
    return results


def _update_person(actor, existing, values: dict):
    from sinergi.people.services import person_update_in_transaction

    before = existing.version
    data = _person_data(values, base=existing)
    data.handles = [_handle(h) for h in existing.handles.all()]
    person = person_update_in_transaction(actor=actor, person_id=existing.pk, version=before, data=data)
    return (RowOutcome.UPDATED if person.version != before else RowOutcome.UNCHANGED), person


def _handle(handle):
    from sinergi.people.services import HandleInput

    return HandleInput(platform=handle.platform, handle=handle.handle)


def apply_case(actor, values: dict):
    from sinergi.cases.services import case_intake_in_transaction

    parties = []
    victim = {k: values.get(v) for k, v in CASE_VICTIM_FIELDS.items()}
    if any(victim.values()):
        person = _agency_person_by_nik(actor, victim["nik"] or "")
        if person is not None:
            parties.append({"person": person, "role": "VICTIM"})
        else:
            parties.append(
                {
                    "new_person": _person_data(
                        {
                            "nama_lengkap": victim["full_name"] or "",
                            "nik": victim["nik"] or "",
                            "jenis_kelamin": victim["sex"] or "",
                            "tanggal_lahir": victim["birth_date"],
                        }
                    ),
                    "role": "VICTIM",
                }
            )
    reported = values.get("tanggal_laporan")
    reported_at = timezone.make_aware(datetime.combine(reported, time(12))) if reported else None
    case = case_intake_in_transaction(
        actor=actor,
        intake_channel=values["saluran"],
        narrative=values.get("kronologi", ""),
        reported_at=reported_at,
        destination_country=values.get("negara_tujuan", ""),
        parties=parties,
    )
    return RowOutcome.CREATED, case


_ANSWER_KEYS = {
    "tujuan": "purpose",
    "jenis_visa": "visa_type",
    "pekerjaan": "job_type",
    "negara_tujuan": "destination_country",
    "usia": "age",
    "terdaftar": "registered",
    "direkrut_melalui": "recruited_via",
    "biaya_dibayar_oleh": "costs_paid_by",
    "biaya_rp": "fee_paid_idr",
    "utang": "debt",
    "paspor_dipegang": "passport_holder",
    "didampingi": "accompanied_by",
    "penjemput": "waiting_at_destination",
    "kenal_majikan": "knows_employer",
    "dokumen": "documents",
    "tanda": "signs",
}
DEPARTURE_FIELDS = {v: k for k, v in _ANSWER_KEYS.items()}


def apply_departure(actor, values: dict):
    from sinergi.detection.services import departure_screening_create_in_transaction

    answers = {_ANSWER_KEYS[k]: v for k, v in values.items() if k in _ANSWER_KEYS and v not in (None, "", [])}
    screening = departure_screening_create_in_transaction(
        actor=actor,
        checkpoint_type=values["jenis_pos"],
        checkpoint_name=values["nama_pos"],
        traveller_name=values.get("nama_pelaku_perjalanan", ""),
        answers=answers,
    )
    return RowOutcome.CREATED, screening


APPLIERS: dict[str, Applier] = {
    RecordType.PEOPLE: apply_person,
    RecordType.CASES: apply_case,
    RecordType.DEPARTURES: apply_departure,
}
# Record types whose rows are written many at once (the owning app has a bulk service); the others row by row.
BULK_APPLIERS: dict[str, BulkApplier] = {RecordType.PEOPLE: apply_people}
SERVICE_FIELDS: dict[str, dict[str, str]] = {
    RecordType.PEOPLE: PERSON_FIELDS,
    RecordType.CASES: {**CASE_VICTIM_FIELDS, "reported_at": "tanggal_laporan", "intake_channel": "saluran",
                       "destination_country": "negara_tujuan", "narrative": "kronologi"},
    RecordType.DEPARTURES: DEPARTURE_FIELDS,
}  # fmt: skip
