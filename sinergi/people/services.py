"""Writes to person records: create, update (optimistic locking), delete, and the audited reveal of identifiers.

Every service validates the whole input first and raises one `ValidationError` with a message per field (an
item of a list by its dotted path, `phones.0.number`), so nothing is written when anything is wrong. A NIK that contradicts the entered birth date or sex is not an error
but a warning: the service raises `NikMismatchWarning` until the caller passes `confirm_nik_mismatch=True`
(the form shows the warning with a confirmation box; the API answers 400 `nik_mismatch`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.agencies.models import User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record, audit_record_many
from sinergi.core.bulk import bulk_insert, new_instance
from sinergi.core.countries import is_country
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.people import access, identifiers
from sinergi.people import nik as nik_module
from sinergi.people.choices import PersonAction, RevealableField, Sex, SocialPlatform
from sinergi.people.models import Person, PersonHandle, PersonPhone
from sinergi.people.names import normalise_name
from sinergi.regions.models import RegionCodeHistory

NIK_TAKEN_MESSAGE = gettext_lazy(
    "Your agency has already recorded a person with this NIK. Search for it instead."
)
MAX_ALIASES = 20
MAX_PHONES = 10
MAX_HANDLES = 20
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_SEXES = frozenset(Sex.values)

NIK_ERROR_MESSAGES = {
    "nik_format": gettext_lazy("A NIK has exactly 16 digits."),
    "nik_region": gettext_lazy(
        "The first 6 digits of the NIK are not a province, regency and district code."
    ),
    "nik_region_unknown": gettext_lazy(
        "The first 6 digits of the NIK (%(code)s) are not a district code in any Kemendagri edition since 2015."
    ),
    "nik_birth_date": gettext_lazy(
        "Digits 7 to 12 of the NIK are not a valid birth date (DDMMYY; for women the day is increased by 40)."
    ),
    "nik_serial": gettext_lazy("The last 4 digits of the NIK cannot be 0000."),
}


@dataclass
class PhoneInput:
    number: str
    label: str = ""


@dataclass
class HandleInput:
    platform: str
    handle: str


@dataclass
class PersonData:
    """Everything a user can enter about a person, as typed (the service normalises and validates)."""

    full_name: str
    aliases: list[str] = field(default_factory=list)
    sex: str = Sex.UNKNOWN
    birth_date: date | None = None
    birth_place: str = ""
    nik: str = ""
    passport_number: str = ""
    nationality: str = "ID"
    address_region: object | None = None  # a Region
    address_detail: str = ""
    phones: list[PhoneInput] = field(default_factory=list)
    handles: list[HandleInput] = field(default_factory=list)


@dataclass(frozen=True)
class NikWarning:
    code: str  # nik_birth_date_mismatch, nik_sex_mismatch
    field: str
    message: str


class NikMismatchWarning(ApplicationError):
    """The NIK contradicts the birth date or sex entered; saving needs an explicit confirmation."""

    def __init__(self, warnings: list[NikWarning]):
        super().__init__(
            _("The NIK does not match the birth date or sex entered. Check it, then confirm to save anyway."),
            code="nik_mismatch",
            fields={w.field: [w.message] for w in warnings},
        )
        self.warnings = warnings


@dataclass
class _Clean:
    """Validated, normalised values ready to be written."""

    full_name: str
    name_normalised: str
    search_names: str
    aliases: list[str]
    sex: str
    birth_date: date | None
    birth_place: str
    nik: str
    nik_index: str
    passport_number: str
    passport_index: str
    nationality: str
    address_region: object | None
    address_detail: str
    phones: list[tuple[str, str, str]]  # (e164, index, label)
    handles: list[tuple[str, str, str]]  # (platform, handle, normalised)


def normalise_handle(handle: str) -> str:
    """The comparable form of a social-media handle: no spaces, no leading @, lower case."""
    return re.sub(r"\s+", "", handle or "").lstrip("@").lower()


def _date_text(value: object) -> str:
    # A NIK mismatch holds what it compared: dates for the birth date.
    return formats.date_format(value, "DATE_FORMAT") if isinstance(value, date) else str(value)


def _sex_text(value: object) -> str:
    return str(Sex(value).label) if isinstance(value, str) else str(value)


def nik_warnings(parsed: nik_module.ParsedNik, *, birth_date: date | None, sex: str) -> list[NikWarning]:
    """The mismatches between a parsed NIK and the entered birth date and sex, as messages for the user."""
    found = []
    for mismatch in nik_module.nik_mismatches(parsed, birth_date=birth_date, sex=sex):
        if mismatch.field == "birth_date":
            message = _("The NIK gives the birth date %(from_nik)s, but %(entered)s was entered.") % {
                "from_nik": _date_text(mismatch.from_nik),
                "entered": _date_text(mismatch.entered),
            }
        else:
            message = _("The NIK is that of a %(from_nik)s person, but the sex entered is %(entered)s.") % {
                "from_nik": _sex_text(mismatch.from_nik).lower(),
                "entered": _sex_text(mismatch.entered).lower(),
            }
        found.append(NikWarning(code=mismatch.code, field=mismatch.field, message=message))
    return found


@dataclass
class _Lookups:
    """What validating many people at once reads once for all of them (person_bulk_create_in_transaction):
    the district codes a NIK may start with, and today's date. The NIKs the agency already holds are then
    checked in one query."""

    districts: frozenset[str]
    today: date


def _validate(
    data: PersonData, *, owner_agency_id: int, exclude_pk: int | None, lookups: _Lookups | None = None
) -> tuple[_Clean, list[NikWarning]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    full_name = re.sub(r"\s+", " ", data.full_name or "").strip()
    name_normalised = normalise_name(full_name)
    if not full_name or not name_normalised:
        add("full_name", _("Enter the person's full name."))
    elif len(full_name) > 200:
        add("full_name", _("The full name is too long (at most 200 characters)."))

    aliases: list[str] = []
    for alias in data.aliases or []:
        alias = re.sub(r"\s+", " ", str(alias)).strip()
        if alias and alias not in aliases and alias != full_name:
            aliases.append(alias[:200])
    if len(aliases) > MAX_ALIASES:
        add("aliases", _("At most %(n)d aliases can be recorded.") % {"n": MAX_ALIASES})

    sex = data.sex or Sex.UNKNOWN
    if sex not in _SEXES:
        add("sex", _("Choose the sex from the list."))

    today = lookups.today if lookups is not None else timezone.localdate()
    birth_date = data.birth_date
    if birth_date is not None:
        if birth_date > today:
            add("birth_date", _("The birth date cannot be in the future."))
        elif birth_date < EARLIEST_BIRTH_DATE:
            add("birth_date", _("The birth date cannot be before 1900."))

    nik = ""
    warnings: list[NikWarning] = []
    if (data.nik or "").strip():
        try:
            parsed = nik_module.parse_nik(data.nik, today=today)
        except nik_module.NikError as exc:
            add("nik", str(NIK_ERROR_MESSAGES.get(exc.code, exc.message)))
        else:
            if lookups is not None:
                known_district = parsed.district_digits in lookups.districts
            else:
                known_district = RegionCodeHistory.objects.filter(
                    digits=parsed.district_digits, level=3
                ).exists()
            if not known_district:
                add("nik", str(NIK_ERROR_MESSAGES["nik_region_unknown"]) % {"code": parsed.region_code})
            else:
                nik = parsed.nik
                if "birth_date" not in errors and "sex" not in errors:
                    warnings = nik_warnings(parsed, birth_date=birth_date, sex=sex)
    nik_index = identifiers.nik_index(nik) if nik else ""
    if nik_index and lookups is None:
        duplicates = Person.objects.filter(owner_agency_id=owner_agency_id, nik_index=nik_index)
        if exclude_pk is not None:
            duplicates = duplicates.exclude(pk=exclude_pk)
        if duplicates.exists():
            add("nik", str(NIK_TAKEN_MESSAGE))

    passport = identifiers.normalise_passport(data.passport_number)
    if passport and not _PASSPORT.match(passport):
        add("passport_number", _("A passport number has 5 to 20 letters and digits."))

    nationality = (data.nationality or "").strip().upper()
    if not is_country(nationality):
        add("nationality", _("Choose the nationality from the list."))

    birth_place = (data.birth_place or "").strip()
    if len(birth_place) > 120:
        add("birth_place", _("The birth place is too long (at most 120 characters)."))

    # An item of a list is named by its dotted path (`phones.1.number`: the number of the second phone, counted
    # from 0 in the list as given), the name the API's own serializer errors use, so that a caller can point at
    # the item without reading the message; the message counts from 1, for a person.
    phones: list[tuple[str, str, str]] = []
    seen_phones: set[str] = set()
    for index, phone in enumerate(data.phones or []):
        if not (phone.number or "").strip():
            continue
        try:
            e164 = identifiers.normalise_phone(phone.number)
        except identifiers.InvalidPhoneNumber:
            add(
                f"phones.{index}.number",
                _("Phone number %(n)d is not a valid phone number (e.g. 0812-3456-7890 or +60 12-345 6789).")
                % {"n": index + 1},
            )
            continue
        if e164 not in seen_phones:
            seen_phones.add(e164)
            phones.append((e164, identifiers.phone_index(e164), (phone.label or "").strip()[:40]))
    if len(phones) > MAX_PHONES:
        add("phones", _("At most %(n)d phone numbers can be recorded.") % {"n": MAX_PHONES})

    handles: list[tuple[str, str, str]] = []
    seen_handles: set[tuple[str, str]] = set()
    for index, item in enumerate(data.handles or []):
        text = (item.handle or "").strip()
        if not text:
            continue
        if item.platform not in SocialPlatform.values:
            add(f"handles.{index}.platform", _("Choose the platform of account %(n)d.") % {"n": index + 1})
            continue
        normalised = normalise_handle(text)
        if not normalised or len(text) > 200:
            add(f"handles.{index}.handle", _("Account %(n)d is not a valid handle.") % {"n": index + 1})
            continue
        if (item.platform, normalised) not in seen_handles:
            seen_handles.add((item.platform, normalised))
            handles.append((item.platform, text, normalised))
    if len(handles) > MAX_HANDLES:
        add("handles", _("At most %(n)d accounts can be recorded.") % {"n": MAX_HANDLES})

    if errors:
        raise ValidationError(errors)
    alias_forms = [normalise_name(alias) for alias in aliases]
    search_names = " " + " ".join(dict.fromkeys(w for w in [name_normalised, *alias_forms] if w))
    return (
        _Clean(
            full_name=full_name,
            name_normalised=name_normalised[:200],
            search_names=search_names,
            aliases=aliases,
            sex=sex,
            birth_date=birth_date,
            birth_place=birth_place,
            nik=nik,
            nik_index=nik_index,
            passport_number=passport,
            passport_index=identifiers.passport_index(passport) if passport else "",
            nationality=nationality,
            address_region=data.address_region,
            address_detail=(data.address_detail or "").strip(),
            phones=phones,
            handles=handles,
        ),
        warnings,
    )


_SCALAR_FIELDS = (
    "full_name",
    "name_normalised",
    "search_names",
    "aliases",
    "sex",
    "birth_date",
    "birth_place",
    "nik",
    "nik_index",
    "passport_number",
    "passport_index",
    "nationality",
    "address_region",
    "address_detail",
)
# Derived columns are not reported in the audit trail: the field the user edited is.
_DERIVED = {"name_normalised", "search_names", "nik_index", "passport_index"}


def _apply(person: Person, clean: _Clean) -> list[str]:
    changed = []
    for name in _SCALAR_FIELDS:
        value = getattr(clean, name)
        if getattr(person, name) != value:
            setattr(person, name, value)
            if name not in _DERIVED:
                changed.append(name)
    return changed


def _write_phones_and_handles(person: Person, clean: _Clean) -> list[str]:
    changed = []
    current_phones = {p.number_index: p for p in person.phones.all()}
    wanted_phones = {index: (e164, label) for e164, index, label in clean.phones}
    if set(current_phones) != set(wanted_phones) or any(
        current_phones[i].label != wanted_phones[i][1] for i in wanted_phones if i in current_phones
    ):
        changed.append("phones")
        person.phones.all().delete()
        for e164, index, label in clean.phones:
            phone = PersonPhone(person=person, number=e164, number_index=index, label=label)
            phone.full_clean(exclude=["person"])
            phone.save()
    current_handles = sorted((h.platform, h.handle) for h in person.handles.all())
    if current_handles != sorted((platform, text) for platform, text, _n in clean.handles):
        changed.append("handles")
        person.handles.all().delete()
        for platform, text, normalised in clean.handles:
            handle = PersonHandle(person=person, platform=platform, handle=text, handle_normalised=normalised)
            handle.full_clean(exclude=["person"])
            handle.save()
    return changed


def _check_warnings(warnings: list[NikWarning], confirm_nik_mismatch: bool) -> None:
    if warnings and not confirm_nik_mismatch:
        raise NikMismatchWarning(warnings)


def person_create(*, actor: User, data: PersonData, confirm_nik_mismatch: bool = False) -> Person:
    """Records a new person for the actor's agency, with phones and handles, and audits it (field names only)."""
    with transaction.atomic(durable=True):
        return person_create_in_transaction(actor=actor, data=data, confirm_nik_mismatch=confirm_nik_mismatch)


