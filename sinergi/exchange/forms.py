"""Forms of the exchange pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.exchange.choices import EventType, RowOutcome
from sinergi.exchange.imports.schema import RecordType, columns_of


class ImportUploadForm(forms.Form):
    record_type = forms.ChoiceField(label=_("What the file holds"), choices=(), widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "CSV or Excel (.xlsx), at most 50 MB and 200,000 rows. Start from the template: its NIK and phone "
            "columns are text, so Excel cannot change them."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.xls,.ods,.txt"}),
    )

    def __init__(self, *args, record_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [(t, RecordType(t).label) for t in record_types]
        if len(record_types) == 1:
            self.fields["record_type"].initial = record_types[0]


class ImportMappingForm(forms.Form):
    """One choice per column of the sheet: which field it holds, or none."""

    save_for_agency = forms.BooleanField(
        label=_("Remember this mapping for my agency's next files"), required=False, initial=True
    )

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not imported —"))] + [
            (c.key, f"{c.label}{' *' if c.required else ''}") for c in columns_of(batch.record_type)
        ]
        self.positions = []
        for position, header in enumerate(batch.headers):
            name = f"column_{position}"
            self.fields[name] = forms.ChoiceField(
                label=header or _("Column %(n)s (no name)") % {"n": position + 1},
                choices=choices,
                required=False,
                initial=batch.mapping.get(str(position), ""),
            )
            self.positions.append(position)
        self.order_fields([f"column_{p}" for p in self.positions] + ["save_for_agency"])

    def mapping(self) -> dict[int, str]:
        return {p: self.cleaned_data.get(f"column_{p}") or "" for p in self.positions}


class ImportSheetForm(forms.Form):
    sheet = forms.ChoiceField(label=_("Sheet"), choices=())

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(s["name"], s["name"]) for s in batch.sheets if not s["hidden"]]
        self.fields["sheet"].initial = batch.sheet_name


class RowFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Show"), choices=[("", _("All rows")), *RowOutcome.choices], required=False
    )


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    endpoint_url = forms.URLField(label=_("Receiver's address (URL)"), max_length=500, assume_scheme="https")
    system_user = forms.ModelChoiceField(label=_("Integrated system"), queryset=None)
    event_types = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        from sinergi.agencies.choices import UserKind
        from sinergi.agencies.models import User

        super().__init__(*args, **kwargs)
        systems = User.objects.filter(kind=UserKind.SYSTEM, is_active=True)
        if not user.is_superuser:
            systems = systems.filter(agency_id=user.agency_id)
        self.fields["system_user"].queryset = systems.order_by("username")
        self.fields["system_user"].help_text = _(
            "Events are built as this account may see them: a case it may not see is never sent to it."
        )
