from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sinergi.audit.models import AuditEntry


class AuditEntryOutputSerializer(serializers.ModelSerializer):
    """One audit entry as the API returns it (read-only: the trail is written only by services)."""

    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    user = serializers.CharField(source="actor_label", read_only=True)
    user_id = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "user",
            "user_id",
            "agency",
            "action",
            "object_type",
            "object_id",
            "summary",
            "changes",
            "ip_address",
            "prev_hash",
            "entry_hash",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_changes(self, entry) -> dict:
        return entry.changes
