from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions
from rest_framework.exceptions import ValidationError

from sinergi.audit.api.serializers import AuditEntryOutputSerializer
from sinergi.audit.filtersets import AuditEntryFilterSet
from sinergi.audit.models import AuditEntry, can_read_audit
from sinergi.core.api.schema import error_responses
from sinergi.core.api.viewsets import RestrictedReadOnlyViewSet


class CanReadAudit(permissions.BasePermission):
    def has_permission(self, request, view):
        return can_read_audit(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List audit entries",
        description=(
            "Newest first. Supervisors and agency administrators see their own agency's entries, platform "
            "administrators every agency's. Filter by `user` (username), `agency` (id, platform administrators "
            "only), `action`, `object_type` and `object_id`, `date_from` and `date_to` (inclusive dates, "
            "Asia/Jakarta)."
        ),
        responses={200: AuditEntryOutputSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One audit entry",
        responses={200: AuditEntryOutputSerializer, **error_responses(401, 403, 404)},
    ),
)
class AuditEntryViewSet(RestrictedReadOnlyViewSet):
    """The audit trail, read-only, with the same scope as the audit page."""

    model = AuditEntry
    serializer_class = AuditEntryOutputSerializer
    filterset_class = AuditEntryFilterSet
    permission_classes = [permissions.IsAuthenticated, CanReadAudit]

    def optimise_queryset(self, queryset):
        return queryset.select_related("agency").order_by("-id")

    def filter_queryset(self, queryset):
        # Only platform administrators may filter by agency; for anyone else the parameter is refused, not
        # ignored (an ignored filter answers "everything", which the caller would take for the filtered answer).
        if "agency" in self.request.query_params and not self.request.user.is_superuser:
            raise ValidationError({"agency": [_("Only platform administrators filter by agency.")]})
        return super().filter_queryset(queryset)
