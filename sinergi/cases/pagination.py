"""Pagination of case lists that never counts more rows than a person could page through.

Counting every match of a broad filter or search over 100,000 cases costs more than fetching the page itself;
beyond `COUNT_CAP` rows the list says "more than 1,000" and asks for narrower filters instead.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A Paginator whose `count` stops at `cap` (`count_capped` tells whether there are more)."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        objects = self.object_list
        if hasattr(objects, "values"):
            # Ids only, in no order: the database may stop at the cap without joining or sorting anything.
            return objects.order_by().values("pk")[: self.cap + 1].count()
        return len(objects)

    @property
    def count_capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        # Pages up to the cap only: a narrower filter is the way to what lies beyond.
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, min(self.count, self.cap) - self.orphans)
        return -(-hits // self.per_page)


class CappedPagination(PageNumberPagination):
    """API pagination for case lists: `count` is exact up to 1,000; `count_capped` says there are more."""

    django_paginator_class = CappedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, paginator.cap),
                "count_capped": paginator.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {"type": "boolean"}
        return response
