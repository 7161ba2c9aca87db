"""Forms of the exchange pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.exchange.choices import RowOutcome
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