def person_create_in_transaction(
    *, actor: User, data: PersonData, confirm_nik_mismatch: bool = False
) -> Person:
    """person_create() as one step of a larger service that holds the transaction: a case intake records its
    new victims together with the case, so that a refused intake leaves no person behind."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("person_create_in_transaction() runs inside the caller's transaction.atomic()")
    if not access.may_create_person(actor) or actor.agency_id is None:
        raise ApplicationError(
            _("Your role does not allow recording people."), code="permission_denied", status=403
        )
    clean, warnings = _validate(data, owner_agency_id=actor.agency_id, exclude_pk=None)
    _check_warnings(warnings, confirm_nik_mismatch)
    person = Person(owner_agency_id=actor.agency_id, created_by=actor)
    changed = _apply(person, clean)
    person.full_clean()
    person.save()
    changed += _write_phones_and_handles(person, clean)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        summary="person created",
        changes={"fields": sorted(changed), **({"nik_mismatch_confirmed": True} if warnings else {})},
    )
    return person


def person_bulk_create_check(
    *, actor: User, items: list[PersonData]
) -> list[ValidationError | ApplicationError | None]:
    """What person_bulk_create_in_transaction() would do with `items`, writing nothing (the preview of an
    import): item by item, None for a person it would create, or the refusal it would return. The same
    validation and lookups as the create, so the preview cannot promise what the commit then refuses."""
    return [result if isinstance(result, Exception) else None for result in _bulk_validate(actor, items)]


def person_bulk_create_in_transaction(
    *, actor: User, items: list[PersonData]
) -> list[Person | ValidationError | ApplicationError]:
    """person_create_in_transaction() for many people at once (a spreadsheet import), inside the caller's
    transaction: the same validation and the same audit entry per person, but what each person would look up
    alone (its NIK's district, a NIK the agency already holds) read once for all, and the rows written in bulk
    (COPY on PostgreSQL, sinergi.core.bulk).

    Returns, item by item, the new Person or the refusal person_create would have raised for it (a
    ValidationError, or NikMismatchWarning: a bulk caller cannot confirm a mismatch); nothing is written for a
    refused item. A NIK given twice in `items` is refused the second time, as it would be one after the other.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "person_bulk_create_in_transaction() runs inside the caller's transaction.atomic()"
        )
    checked = _bulk_validate(actor, items)
    results: list[Person | ValidationError | ApplicationError] = []
    people: list[tuple[int, Person, _Clean, list[str]]] = []
    now = timezone.now()
    blank = _blank_person()
    for position, result in enumerate(checked):
        if isinstance(result, Exception):
            results.append(result)
            continue
        values = {name: getattr(result, name) for name in _SCALAR_FIELDS}
        region = values.pop("address_region")
        person = new_instance(
            Person,
            **values,
            address_region_id=getattr(region, "pk", None),
            owner_agency_id=actor.agency_id,
            created_by_id=actor.pk,
            created_at=now,
            updated_at=now,
        )
        # What _apply() would report on a new Person: the fields given a value other than the default.
        changed = [
            name for name in _SCALAR_FIELDS if name not in _DERIVED and getattr(result, name) != blank[name]
        ]
        people.append((position, person, result, changed))
        results.append(person)
    bulk_insert([person for _p, person, _c, _ch in people])
    phones: list[PersonPhone] = []
    handles: list[PersonHandle] = []
    for _position, person, clean, changed in people:
        for e164, index, label in clean.phones:
            phones.append(
                new_instance(PersonPhone, person_id=person.pk, number=e164, number_index=index, label=label)
            )
        for platform, text, normalised in clean.handles:
            handles.append(
                new_instance(
                    PersonHandle,
                    person_id=person.pk,
                    platform=platform,
                    handle=text,
                    handle_normalised=normalised,
                )
            )
        if clean.phones:
            changed.append("phones")
        if clean.handles:
            changed.append("handles")
    bulk_insert(phones)
    bulk_insert(handles)
    audit_record_many(
        actor=actor,
        action=AuditAction.CREATE,
        objects=[person for _p, person, _c, _ch in people],
        summary="person created",
        changes=[{"fields": sorted(changed)} for _p, _person, _c, changed in people],
    )
    return results


