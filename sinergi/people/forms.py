"""Forms of the people pages. They only parse what was typed; the services validate and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sinergi.core.countries import CountryChoices, nationality_choices
from sinergi.core.renderers import FixedChoicesSelect
from sinergi.people.choices import Sex, SocialPlatform
from sinergi.people.services import HandleInput, PersonData, PhoneInput
from sinergi.regions.widgets import RegionChoiceField


def nik_field(**kwargs) -> forms.CharField:
    """A NIK as typed (checked by the form or the service): a phone keypad, no autocompletion of someone else's."""
    return forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        **kwargs,
    )


def phone_field(label=None) -> forms.CharField:
    """A phone number as typed (normalised by the form or the service)."""
    return forms.CharField(
        label=label or _("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    aliases = forms.CharField(
        label=_("Other names (aliases)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: nicknames, names used abroad or on social media."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.RadioSelect
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a valid date.")},
    )
    birth_place = forms.CharField(label=_("Birth place"), max_length=120, required=False)
    nik = nik_field(help_text=_("16 digits, from the KTP or family card (KK)."))
    passport_number = forms.CharField(
        label=_("Passport number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"), initial="ID", widget=FixedChoicesSelect, choices=CountryChoices()
    )
    address_region = RegionChoiceField(
        label=_("Address: region"),
        required=False,
        help_text=_("Village, district, regency or province: type a name or a Kemendagri code."),
    )
    address_detail = forms.CharField(
        label=_("Address: street, RT/RW"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_nik_mismatch = forms.BooleanField(
        label=_("I have checked the NIK: save anyway"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, show_confirmation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if show_confirmation:
            self.fields["confirm_nik_mismatch"].widget = forms.CheckboxInput()

    def aliases_list(self) -> list[str]:
        return [
            line.strip() for line in (self.cleaned_data.get("aliases") or "").splitlines() if line.strip()
        ]


class PhoneForm(forms.Form):
    number = phone_field()
    label = forms.CharField(label=_("Label"), required=False, max_length=40)


class HandleForm(forms.Form):
    platform = forms.ChoiceField(
        label=_("Platform"), choices=[("", "—"), *SocialPlatform.choices], required=False
    )
    handle = forms.CharField(label=_("Account or handle"), required=False, max_length=200)


PhoneFormSet = forms.formset_factory(PhoneForm, extra=1, max_num=10, absolute_max=20)
HandleFormSet = forms.formset_factory(HandleForm, extra=1, max_num=20, absolute_max=40)


def person_data(form: PersonForm, phones: forms.BaseFormSet, handles: forms.BaseFormSet) -> PersonData:
    """The service input from three valid forms."""
    data = form.cleaned_data
    return PersonData(
        full_name=data["full_name"],
        aliases=form.aliases_list(),
        sex=data["sex"],
        birth_date=data.get("birth_date"),
        birth_place=data.get("birth_place", ""),
        nik=data.get("nik", ""),
        passport_number=data.get("passport_number", ""),
        nationality=data["nationality"],
        address_region=data.get("address_region"),
        address_detail=data.get("address_detail", ""),
        phones=[
            PhoneInput(number=f.cleaned_data.get("number", ""), label=f.cleaned_data.get("label", ""))
            for f in phones.forms
            if f.cleaned_data.get("number")
        ],
        handles=[
            HandleInput(platform=f.cleaned_data.get("platform", ""), handle=f.cleaned_data.get("handle", ""))
            for f in handles.forms
            if f.cleaned_data.get("handle")
        ],
    )


def initial_from_person(person) -> tuple[dict, list[dict], list[dict]]:
    return (
        {
            "full_name": person.full_name,
            "aliases": "\n".join(person.aliases or []),
            "sex": person.sex,
            "birth_date": person.birth_date,
            "birth_place": person.birth_place,
            "nik": person.nik,
            "passport_number": person.passport_number,
            "nationality": person.nationality,
            "address_region": person.address_region_id,
            "address_detail": person.address_detail,
            "version": person.version,
        },
        [{"number": p.number, "label": p.label} for p in person.phones.all()],
        [{"platform": h.platform, "handle": h.handle} for h in person.handles.all()],
    )


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False, widget=FixedChoicesSelect)
    region = RegionChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = [("", _("All")), *Sex.choices]
        self.fields["nationality"].choices = [
            ("", _("All")),
            *nationality_choices((get_language() or "id")[:2]),
        ]

    def filters(self) -> dict:
        self.is_valid()  # a wrong value in one filter drops that filter only: cleaned_data keeps the others
        data = self.cleaned_data
        region = data.get("region")
        return {
            "sex": data.get("sex") or None,
            "nationality": data.get("nationality") or None,
            "region": region.code if region else None,
        }
