"""Reads of the region tables: the autocomplete search (UI and API) and lookups by code."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from sinergi.regions.models import Region, RegionCodeHistory
from sinergi.regions.textsearch import WordPrefixMatch

MIN_NAME_QUERY = 2
_CODE_QUERY = re.compile(r"^[\d.\s]+$")


def _code_prefix_range(digits: str) -> Q:
    # A range on `digits` (a unique B-tree) instead of LIKE 'x%': it uses the index under any collation.
    upper = digits[:-1] + chr(ord(digits[-1]) + 1)
    return Q(digits__gte=digits, digits__lt=upper)


def within_region(field: str, code: str) -> Q:
    """Records whose `field` (a foreign key to a region) is the region with this dotted code or one inside it:
    dotted codes have fixed-width parts, so what starts "63.71." lies in Banjarmasin (63.71)."""
    code = code.rstrip(".")
    return Q(**{f"{field}_id": code}) | Q(**{f"{field}__code__startswith": f"{code}."})


def _name_words(query: str) -> list[str]:
    # Split like PostgreSQL's 'simple' text-search parser does, so both databases agree on what a word is.
    return [w for w in re.split(r"[^a-z0-9]+", query.lower()) if w]


def region_search(
    *,
    query: str,
    levels: Iterable[int] | None = None,
    parent: str | None = None,
) -> QuerySet[Region]:
    """Regions matching what a user typed, best first; the caller slices (autocomplete) or paginates (API).

    - Digits (dots and spaces allowed): a code prefix, "6371" or "63.71" -> Kota Banjarmasin and everything in it,
      ordered by code, so a full code is an exact lookup.
    - Otherwise every word typed must begin a word of the name ("kota banj", "banjar" both find "Kota
      Banjarmasin"); higher levels first (province before village), then names that begin with the query,
      then alphabetical. Fewer than 2 letters gives nothing.
    `levels` limits the levels (1-4); `parent` (a dotted code) limits to regions inside it, at any depth.
    """
    query = (query or "").strip()
    regions = Region.objects.all()
    levels = [int(level) for level in levels] if levels else []
    if levels:
        regions = regions.filter(level__in=levels)
    if parent:
        parent_digits = re.sub(r"\D", "", parent)
        if not parent_digits:
            return Region.objects.none()
        regions = regions.filter(_code_prefix_range(parent_digits)).exclude(digits=parent_digits)
    if not query:
        return regions.order_by("code") if (parent or levels) else Region.objects.none()
    if _CODE_QUERY.match(query):
        digits = re.sub(r"\D", "", query)
        return regions.filter(_code_prefix_range(digits)).order_by("code") if digits else regions.none()
    words = _name_words(query)
    if sum(len(w) for w in words) < MIN_NAME_QUERY:
        return Region.objects.none()
    if connection.vendor == "postgresql":
        regions = regions.filter(WordPrefixMatch("name_search", words))
    else:
        for word in words:
            regions = regions.filter(Q(name_search__startswith=word) | Q(name_search__contains=" " + word))
    phrase = " ".join(words)
    return regions.annotate(
        starts=Case(
            When(name_search__startswith=phrase, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("level", "starts", "name_search", "code")


def region_get(code: str) -> Region | None:
    """The region with this code, dotted ("63.71") or digits only ("6371"); None if there is none."""
    text = (code or "").strip()
    if not text:
        return None
    if "." in text:
        return Region.objects.filter(code=text).first()
    return Region.objects.filter(digits=re.sub(r"\D", "", text)).first()


def region_code_known(district_digits: str) -> bool:
    """Whether these 6 digits were a province+regency+district code in any edition 2015-2025 (NIK prefixes)."""
    return RegionCodeHistory.objects.filter(digits=district_digits, level=3).exists()