def _bulk_validate(actor: User, items: list[PersonData]) -> list[_Clean | ValidationError | ApplicationError]:
    """The validation of person_create for many items: the clean values of each, or its refusal. What each
    would look up alone (its NIK's district, a NIK the agency already holds) is read once for all.

    _validate() checks every rule the model's fields state (lengths, choices, dates), so no full_clean() runs
    per person: a test compares the two on refused input (test_services.py)."""
    if not access.may_create_person(actor) or actor.agency_id is None:
        raise ApplicationError(
            _("Your role does not allow recording people."), code="permission_denied", status=403
        )
    lookups = _Lookups(districts=_district_digits(), today=timezone.localdate())
    results: list[_Clean | ValidationError | ApplicationError] = []
    for data in items:
        try:
            clean, warnings = _validate(
                data, owner_agency_id=actor.agency_id, exclude_pk=None, lookups=lookups
            )
            _check_warnings(warnings, confirm_nik_mismatch=False)
        except (ValidationError, ApplicationError) as exc:
            results.append(exc)
            continue
        results.append(clean)
    wanted = sorted({r.nik_index for r in results if isinstance(r, _Clean) and r.nik_index})
    taken: set[str] = set()
    for start in range(0, len(wanted), 1000):
        taken.update(
            Person.objects.filter(
                owner_agency_id=actor.agency_id, nik_index__in=wanted[start : start + 1000]
            ).values_list("nik_index", flat=True)
        )
    for position, result in enumerate(results):
        if not isinstance(result, _Clean) or not result.nik_index:
            continue
        if result.nik_index in taken:
            results[position] = ValidationError({"nik": [str(NIK_TAKEN_MESSAGE)]})
        else:
            taken.add(result.nik_index)
    return results


