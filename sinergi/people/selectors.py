"""Reads of person records. Every read starts from `Person.objects.restrict(user, action)`.

The search box takes anything a user may have at hand, and `person_list` decides what it is:

- 16 digits (spaces, dots and dashes allowed): a NIK, looked up exactly through its blind index;
- something that looks like a phone number (7-15 digits, optionally + and separators): the number is
  normalised to E.164 and looked up exactly through the phones' blind index; digits that are not a valid
  number find nobody;
- one or two letters followed by 6-8 digits: a passport number, exact lookup through its blind index;
- anything else: a name. The query is normalised like stored names (`names.normalise_name`: no titles,
  no diacritics, no punctuation) and every word typed must be the beginning of a word of the person's full
  name or of one of their aliases, in any order: "siti rah" and "rahayu siti" both find "Hj. Siti Rahayu".
  Words of one letter are ignored when a longer one is present (initials). A word with other spellings of the
  same name (`names.name_variants`: Muhammad, Muhamad, Moh., M.; Achmad, Ahmad) also finds those, as whole
  words. At most NAME_SEARCH_LIMIT (200)
  people are taken, then ordered: names that begin with the query first, then alphabetically. When more
  match, the page says so and the user adds a word: nobody reads past 200 namesakes, and the cap keeps
  the search fast whatever is typed (a common surname matches thousands in a million).

  On PostgreSQL the word-prefix match is a full-text prefix query, `to_tsvector('simple', search_names) @@
  'siti:* & rah:*'`, served by a GIN index (migration 0004; docs/decisions/0004-people-name-search.md
  explains why not trigrams). On SQLite it is `search_names LIKE '% siti%'` for each word, a scan, which
  is fine at the sizes SQLite is used for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from sinergi.agencies.models import User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_read, audit_record
from sinergi.people import identifiers
from sinergi.people.choices import PersonAction
from sinergi.people.models import Person, PersonPhone
from sinergi.people.names import name_variants, normalise_name
from sinergi.regions.selectors import within_region
from sinergi.regions.textsearch import WordPrefixMatch

MIN_NAME_QUERY = 2
NAME_SEARCH_LIMIT = 200
_SEPARATORS = re.compile(r"[\s.\-()/]")
_NIK = re.compile(r"^\d{16}$")
_PHONE = re.compile(r"^\+?\d{7,15}$")
_PASSPORT = re.compile(r"^[A-Za-z]{1,2}\d{6,8}$")


@dataclass(frozen=True)
class ParsedQuery:
    """What a search query was taken to be: kind is "nik", "phone", "passport", "name", "invalid" or "".

    An invalid query says why in `reason`: "too_short" (a name of one letter), "nik_length" (digits that are
    almost a NIK), "phone_letters" (a phone number with letters in it), "phone_invalid" (digits that are no
    valid number), "mixed" (letters and digits that are no passport number); `query_error` words it."""

    kind: str
    value: str | list[str] = ""
    reason: str = ""


_NEAR_NIK = re.compile(r"^\d{13,15}$|^\d{17,19}$")
_PHONE_LIKE = re.compile(r"^(\+|0|62)")


def query_error(parsed: ParsedQuery) -> str:
    """What was wrong with an invalid query, in the user's language ("" for a valid one)."""
    from django.utils.translation import gettext as _

    if parsed.kind != "invalid":
        return ""
    messages = {
        "too_short": _("Type at least two letters of the name."),
        "nik_length": _("A NIK has 16 digits; you typed %(n)s.") % {"n": len(str(parsed.value))},
        "phone_letters": _("A phone number has only digits (with + or spaces): remove the letters."),
        "phone_invalid": _("That is not a valid phone number: check the digits and the country code."),
        "mixed": _(
            "Type a name, a NIK of 16 digits, a phone number or a passport number (one or two letters and "
            "6 to 8 digits)."
        ),
    }
    return messages.get(parsed.reason, messages["mixed"])


def parse_query(query: str | None) -> ParsedQuery:
    text = (query or "").strip()[:200]
    if not text:
        return ParsedQuery("")
    compact = _SEPARATORS.sub("", text)
    if _NIK.match(compact):
        return ParsedQuery("nik", compact)
    if _NEAR_NIK.match(compact) and not _PHONE_LIKE.match(compact):
        return ParsedQuery("invalid", compact, reason="nik_length")
    if _PHONE.match(compact):
        try:
            return ParsedQuery("phone", identifiers.normalise_phone(text))
        except identifiers.InvalidPhoneNumber:
            return ParsedQuery("invalid", compact, reason="phone_invalid")
    if _PASSPORT.match(compact):
        return ParsedQuery("passport", identifiers.normalise_passport(compact))
    digits = sum(ch.isdigit() for ch in compact)
    if digits >= 4:
        # Letters among the digits of what is meant as a number: say so rather than search it as a name.
        return ParsedQuery("invalid", "", reason="phone_letters" if _PHONE_LIKE.match(compact) else "mixed")
    words = normalise_name(text).split()
    long_words = [w for w in words if len(w) > 1]
    words = long_words or words
    if sum(len(w) for w in words) < MIN_NAME_QUERY:
        return ParsedQuery("invalid", "", reason="too_short")
    return ParsedQuery("name", words)


