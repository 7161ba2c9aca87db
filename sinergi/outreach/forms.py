"""Forms of the outreach pages. They only shape input; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.agencies.models import Agency
from sinergi.outreach.choices import PARTICIPANT_FIELDS, Audience
from sinergi.regions.choices import RegionLevel
from sinergi.regions.widgets import RegionChoiceField


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    region = RegionChoiceField(
        label=_("Village or district"),
        levels=[RegionLevel.DISTRICT, RegionLevel.VILLAGE],
        required=True,
        error_messages={
            "invalid_choice": _(
                "This region code does not exist as a village or district: choose one from the list."
            )
        },
    )
    partner_agencies = forms.ModelMultipleChoiceField(
        label=_("Partner agencies"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audiences = forms.MultipleChoiceField(
        label=_("Audience"), choices=Audience.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    materials = forms.CharField(
        label=_("Materials"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    follow_up = forms.CharField(
        label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Agency.objects.filter(is_active=True).order_by("name")
        if actor is not None and actor.agency_id:
            partners = partners.exclude(pk=actor.agency_id)
        self.fields["partner_agencies"].queryset = partners
        for field, sex, age in PARTICIPANT_FIELDS:
            self.fields[field] = forms.IntegerField(
                label=f"{sex.label}, {age.label}", min_value=0, max_value=100_000, required=False, initial=0
            )

    def participant_fields(self):
        return [self[field] for field, _sex, _age in PARTICIPANT_FIELDS]

    def main_fields(self):
        counts = {field for field, _sex, _age in PARTICIPANT_FIELDS}
        return [field for field in self.visible_fields() if field.name not in counts]


class AttendanceForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance list (CSV or XLSX)"),
        help_text=_("Columns: nama, jenis_kelamin (L/P), umur (years), and optionally desa, organisasi."),
    )


class CoverageFilterForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
