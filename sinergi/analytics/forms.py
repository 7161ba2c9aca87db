"""Filter forms of the analytics pages: they only shape and check input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.analytics.periods import parse_month
from sinergi.regions.choices import RegionLevel


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(_("Write a month as YYYY-MM, for example 2026-05."), code="bad_month")
        return month


class RegionCodeField(forms.CharField):
    """A region code that must exist (any level): "63", "63.71", "63.71.01"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 13)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        from sinergi.regions.models import Region

        code = (super().clean(value) or "").strip()
        if code and not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(
                _("Region code %(code)s does not exist."), code="unknown_region", params={"code": code[:13]}
            )
        return code


class DashboardFilterForm(forms.Form):
    since = MonthField(label=_("From month"), required=False)
    until = MonthField(label=_("Until month"), required=False)
    region = RegionCodeField(label=_("Region code"), help_text=_("e.g. 52 or 52.03; empty for all"))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The first month comes after the last one."), code="bad_period")
        return data


class HotspotFilterForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=RegionLevel.choices,
        coerce=int,
        required=False,
        empty_value=RegionLevel.REGENCY,
    )
    month = MonthField(label=_("Month"), required=False)
    region = RegionCodeField(label=_("Inside region code"))


class PriorityFilterForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[(RegionLevel.DISTRICT, _("Districts")), (RegionLevel.VILLAGE, _("Villages"))],
        coerce=int,
        required=False,
        empty_value=RegionLevel.DISTRICT,
    )
    region = RegionCodeField(label=_("Inside region code"))


class PathForm(forms.Form):
    source = forms.CharField(label=_("From (node)"), max_length=80)
    target = forms.CharField(label=_("To (node)"), max_length=80)


class ReportForm(forms.Form):
    month = MonthField(label=_("Month"), required=False)
    region = RegionCodeField(label=_("Region code"))
