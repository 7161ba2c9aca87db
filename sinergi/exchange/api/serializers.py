from rest_framework import serializers


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
