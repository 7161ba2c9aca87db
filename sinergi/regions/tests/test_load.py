"""The whole Kemendagri reference loads, with the published count at every level, and loading again is safe."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from sinergi.regions.models import Region, RegionCodeHistory

pytestmark = pytest.mark.django_db


def test_full_reference_loads_with_the_right_counts_per_level():
    # One test on purpose: the full load takes several seconds.
    call_command("regions_load", verbosity=0)
    per_level = dict(Region.objects.values_list("level").annotate(n=Count("code")))
    assert per_level == {1: 38, 2: 514, 3: 7285, 4: 83762}
    assert RegionCodeHistory.objects.count() == 8457
    village = Region.objects.get(code="63.71.01.1001")
    assert village.parent_id == "63.71.01" and village.digits == "6371011001"
    assert village.path_name.endswith("Kota Banjarmasin, Prov. Kalimantan Selatan")
    # Orphans would break the path names and the autocomplete's parent filter.
    assert not Region.objects.filter(level__gt=1, parent__isnull=True).exists()
    # Idempotent: a second run changes nothing and duplicates nothing.
    Region.objects.filter(code="63.71").update(name="changed by hand")
    call_command("regions_load", verbosity=0, province=["63"])
    assert Region.objects.count() == 38 + 514 + 7285 + 83762
    assert Region.objects.get(code="63.71").name == "Kota Banjarmasin"


def test_province_option_loads_only_that_province():
    call_command("regions_load", verbosity=0, province=["63"])
    assert set(Region.objects.values_list("code", flat=True).filter(level=1)) == {"63"}
    assert Region.objects.filter(level=2).count() == 13
    assert not RegionCodeHistory.objects.exclude(code__startswith="63").exists()
