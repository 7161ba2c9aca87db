"""Forms of the data-sharing agreement pages."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.exchange.choices import AgreementPurpose, SharedFieldGroup


class AgreementForm(forms.Form):
    receiving_agency = forms.ModelChoiceField(
        label=_("Receiving agency"),
        queryset=None,
        help_text=_("It sees more only of the cases your agency leads and it takes part in."),
    )
    field_groups = forms.MultipleChoiceField(
        label=_("Field groups shared"), choices=SharedFieldGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=AgreementPurpose.choices)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(label=_("Document reference"), max_length=120, required=False)

    def __init__(self, *args, user, **kwargs):
        from sinergi.agencies.models import Agency

        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = today + timedelta(days=365)
        self.fields["receiving_agency"].queryset = (
            Agency.objects.filter(is_active=True).exclude(pk=user.agency_id).order_by("name")
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