def people_matching(people: QuerySet[Person], parsed: ParsedQuery) -> QuerySet[Person]:
    """`people` narrowed to those matching a parsed query (exact blind-index lookups, or the name's words with
    their variants), unordered; none for an invalid or empty query. Scoping is the caller's: `person_list`
    starts from the user's restrict(), the case search from the parties whose identity the reader sees."""
    if parsed.kind == "nik":
        return people.filter(nik_index=identifiers.nik_index(str(parsed.value)))
    if parsed.kind == "phone":
        numbers = PersonPhone.objects.filter(number_index=identifiers.phone_index(str(parsed.value)))
        return people.filter(pk__in=numbers.values("person_id"))
    if parsed.kind == "passport":
        return people.filter(passport_index=identifiers.passport_index(str(parsed.value)))
    if parsed.kind != "name":
        return people.none()
    words = list(parsed.value)
    variants: dict[str, Sequence[str]] = {word: name_variants(word) for word in words}
    if connection.vendor == "postgresql":
        return people.filter(WordPrefixMatch("search_names", words, alternatives=variants))
    for word in words:
        match = Q(search_names__contains=" " + word)
        for variant in variants[word]:
            match |= Q(search_names__contains=f" {variant} ") | Q(search_names__endswith=f" {variant}")
        people = people.filter(match)
    return people


def person_list(*, user: User, query: str = "", filters: dict[str, Any] | None = None) -> QuerySet[Person]:
    """The people `user` may view that match `query` (see the module docstring) and `filters`.

    `filters` keys (all optional): `sex` ("F", "M", "U"), `nationality` (ISO alpha-2), `region` (a dotted code:
    people whose address region lies inside it), `agency` (owner agency id), `nik` (16 digits) and `phone`
    (E.164): exact lookups through the blind indexes.
    """
    people: QuerySet[Person] = Person.objects.restrict(user, PersonAction.VIEW)
    filters = filters or {}
    if filters.get("sex"):
        people = people.filter(sex=filters["sex"])
    if filters.get("nationality"):
        people = people.filter(nationality=str(filters["nationality"]).upper())
    if filters.get("region"):
        people = people.filter(within_region("address_region", str(filters["region"])))
    if filters.get("agency"):
        people = people.filter(owner_agency_id=filters["agency"])
    if filters.get("nik"):
        people = people.filter(nik_index=identifiers.nik_index(filters["nik"]))
    if filters.get("phone"):
        people = people.filter(
            pk__in=PersonPhone.objects.filter(number_index=identifiers.phone_index(filters["phone"])).values(
                "person_id"
            )
        )

    parsed = parse_query(query)
    if parsed.kind in ("nik", "phone", "passport"):
        people = people_matching(people, parsed)
    elif parsed.kind == "invalid":
        return people.none()
    elif parsed.kind == "name":
        candidates = people_matching(people, parsed)
        # Unordered and capped: the database stops after NAME_SEARCH_LIMIT matches instead of sorting all.
        people = Person.objects.filter(pk__in=candidates.order_by().values("pk")[:NAME_SEARCH_LIMIT])
        phrase = " ".join(parsed.value)
        people = people.annotate(
            name_rank=Case(
                When(name_normalised__startswith=phrase, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("name_rank", "name_normalised", "id")
    return people.select_related("address_region", "owner_agency")


def person_get(
    *, user: User, person_id: int | str, action: str = PersonAction.VIEW, audit: bool = True
) -> Person:
    """One person the user may `action`, with phones and handles; 404 otherwise. Records a VIEW audit entry."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise Http404 from None
    person: Person | None = (
        Person.objects.restrict(user, action)
        .select_related("address_region", "owner_agency", "created_by")
        .prefetch_related("phones", "handles")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    if audit:
        audit_record(actor=user, action=AuditAction.VIEW, obj=person, summary="person viewed")
    return person


def person_may(user: User, person: Person, action: str) -> bool:
    """Whether `user` may `action` this person (for showing or hiding buttons; services check again)."""
    may: bool = Person.objects.restrict(user, action).filter(pk=person.pk).exists()
    return may


def person_search_record(
    *, user: User, query: str = "", filters: dict[str, Any] | None = None, count: int
) -> None:
    """Writes the one audit entry of a list or search of people: how many were returned and, for a search by
    identifier or name, a keyed hash of what was searched, never the value."""
    filters = filters or {}
    parsed = parse_query(query)
    searched = {key: str(filters[key]) for key in ("nik", "phone") if filters.get(key)}
    if parsed.kind in ("nik", "phone", "passport"):
        searched[parsed.kind] = str(parsed.value)
    elif parsed.kind == "name":
        searched["name"] = " ".join(parsed.value)
    audit_read(
        actor=user,
        object_type="people.search" if searched else "people.list",
        summary="person search" if searched else "person list viewed",
        count=count,
        searched=searched,
    )
