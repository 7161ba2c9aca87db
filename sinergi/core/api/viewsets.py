"""Base API viewsets: every queryset starts from `Model.objects.restrict(user, action)`.

An object outside the caller's scope is simply not in the queryset, so DRF answers 404 exactly as for an id
that does not exist. Subclasses set `model` (whose default manager has `restrict`) and serializers.
"""

from __future__ import annotations

from rest_framework import mixins, viewsets

# DRF action -> the action name that `restrict()` understands.
RESTRICT_ACTIONS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class RestrictedQuerysetMixin:
    model = None

    # Applied after restrict(): select_related/prefetch_related for the serializer, never a permission rule.
    def optimise_queryset(self, queryset):
        return queryset

    def restrict_action(self) -> str:
        action = getattr(self, "action", None) or "list"
        return RESTRICT_ACTIONS.get(action, "view" if self.request.method in ("GET", "HEAD") else "change")

    def get_queryset(self):
        queryset = self.model._default_manager.restrict(self.request.user, self.restrict_action())
        return self.optimise_queryset(queryset)


class RestrictedReadOnlyViewSet(RestrictedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve, scoped by restrict(user, "view")."""


class RestrictedModelViewSet(
    RestrictedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """List and retrieve; add the write actions per endpoint, each calling a service (never serializer.save)."""