@lru_cache(maxsize=1)
def _blank_person() -> dict[str, object]:
    blank = Person()
    return {name: getattr(blank, name) for name in _SCALAR_FIELDS}


def _district_digits() -> frozenset[str]:
    return frozenset(RegionCodeHistory.objects.filter(level=3).values_list("digits", flat=True).distinct())


def person_update(
    *, actor: User, person_id: int, version: int, data: PersonData, confirm_nik_mismatch: bool = False
) -> Person:
    """Saves an edit made on top of `version`; if someone saved in between, raises ConflictError, saving nothing."""
    with transaction.atomic(durable=True):
        return person_update_in_transaction(
            actor=actor,
            person_id=person_id,
            version=version,
            data=data,
            confirm_nik_mismatch=confirm_nik_mismatch,
        )


def person_update_in_transaction(
    *, actor: User, person_id: int, version: int, data: PersonData, confirm_nik_mismatch: bool = False
) -> Person:
    """person_update() as one step of a larger service that holds the transaction (a spreadsheet import)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("person_update_in_transaction() runs inside the caller's transaction.atomic()")
    with transaction.atomic():
        person: Person | None = (
            Person.objects.restrict(actor, PersonAction.CHANGE)
            .select_for_update()
            .filter(pk=person_id)
            .first()
        )
        if person is None:
            raise Http404
        if person.version != version:
            raise ConflictError(
                _(
                    "Someone else saved this person while you were editing. Nothing was saved: your changes "
                    "are still in the form below; compare them with the current record and save again."
                ),
                code="edit_conflict",
            )
        clean, warnings = _validate(data, owner_agency_id=person.owner_agency_id, exclude_pk=person.pk)
        _check_warnings(warnings, confirm_nik_mismatch)
        changed = _apply(person, clean)
        changed += _write_phones_and_handles(person, clean)
        if not changed:
            return person
        person.version = version + 1
        person.updated_at = timezone.now()
        person.full_clean()
        person.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=person,
            summary="person updated",
            changes={
                "fields": sorted(changed),
                "version": person.version,
                **({"nik_mismatch_confirmed": True} if warnings else {}),
            },
        )
    return person


def person_delete(*, actor: User, person_id: int) -> None:
    """Deletes a person record and its phones and handles; refused while other records (cases) refer to it."""
    with transaction.atomic(durable=True):
        person = (
            Person.objects.restrict(actor, PersonAction.DELETE)
            .select_for_update()
            .filter(pk=person_id)
            .first()
        )
        if person is None:
            raise Http404
        object_id = str(person.pk)
        try:
            with transaction.atomic():
                person.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise ApplicationError(
                _("This person is linked to other records (such as cases) and cannot be deleted."),
                code="person_in_use",
                status=409,
            ) from exc
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type=Person._meta.label_lower,
            object_id=object_id,
            summary="person deleted",
        )


def person_reveal(*, actor: User, person_id: int, field_name: str) -> Person:
    """Returns the person so that one identifier can be shown in full, and audits that it was shown."""
    if field_name not in RevealableField.values:
        raise ApplicationError(_("This field cannot be revealed."), code="invalid_field")
    person: Person | None = Person.objects.restrict(actor, PersonAction.REVEAL).filter(pk=person_id).first()
    if person is None:
        raise Http404
    with transaction.atomic(durable=True):
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            obj=person,
            summary=f"identifier revealed: {field_name}",
            changes={"revealed": [field_name]},
        )
    return person
