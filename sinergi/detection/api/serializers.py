"""Explicit input and output shapes of the detection API. Serializers validate and format; services act."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from sinergi.detection.choices import ReviewDecision
from sinergi.detection.services import MAX_REASON_CHARS, MAX_TEXT_CHARS

MAX_SCREEN_ITEMS = 1_000
MAX_STORE_ITEMS = 5_000


class PostInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT_CHARS, trim_whitespace=True)
    id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    platform = serializers.CharField(max_length=40, required=False, allow_blank=True)
    account = serializers.CharField(max_length=200, required=False, allow_blank=True)
    url = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    posted_at = serializers.CharField(max_length=40, required=False, allow_blank=True)


class ScreenInputSerializer(serializers.Serializer):
    """Either one post (`text` and its metadata) or a batch in `items`."""

    text = serializers.CharField(max_length=MAX_TEXT_CHARS, required=False)
    platform = serializers.CharField(max_length=40, required=False, allow_blank=True)
    account = serializers.CharField(max_length=200, required=False, allow_blank=True)
    url = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    posted_at = serializers.CharField(max_length=40, required=False, allow_blank=True)
    items = PostInputSerializer(many=True, required=False, max_length=MAX_SCREEN_ITEMS)

    def validate(self, attrs):
        if ("text" in attrs) == ("items" in attrs):
            raise serializers.ValidationError(_("Send either “text” or “items”, not both."))
        if "items" in attrs and not attrs["items"]:
            raise serializers.ValidationError({"items": [_("At least one item is needed.")]})
        return attrs


class StoreInputSerializer(serializers.Serializer):
    """Raw items: validated again, line by line, by the storing service (the same rules as an upload)."""

    items = serializers.ListField(child=serializers.JSONField(), min_length=1, max_length=MAX_STORE_ITEMS)


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField()
    weight = serializers.FloatField()
    span_start = serializers.IntegerField()
    span_end = serializers.IntegerField()
    span_text = serializers.CharField()
    explanation = serializers.CharField()
    basis = serializers.CharField()


class ScorePartSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=["indicator", "dampener", "model"])
    code = serializers.CharField()
    delta = serializers.FloatField(help_text="How much this part moved the score; the parts add up to it.")


class ScreeningResultSerializer(serializers.Serializer):
    id = serializers.CharField(required=False, allow_null=True)
    risk_level = serializers.CharField()
    score = serializers.FloatField()
    rule_score = serializers.FloatField(allow_null=True)
    indicators = IndicatorSerializer(many=True)
    extracted = serializers.DictField()
    warnings = serializers.ListField(child=serializers.CharField())
    verdict = serializers.ChoiceField(
        choices=["tinggi", "sedang", "tidak_ditemukan", "kurang_informasi"],
        help_text="What to tell a person: never 'aman'; kurang_informasi = too little to judge, ask the questions.",
    )
    verdict_text = serializers.CharField(help_text="The verdict as one honest sentence in Bahasa Indonesia.")
    questions = serializers.ListField(
        child=serializers.CharField(),
        help_text="What to ask before going further (kurang_informasi, sedang).",
    )
    score_parts = ScorePartSerializer(many=True)


class ScreenOutputSerializer(serializers.Serializer):
    results = ScreeningResultSerializer(many=True)


class BatchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    filename = serializers.CharField()
    created_at = serializers.DateTimeField()
    total_count = serializers.IntegerField()
    stored_count = serializers.IntegerField()
    duplicate_count = serializers.IntegerField()
    flagged_count = serializers.IntegerField()
    campaign_count = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class ReviewOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    decision = serializers.CharField()
    reason = serializers.CharField()
    analyst = serializers.CharField(source="analyst.username")
    agency = serializers.CharField(source="agency.code")
    created_at = serializers.DateTimeField()


class ReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    reason = serializers.CharField(max_length=MAX_REASON_CHARS)


class PostOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    batch = serializers.IntegerField(source="batch_id")
    external_id = serializers.CharField()
    text = serializers.CharField()
    platform = serializers.CharField()
    account = serializers.CharField()
    url = serializers.CharField()
    posted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField()
    source = serializers.CharField()
    risk_level = serializers.CharField()
    score = serializers.FloatField()
    rule_score = serializers.FloatField(allow_null=True)
    indicators = IndicatorSerializer(many=True)
    extracted = serializers.DictField()
    destination_country = serializers.CharField()
    knowledge_version = serializers.CharField()
    status = serializers.CharField()
    linked_case_id = serializers.IntegerField(allow_null=True)


class CampaignOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    representative = serializers.IntegerField(source="representative_id", allow_null=True)
    text = serializers.CharField(source="representative.text", default="")
    post_count = serializers.IntegerField()
    account_count = serializers.IntegerField()
    accounts = serializers.ListField(child=serializers.CharField())
    platforms = serializers.ListField(child=serializers.CharField())
    first_seen = serializers.DateTimeField(allow_null=True)
    last_seen = serializers.DateTimeField(allow_null=True)
    highest_risk = serializers.CharField()
    max_score = serializers.FloatField()
    destination_country = serializers.CharField()
    status = serializers.CharField()


class DepartureInputSerializer(serializers.Serializer):
    checkpoint_type = serializers.ChoiceField(choices=["airport", "seaport", "plbn"])
    checkpoint_name = serializers.CharField(max_length=120)
    traveller_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    answers = serializers.DictField(
        help_text="Keys and allowed values: see sinergi/detection/departure.py (CHOICES, MULTI_CHOICES)."
    )


class DepartureReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    weight = serializers.IntegerField()
    reason_id = serializers.CharField()
    reason_en = serializers.CharField()
    basis = serializers.CharField()
    ilo = serializers.CharField()


class DepartureOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    checkpoint_type = serializers.CharField()
    checkpoint_name = serializers.CharField()
    province_code = serializers.CharField()
    agency = serializers.CharField(source="agency.code")
    officer = serializers.CharField(source="officer.username")
    destination_country = serializers.CharField()
    answers = serializers.DictField()
    risk_level = serializers.CharField()
    score = serializers.IntegerField()
    reasons = DepartureReasonSerializer(many=True)
    recommended_action = serializers.CharField()
    rules_version = serializers.CharField()
    linked_case_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
