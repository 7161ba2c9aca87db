"""Filters of the review queue and of the API lists (django-filter), shared by views and API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.detection.choices import RISK_RANK, CheckpointType, ReviewStatus, RiskLevel
from sinergi.detection.models import Campaign, DepartureScreening, ScreenedPost

FLAGGED = "flagged"
DATE = forms.DateInput(attrs={"type": "date"})
RISK_FILTER_CHOICES = [
    (FLAGGED, _("High and medium")),
    (RiskLevel.TINGGI, _("High")),
    (RiskLevel.SEDANG, _("Medium")),
    (RiskLevel.RENDAH, _("No red flag found")),
]


class IdFilter(django_filters.NumberFilter):
    """A record id: an integer (NumberFilter reads a decimal, so `campaign=1.5` matched nothing instead of
    being refused). Name it by the related id (`campaign__id`, the same SQL as `campaign_id`, no join): the
    schema generator types a filter by the model field it ends at, and there it finds the integer key."""

    field_class = forms.IntegerField


class _DateRangeForm(forms.Form):
    """A filter form whose (start, end) dates must be in order, as on the case list and the audit trail: a
    reversed range finds nothing, which reads as "no such records" rather than as the typo it is."""

    date_range: tuple[str, str]

    def clean(self):
        data = super().clean()
        start_name, end_name = self.date_range
        start, end = data.get(start_name), data.get(end_name)
        if start and end and end < start:
            self.add_error(end_name, _("The end date is before the start date."))
        return data


class CampaignFilterForm(_DateRangeForm):
    date_range = ("seen_from", "seen_to")


class PostFilterForm(_DateRangeForm):
    date_range = ("received_from", "received_to")


class DepartureScreeningFilterForm(_DateRangeForm):
    date_range = ("screened_from", "screened_to")


def _filter_risk(queryset, name, value):
    if value == FLAGGED:
        return queryset.filter(risk_rank__gte=RISK_RANK[RiskLevel.SEDANG])
    if value in RISK_RANK:
        return queryset.filter(risk_rank=RISK_RANK[value])
    return queryset


class CampaignFilterSet(django_filters.FilterSet):
    risk = django_filters.ChoiceFilter(
        label=_("Risk"), choices=RISK_FILTER_CHOICES, method=lambda qs, n, v: _filter_risk(qs, n, v)
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewStatus.choices)
    platform = django_filters.CharFilter(label=_("Platform"), method="filter_platform")
    destination = django_filters.CharFilter(
        label=_("Destination"), field_name="destination_country", lookup_expr="icontains"
    )
    seen_from = django_filters.DateFilter(
        label=_("Seen from"), field_name="last_seen", lookup_expr="date__gte"
    )
    seen_to = django_filters.DateFilter(
        label=_("Seen until"), field_name="first_seen", lookup_expr="date__lte"
    )
    q = django_filters.CharFilter(label=_("Words in the text"), method="filter_text")

    class Meta:
        model = Campaign
        fields = ["risk", "status", "platform", "destination", "seen_from", "seen_to", "q"]
        form = CampaignFilterForm

    def filter_platform(self, queryset, name, value):
        value = value.strip().lower()
        if not value:
            return queryset
        return queryset.filter(id__in=ScreenedPost.objects.filter(platform=value).values("campaign_id"))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            id__in=ScreenedPost.objects.filter(text__icontains=value).values("campaign_id")
        )


class PostFilterSet(django_filters.FilterSet):
    risk = django_filters.ChoiceFilter(
        label=_("Risk"), choices=RISK_FILTER_CHOICES, method=lambda qs, n, v: _filter_risk(qs, n, v)
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewStatus.choices)
    platform = django_filters.CharFilter(label=_("Platform"), method="filter_platform")
    destination = django_filters.CharFilter(
        label=_("Destination"), field_name="destination_country", lookup_expr="icontains"
    )
    received_from = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_to = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte")
    campaign = IdFilter(field_name="campaign__id")
    batch = IdFilter(field_name="batch__id")

    class Meta:
        model = ScreenedPost
        fields = [
            "risk",
            "status",
            "platform",
            "destination",
            "received_from",
            "received_to",
            "campaign",
            "batch",
        ]
        form = PostFilterForm

    def filter_platform(self, queryset, name, value):
        value = value.strip().lower()
        return queryset.filter(platform=value) if value else queryset


class DepartureScreeningFilterSet(django_filters.FilterSet):
    risk = django_filters.ChoiceFilter(label=_("Risk"), field_name="risk_level", choices=RiskLevel.choices)
    checkpoint_type = django_filters.ChoiceFilter(label=_("Checkpoint type"), choices=CheckpointType.choices)
    screened_from = django_filters.DateFilter(
        label=_("Screened from"), field_name="created_at", lookup_expr="date__gte", widget=DATE
    )
    screened_to = django_filters.DateFilter(
        label=_("Screened until"), field_name="created_at", lookup_expr="date__lte", widget=DATE
    )

    class Meta:
        model = DepartureScreening
        fields = ["risk", "checkpoint_type", "screened_from", "screened_to"]
        form = DepartureScreeningFilterForm
