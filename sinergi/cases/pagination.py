"""Pagination of case lists that never counts more rows than a person could page through.

Counting every match of a broad filter or search over 100,000 cases costs more than fetching the page itself;
beyond `COUNT_CAP` rows the list says "more than 1,000" and asks for narrower filters instead. A search with
words stops sooner, at `SEARCH_COUNT_CAP`: the matches of a common word are found by walking the cases newest
first, so counting a thousand of them walks five times as far as two hundred (bench/load_profile.py: a search
for "Johor", 11% of 100,000 cases, 29 ms of PostgreSQL's time to a thousand), and nobody reads two hundred
results rather than add a word.

Given `rows` (ids -> the records), the paginator asks the database once for the ids of the first
`COUNT_CAP + 1` matches in order, and takes the count and the page's ids from that one answer; a second query
reads the page's rows by id. A search's subqueries (notes, masked names) then run once per page instead of
once for the count and again for the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 1000
SEARCH_COUNT_CAP = 200


class CappedPaginator(Paginator):
    """A Paginator whose `count` stops at `cap` (`count_capped` tells whether there are more)."""

    cap = COUNT_CAP

    def __init__(
        self, object_list: Any, per_page: int, *, rows: Callable[[list[Any]], Iterable[Any]] | None = None
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows = rows

    @cached_property
    def _ids(self) -> list[Any]:
        return list(self.object_list.values_list("pk", flat=True)[: self.cap + 1])

    def page(self, number: Any) -> Page:
        if self.rows is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.cap)
        if top + self.orphans >= min(self.count, self.cap):
            top = min(self.count, self.cap)
        ids = self._ids[bottom:top]
        found = {record.pk: record for record in self.rows(ids)}
        # A record gone between the two queries is simply not on the page.
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)

    @cached_property
    def count(self) -> int:
        if self.rows is not None:
            return len(self._ids)
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


class SearchPaginator(CappedPaginator):
    """The paginator of a search with words."""

    cap = SEARCH_COUNT_CAP


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


class SearchPagination(CappedPagination):
    """API pagination for searches: `count` is exact up to 200; `count_capped` says there are more."""

    django_paginator_class = SearchPaginator
