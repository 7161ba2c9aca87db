"""registry.counted_head: a worklist section's first rows and its count in one query."""

import pytest

from sinergi.core.registry import counted_head
from sinergi.core.testing.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_counted_head_gives_the_first_rows_and_the_whole_count_in_one_query(django_assert_num_queries):
    from sinergi.agencies.models import Agency

    for number in range(7):
        AgencyFactory(code=f"uji-{number}", name=f"Instansi Uji {number}")
    agencies = Agency.objects.filter(code__startswith="uji-").order_by("code")
    with django_assert_num_queries(1):
        count, rows = counted_head(agencies, 3)
    assert count == 7 and [a.code for a in rows] == ["uji-0", "uji-1", "uji-2"]
    with django_assert_num_queries(1):
        assert counted_head(agencies.filter(code="none"), 3) == (0, [])
    # A DISTINCT queryset is counted after its rows are made distinct (two queries, the right count).
    doubled = Agency.objects.filter(code__startswith="uji-").filter(code__in=["uji-1", "uji-2"]).distinct()
    with django_assert_num_queries(2):
        assert counted_head(doubled, 5)[0] == 2
