"""AnyOf: a column among ids read beforehand, one array on PostgreSQL, an IN list elsewhere."""

from __future__ import annotations

import pytest
from django.db.models import F, Q

from sinergi.agencies.models import Agency
from sinergi.core.lookups import AnyOf

pytestmark = pytest.mark.django_db


def test_any_of_keeps_the_rows_listed_and_an_empty_list_keeps_none_but_leaves_an_or_its_other_side():
    agencies = [Agency.objects.create(code=f"any-of-{i}", name=f"Any of {i}", type="BP3MI") for i in range(4)]
    ids = [agencies[0].pk, agencies[2].pk, str(agencies[3].pk)]  # a string id is read as the number
    found = Agency.objects.filter(AnyOf(F("id"), ids)).values_list("code", flat=True)
    assert sorted(found) == ["any-of-0", "any-of-2", "any-of-3"]
    assert not Agency.objects.filter(AnyOf(F("id"), [])).exists()
    either = Agency.objects.filter(Q(AnyOf(F("id"), [])) | Q(code="any-of-1")).values_list("code", flat=True)
    assert list(either) == ["any-of-1"]
    assert Agency.objects.exclude(AnyOf(F("id"), ids)).filter(code__startswith="any-of-").count() == 1
