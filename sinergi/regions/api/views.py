"""/api/v1/regions/: the Kemendagri regions, searched like the autocomplete (reference data, any signed-in caller)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from sinergi.core.api.params import DeclaredQueryParamsMixin, query_params
from sinergi.regions.api.serializers import RegionListQuerySerializer, RegionOutputSerializer
from sinergi.regions.models import Region
from sinergi.regions.selectors import region_get, region_search


@extend_schema_view(
    list=extend_schema(
        summary="Search regions",
        description=(
            "By name (every word must begin a word of the name) or by code prefix (`63.71` or `6371`); "
            "`level` (1-4, or several separated by commas) and `parent` (a code) narrow the search. Without `q`, "
            "`level` or `parent`, provinces are listed."
        ),
        parameters=[RegionListQuerySerializer],
    ),
    retrieve=extend_schema(summary="One region by code (dotted or digits only)"),
)
class RegionViewSet(DeclaredQueryParamsMixin, viewsets.GenericViewSet):
    serializer_class = RegionOutputSerializer
    queryset = Region.objects.none()
    lookup_value_regex = r"[0-9.]{1,13}"

    def list(self, request):
        params = query_params(RegionListQuerySerializer, request)
        query, levels, parent = params.get("q", ""), params.get("level"), params.get("parent")
        if not (query.strip() or levels or parent):
            levels = [1]
        regions = region_search(query=query, levels=levels, parent=parent)
        page = self.paginate_queryset(regions)
        return self.get_paginated_response(RegionOutputSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        region = region_get(pk)
        if region is None:
            raise Http404
        return Response(RegionOutputSerializer(region).data)
