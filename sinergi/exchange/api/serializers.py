from rest_framework import serializers

from sinergi.agencies.models import Agency


class EventReplayInputSerializer(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, default=0, help_text="Offset: events with a larger one.")
    limit = serializers.IntegerField(min_value=1, max_value=500, default=100)


class EventOutputSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The idempotency key, the same as the webhook-id of its deliveries.")
    offset = serializers.IntegerField()
    type = serializers.CharField()
    occurred_at = serializers.CharField()
    data = serializers.DictField()
    case = serializers.DictField(required=False)
    referral = serializers.DictField(required=False)
    person = serializers.DictField(required=False)
    post = serializers.DictField(required=False)


class EventPageOutputSerializer(serializers.Serializer):
    events = EventOutputSerializer(many=True)
    next_after = serializers.IntegerField(help_text="Pass as `after` to read on.")


class AgreementOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    granting_agency = serializers.CharField(source="granting_agency.code")
    receiving_agency = serializers.CharField(source="receiving_agency.code")
    field_groups = serializers.ListField(child=serializers.CharField())
    purpose = serializers.CharField()
    reference = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    status = serializers.CharField()
    in_force = serializers.BooleanField()
    signed_by = serializers.CharField(source="signed_by.username", allow_null=True, default=None)
    signed_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class AgreementInputSerializer(serializers.Serializer):
    receiving_agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())
    field_groups = serializers.ListField(child=serializers.CharField(), allow_empty=True)
    purpose = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class AgreementRevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
