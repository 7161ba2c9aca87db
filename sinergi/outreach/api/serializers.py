"""Input and output serializers of the outreach API."""

from __future__ import annotations

from rest_framework import serializers

from sinergi.agencies.api.serializers import KnownAgencyField
from sinergi.core.api.params import date_range_checked
from sinergi.outreach.choices import PARTICIPANT_FIELDS, Audience
from sinergi.outreach.models import OutreachEvent
from sinergi.regions.api.serializers import KnownRegionCodeField


class OutreachEventListQuerySerializer(serializers.Serializer):
    region = KnownRegionCodeField(
        required=False, help_text="Events in this region or inside it: a Kemendagri code (63.71 or 6371)."
    )
    agency = KnownAgencyField(required=False, help_text="Organising agency id.")
    date_from = serializers.DateField(required=False, help_text="Held on or after (YYYY-MM-DD).")
    date_to = serializers.DateField(required=False, help_text="Held on or before (YYYY-MM-DD).")

    def validate(self, attrs):
        return date_range_checked(attrs, "date_from", "date_to")


class OutreachEventOutput(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    agency = serializers.CharField(source="agency.code")
    partner_agencies = serializers.SerializerMethodField()

    class Meta:
        model = OutreachEvent
        fields = [
            "id",
            "title",
            "held_on",
            "region",
            "agency",
            "partner_agencies",
            "audiences",
            *[field for field, _sex, _age in PARTICIPANT_FIELDS],
            "participants_total",
            "materials",
            "follow_up",
        ]

    def get_partner_agencies(self, event) -> list[str]:
        return [agency.code for agency in event.partner_agencies.all()]


class OutreachEventInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    region = serializers.CharField(
        max_length=13, help_text="Dotted Kemendagri code of a village or district."
    )
    audiences = serializers.ListField(child=serializers.ChoiceField(choices=Audience.choices), required=False)
    partner_agencies = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    materials = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    follow_up = serializers.CharField(required=False, allow_blank=True, max_length=5000)


for _field, _sex, _age in PARTICIPANT_FIELDS:
    OutreachEventInput._declared_fields[_field] = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False, default=0
    )
