"""Base API viewsets: every queryset starts from `Model.objects.restrict(user, action)`.

An object outside the caller's scope is simply not in the queryset, so DRF answers 404 exactly as for an id
that does not exist. Subclasses set `model` (whose default manager has `restrict`) and serializers; an extra
`@action` names the restrict() action it needs in `restrict_actions` (e.g. {"accept": "view"}), else GET
actions read "view" and the others "change". `get_object()` then gives the record or the 404.

Every API class over records holding case or person data derives from one of these
(`sinergi/core/tests/test_scoping.py` fails on one that does not), so scoping cannot be forgotten; and each page
of a list they answer to a GET is one audit entry (`paginate_queryset`), so neither can the read audit. A GET
with a query parameter its operation does not declare answers 400 (`DeclaredQueryParamsMixin`).
"""

from __future__ import annotations

from rest_framework import generics, mixins, viewsets

from sinergi.core.api.params import DeclaredQueryParamsMixin
from sinergi.core.registry import record_read

# DRF action -> the action name that `restrict()` understands.
RESTRICT_ACTIONS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class RestrictedQuerysetMixin(DeclaredQueryParamsMixin):
    model = None
    restrict_actions: dict[str, str] = {}

    # Applied after restrict(): select_related/prefetch_related for the serializer, never a permission rule.
    def optimise_queryset(self, queryset):
        return queryset

    def restrict_action(self) -> str:
        action = getattr(self, "action", None) or "list"
        if action in self.restrict_actions:
            return self.restrict_actions[action]
        return RESTRICT_ACTIONS.get(action, "view" if self.request.method in ("GET", "HEAD") else "change")

    def get_queryset(self):
        queryset = self.model._default_manager.restrict(self.request.user, self.restrict_action())
        return self.optimise_queryset(queryset)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        # A list over the caller's whole scope (GET /cases/, /posts/) writes its one read entry here. A list
        # under one record (a case's notes) is read through that record, whose own read is the entry; a POST
        # search writes its entry with what was searched (people's `search`).
        if page is not None and self.request.method == "GET" and not getattr(self, "detail", True):
            self.record_read(
                summary="list read through the API", count=len(page), searched=self.request.query_params
            )
        return page

    def record_read(self, **read) -> None:
        """One audit entry for this request's read (`audit.services.audit_read`'s arguments)."""
        record_read(actor=self.request.user, object_type=self.model._meta.label_lower, **read)

    def paged_response(self, items, serializer_class):
        """One page of `items` (a queryset or a list) in the paginated envelope the schema announces."""
        page = self.paginate_queryset(items)  # type: ignore[attr-defined]
        return self.get_paginated_response(serializer_class(page, many=True).data)  # type: ignore[attr-defined]


class AuditedRetrieveMixin(mixins.RetrieveModelMixin):
    """The generic retrieve, written to the audit trail like a page that opens the record."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self.record_read(  # type: ignore[attr-defined]
            summary="record read through the API",
            count=1,
            object_id=str(self.kwargs[self.lookup_url_kwarg or self.lookup_field]),
        )
        return response


class RestrictedReadOnlyViewSet(
    RestrictedQuerysetMixin, mixins.ListModelMixin, AuditedRetrieveMixin, viewsets.GenericViewSet
):
    """List and retrieve, scoped by restrict(user, "view")."""


class RestrictedModelViewSet(
    RestrictedQuerysetMixin,
    mixins.ListModelMixin,
    AuditedRetrieveMixin,
    viewsets.GenericViewSet,
):
    """List and retrieve; add the write actions per endpoint, each calling a service (never serializer.save)."""


class RestrictedGenericViewSet(RestrictedQuerysetMixin, viewsets.GenericViewSet):
    """No actions of its own: each endpoint adds its actions, each calling a selector or a service, and reaches
    single records through `get_object()` (restrict(user, restrict_action()) + 404)."""

    lookup_value_regex = r"\d+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A detail action finds its record before it reads the body: an id out of scope answers 404 whatever
        # was sent, never a 400 that would tell the record exists.
        if self.lookup_field in self.kwargs or (self.lookup_url_kwarg or "") in self.kwargs:
            self.get_object()

    def get_object(self):
        if not hasattr(self, "_scoped_object"):
            self._scoped_object = super().get_object()
        return self._scoped_object


class RestrictedAPIView(RestrictedQuerysetMixin, generics.GenericAPIView):
    """One endpoint outside a router (a download): `get_object()` is restrict() + 404, like the viewsets."""
