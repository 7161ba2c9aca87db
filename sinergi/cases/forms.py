"""Forms of the case pages. They only parse what was typed; the services decide and save (services.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.core import validators
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from sinergi.cases.choices import (
    AgeGroup,
    ApprovalKind,
    ClosureReason,
    Consent,
    ExploitationType,
    IntakeChannel,
    LabourSector,
    MeansOfControl,
    OrganisationKind,
    PartyRole,
    PerpetratorRole,
    RecruitmentApp,
    RecruitmentChannel,
    ReferralNeed,
    RouteEventKind,
    Sensitivity,
    VictimStatus,
    VisaType,
)
from sinergi.core.countries import CountryChoices
from sinergi.core.renderers import FixedChoicesSelect
from sinergi.people.choices import Sex
from sinergi.people.forms import nik_field, phone_field
from sinergi.regions.widgets import RegionChoiceField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]
BLANK = [("", "—")]


class _LengthLimit(validators.MaxLengthValidator):
    """The limit said with both numbers, so the user knows how much to shorten (nothing is ever cut)."""

    def __call__(self, value):
        if len(value) > self.limit_value:
            raise forms.ValidationError(
                _(
                    "At most %(limit)s characters; this text has %(length)s. Nothing was cut: shorten it (the rest can go into a note)."
                )
                % {
                    "limit": number_format(self.limit_value, force_grouping=True),
                    "length": number_format(len(value), force_grouping=True),
                },
                code="max_length",
            )


class LimitedText(forms.CharField):
    """A text with a limit the page shows as a counter (data-maxlength, sinergi.js).

    No `maxlength` attribute: a browser silently cuts a pasted text at it. Line breaks count once, as the
    counter shows them (browsers send two characters for each); the server refuses a longer text with a message.
    """

    def __init__(self, *, max_length: int, rows: int = 3, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, validators.MaxLengthValidator)]
        self.validators.append(_LengthLimit(max_length))

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\r\n", "\n") if text else text

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        limit = attrs.pop("maxlength", None)
        if limit is not None:
            attrs["data-maxlength"] = limit
        return attrs


def with_blank(choices) -> list:
    return BLANK + list(choices)


class CaseFilterForm(forms.Form):
    """The filters of the case list; every value is optional and a bad one is simply ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    lead_agency = forms.ChoiceField(label=_("Lead agency"), required=False)
    origin_region = RegionChoiceField(label=_("Region of origin"), required=False)
    destination_country = forms.ChoiceField(
        label=_("Destination"),
        required=False,
        widget=FixedChoicesSelect,
        choices=CountryChoices(blank=True, indonesia=False),
    )
    exploitation_type = forms.ChoiceField(
        label=_("Exploitation"), required=False, choices=with_blank(ExploitationType.choices)
    )
    recruitment_channel = forms.ChoiceField(
        label=_("Recruited through"), required=False, choices=with_blank(RecruitmentChannel.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open and closed")), ("OPEN", _("Open")), ("CLOSED", _("Closed"))],
    )
    reported_from = forms.DateField(label=_("Reported from"), required=False, widget=DATE_WIDGET)
    reported_to = forms.DateField(label=_("Reported until"), required=False, widget=DATE_WIDGET)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args, stages=(), agencies=(), **kwargs):
        """`agencies`: (id, name) pairs."""
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = with_blank(stages)
        self.fields["lead_agency"].choices = with_blank((str(pk), name) for pk, name in agencies)

    def filters(self) -> dict:
        """The selector's filter dict: only the values that parsed (a malformed one is dropped, not an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {}
        for name in self.fields:
            if name in self.errors:
                continue
            value = self.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            if name == "origin_region":
                value = value.code
            elif isinstance(value, date):
                value = value.isoformat()
            data[name] = value
        return data


class IntakeForm(forms.Form):
    """What is known when a report comes in; only the channel is required."""

    intake_channel = forms.ChoiceField(label=_("How did the report come in?"), choices=IntakeChannel.choices)
    reported_at = forms.DateTimeField(
        label=_("Reported at"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty for now."),
    )
    narrative = LimitedText(
        label=_("What happened"),
        required=False,
        max_length=20000,
        rows=5,
        help_text=_(
            "In the reporter's words, as far as known. Do not write anything you cannot check later. "
            "Agencies that may not see who the victims are read it with the names, NIKs, phone numbers and "
            "addresses of the case's people masked."
        ),
    )
    origin_region = RegionChoiceField(
        label=_("Region of origin"),
        required=False,
        help_text=_("Village, district or regency the victim comes from."),
    )
    destination_country = forms.ChoiceField(
        label=_("Destination country"),
        required=False,
        widget=FixedChoicesSelect,
        choices=CountryChoices(blank=True, indonesia=False),
    )
    destination_city = forms.CharField(label=_("Destination city"), required=False, max_length=120)
    victim_abroad = forms.BooleanField(label=_("The victim is still abroad"), required=False)
    recruitment_channel = forms.ChoiceField(
        label=_("Recruited through"), required=False, choices=with_blank(RecruitmentChannel.choices)
    )
    recruitment_app = forms.ChoiceField(
        label=_("App used"), required=False, choices=with_blank(RecruitmentApp.choices)
    )
    promised_job = forms.CharField(label=_("Promised job"), required=False, max_length=200)
    exploitation_types = forms.MultipleChoiceField(
        label=_("Type of exploitation (if known)"),
        required=False,
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # A flagged post or a departure screening this case is opened from (the detection pages link here).
    detection_post = forms.IntegerField(required=False, widget=forms.HiddenInput)
    departure_screening = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Set once the user has seen the probable duplicates and still wants a new case.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_reported_at(self):
        value = self.cleaned_data.get("reported_at")
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The report date cannot be in the future."))
        return value

    def case_fields(self) -> dict:
        """The keyword arguments of services.case_intake taken from this form."""
        data = self.cleaned_data
        fields = {
            "intake_channel": data["intake_channel"],
            "narrative": data["narrative"].strip(),
        }
        if data.get("reported_at"):
            fields["reported_at"] = data["reported_at"]
        for name in (
            "origin_region",
            "destination_country",
            "destination_city",
            "recruitment_channel",
            "recruitment_app",
            "promised_job",
        ):
            if data.get(name):
                fields[name] = data[name]
        if data.get("victim_abroad"):
            fields["victim_abroad"] = True
        if data.get("exploitation_types"):
            fields["exploitation_types"] = list(data["exploitation_types"])
        return fields


class IdentifierChecks:
    """`clean_nik` and `clean_phone` for the forms that take a person's NIK or phone (a form without the field
    never calls its check). They are checked with the other fields, so that every error shows in the same round."""

    cleaned_data: dict

    def clean_nik(self):
        return checked_nik(self.cleaned_data.get("nik"))

    def clean_phone(self):
        return checked_phone(self.cleaned_data.get("phone"))


class VictimForm(IdentifierChecks, forms.Form):
    """One victim: an existing person record (chosen in the confirmation step) or the details of a new one."""

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    nik = nik_field()
    phone = phone_field()
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a valid date.")},
    )
    # "Unknown" comes first: a row added later (and so bound without a value) must not claim a sex or an age.
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=sorted(Sex.choices, key=lambda c: c[0] != Sex.UNKNOWN),
        initial=Sex.UNKNOWN,
        required=False,
    )
    age_group = forms.ChoiceField(
        label=_("Age group"),
        choices=sorted(AgeGroup.choices, key=lambda c: c[0] != AgeGroup.UNKNOWN),
        initial=AgeGroup.UNKNOWN,
        required=False,
    )

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        identifying = data.get("nik") or data.get("phone") or data.get("birth_date")
        if identifying and not (data.get("full_name") or "").strip() and not data.get("person"):
            self.add_error(
                "full_name", _("Enter the victim's name (or a description such as “unknown woman”).")
            )
        return data

    def is_empty(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("person") or (data.get("full_name") or "").strip())

    def age_group_value(self) -> str:
        """The age group chosen, or the one the birth date gives when "unknown" was left."""
        chosen = self.cleaned_data.get("age_group") or AgeGroup.UNKNOWN
        birth = self.cleaned_data.get("birth_date")
        if chosen == AgeGroup.UNKNOWN and birth:
            today = timezone.localdate()
            age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
            return AgeGroup.CHILD if age < 18 else AgeGroup.ADULT
        return chosen


VictimFormSet = forms.formset_factory(VictimForm, extra=1, max_num=20, absolute_max=20)


def checked_nik(value) -> str:
    from sinergi.people import nik as nik_module

    value = (value or "").strip()
    if value:
        try:
            nik_module.parse_nik(value)
        except nik_module.NikError:
            raise forms.ValidationError(
                _("A NIK has exactly 16 digits and starts with a district code.")
            ) from None
    return value


def checked_phone(value) -> str:
    from sinergi.people.identifiers import InvalidPhoneNumber, normalise_phone

    value = (value or "").strip()
    if value:
        try:
            normalise_phone(value)
        except InvalidPhoneNumber:
            raise forms.ValidationError(
                _("This is not a valid phone number (e.g. 0812-3456-7890).")
            ) from None
    return value


class SuspectForm(IdentifierChecks, forms.Form):
    """One suspect at intake: a person (a calo, a sponsor) or an organisation (a P3MI, an unnamed "PT")."""

    PERSON, ORGANISATION = "PERSON", "ORGANISATION"

    kind = forms.ChoiceField(
        label=_("A person or a company"),
        choices=[(PERSON, _("A person")), (ORGANISATION, _("A company or organisation"))],
        initial=PERSON,
        required=False,
        widget=forms.RadioSelect,
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    name_unknown = forms.BooleanField(label=_("Name not known (for example an unnamed “PT”)"), required=False)
    perpetrator_role = forms.ChoiceField(
        label=_("Role in the trafficking"),
        choices=PerpetratorRole.choices,
        initial=PerpetratorRole.RECRUITER,
        required=False,
    )
    nik = nik_field()
    phone = phone_field()
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=OrganisationKind.choices,
        initial=OrganisationKind.P3MI,
        required=False,
    )
    licence_number = forms.CharField(label=_("Licence number (if known)"), required=False, max_length=80)

    PERSON_FIELDS = ("nik", "phone")
    ORGANISATION_FIELDS = ("organisation_kind", "licence_number")

    def clean(self):
        data = super().clean()
        data["kind"] = data.get("kind") or self.PERSON
        if self.is_empty():
            return data
        if not (data.get("name") or "").strip() and not data.get("name_unknown") and not data.get("person"):
            self.add_error("name", _("Enter the name, or tick “name not known”."))
        return data

    def is_organisation(self) -> bool:
        return (self.cleaned_data.get("kind") or self.PERSON) == self.ORGANISATION

    def is_empty(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(
            (data.get(name) or "") if name != "name_unknown" else data.get(name)
            for name in ("person", "name", "name_unknown", "nik", "phone", "licence_number")
        )

    def party_role(self) -> str:
        role = self.cleaned_data.get("perpetrator_role") or PerpetratorRole.RECRUITER
        return PartyRole.RECRUITER if role == PerpetratorRole.RECRUITER else PartyRole.SUSPECT

    def display_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        if name:
            return name
        return str(_("Unnamed company (PT)") if self.is_organisation() else _("Unnamed suspect"))

    def organisation_fields(self) -> dict:
        """The keyword arguments of one organisation of services.case_intake."""
        data = self.cleaned_data
        return {
            "name": self.display_name(),
            "kind": data.get("organisation_kind") or OrganisationKind.OTHER,
            "perpetrator_role": data.get("perpetrator_role") or PerpetratorRole.RECRUITER,
            "licence_number": (data.get("licence_number") or "").strip(),
            "country": "ID",
        }


SuspectFormSet = forms.formset_factory(SuspectForm, extra=1, max_num=20, absolute_max=20)


class ReporterForm(IdentifierChecks, forms.Form):
    """Who reported the case, when it was not the victim (a neighbour, a relative, a village official)."""

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    full_name = forms.CharField(label=_("Reporter's name"), required=False, max_length=200)
    phone = phone_field(_("Reporter's phone number"))

    def clean(self):
        data = super().clean()
        if data.get("phone") and not (data.get("full_name") or "").strip() and not data.get("person"):
            self.add_error(
                "full_name", _("Enter the reporter's name (or a description such as “neighbour”).")
            )
        return data

    def is_empty(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("person") or (data.get("full_name") or "").strip())


def grouped_agencies(agencies) -> list:
    """Agency choices grouped by kind of agency (a <select> with one group per kind), blank first."""
    groups: dict[str, list] = {}
    for agency in agencies:
        groups.setdefault(agency.get_type_display(), []).append((str(agency.pk), agency.name))
    return BLANK + sorted(groups.items())


class AgencyNeedSelect(forms.Select):
    """The agency <select> of a referral whose options say which needs each agency receives and its province
    (`data-needs`, `data-province`), so that cases/intake.js narrows the list to the chosen need and proposes
    the one agency of the province; without JavaScript the whole list shows and the form checks the pair."""

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value and self.targets is not None:
            from sinergi.cases.selectors import province_of

            agency = self.targets.by_id.get(int(value))
            if agency is not None:
                option["attrs"]["data-needs"] = " ".join(sorted(self.targets.needs_of[agency.pk]))
                option["attrs"]["data-province"] = province_of(agency.jurisdiction_id)
        return option


class IntakeReferralForm(forms.Form):
    """One first referral sent with the intake; a row left empty sends nothing. The agency must receive the need
    under the new case's flow (checked here, so that the error shows with the others, and again by the
    service)."""

    need = forms.ChoiceField(label=_("Need"), required=False, choices=with_blank(ReferralNeed.choices))
    to_agency = forms.ChoiceField(label=_("Refer to"), required=False, widget=AgencyNeedSelect)
    reason = LimitedText(label=_("Reason"), required=False, max_length=5000, rows=2)
    due_at = forms.DateTimeField(
        label=_("Services due by"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty to use the deadline the flow sets for this need."),
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        field = self.fields["to_agency"]
        field.choices = grouped_agencies(targets.agencies if targets is not None else ())
        field.widget.targets = targets
        field.widget.attrs["data-need-from"] = self.add_prefix("need")
        if targets is not None and targets.province:
            field.widget.attrs["data-home-province"] = targets.province

    def clean(self):
        data = super().clean()
        if self.is_empty():
            return data
        required = _("Required for a referral.")
        for name in ("need", "to_agency", "reason"):
            if name not in self.errors and not (data.get(name) or "").strip():
                self.add_error(name, required)
        need, agency = data.get("need"), data.get("to_agency")
        if need and agency and self.targets is not None and not self.targets.eligible(int(agency), need):
            self.add_error("to_agency", _("This agency does not receive this need."))
        return data

    def is_empty(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any((data.get(name) or "") for name in ("need", "to_agency", "reason")) and not data.get(
            "due_at"
        )


IntakeReferralFormSet = forms.formset_factory(IntakeReferralForm, extra=2, max_num=20, absolute_max=20)


class PartyForm(VictimForm):
    """Links one more person to a case: a victim, witness, suspect, recruiter or reporter."""

    role = forms.ChoiceField(label=_("Role in the case"), choices=PartyRole.choices)
    perpetrator_role = forms.ChoiceField(
        label=_("Role in the trafficking (suspects and recruiters)"),
        required=False,
        choices=with_blank(PerpetratorRole.choices),
    )
    field_order = ["role", "full_name", "nik", "phone", "birth_date", "sex", "age_group", "perpetrator_role"]

    def clean(self):
        data = super().clean()
        if self.is_empty() and "full_name" not in self.errors:
            self.add_error("full_name", _("Enter the person's name."))
        return data


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Case worker"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [(str(u.pk), u.get_full_name() or u.username) for u in staff]


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    perpetrator_role = forms.ChoiceField(
        label=_("Role in the trafficking"), choices=PerpetratorRole.choices, initial=PerpetratorRole.RECRUITER
    )
    licence_number = forms.CharField(label=_("Licence number"), required=False, max_length=80)
    country = forms.ChoiceField(label=_("Country"), widget=FixedChoicesSelect, choices=CountryChoices())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("country", "ID")


class CaseEditForm(forms.Form):
    """The modus, route and narrative of a case (services.case_update with the version the user read)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    narrative = LimitedText(
        label=_("What happened"),
        required=False,
        max_length=20000,
        rows=6,
    )
    origin_region = RegionChoiceField(label=_("Region of origin"), required=False)
    destination_country = forms.ChoiceField(
        label=_("Destination country"),
        required=False,
        widget=FixedChoicesSelect,
        choices=CountryChoices(blank=True, indonesia=False),
    )
    destination_city = forms.CharField(label=_("Destination city"), required=False, max_length=120)
    victim_abroad = forms.BooleanField(label=_("The victim is still abroad"), required=False)
    recruitment_channel = forms.ChoiceField(
        label=_("Recruited through"), required=False, choices=with_blank(RecruitmentChannel.choices)
    )
    recruitment_app = forms.ChoiceField(
        label=_("App used"), required=False, choices=with_blank(RecruitmentApp.choices)
    )
    promised_job = forms.CharField(label=_("Promised job"), required=False, max_length=200)
    promised_salary = forms.CharField(label=_("Promised salary"), required=False, max_length=100)
    fees_paid = forms.DecimalField(
        label=_("Fees paid (IDR)"), required=False, min_value=0, max_digits=14, decimal_places=0
    )
    fees_description = forms.CharField(label=_("Fees and debts"), required=False, max_length=300)
    visa_type = forms.ChoiceField(label=_("Visa used"), required=False, choices=with_blank(VisaType.choices))
    exploitation_types = forms.MultipleChoiceField(
        label=_("Type of exploitation"),
        required=False,
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    labour_sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=with_blank(LabourSector.choices)
    )
    means_of_control = forms.MultipleChoiceField(
        label=_("Means of control"),
        required=False,
        choices=MeansOfControl.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    EDITABLE = (
        "narrative",
        "origin_region",
        "destination_country",
        "destination_city",
        "victim_abroad",
        "recruitment_channel",
        "recruitment_app",
        "promised_job",
        "promised_salary",
        "fees_paid",
        "fees_description",
        "visa_type",
        "exploitation_types",
        "labour_sector",
        "means_of_control",
    )

    @classmethod
    def initial_for(cls, case) -> dict:
        initial = {name: getattr(case, name) for name in cls.EDITABLE}
        initial["origin_region"] = case.origin_region_id
        initial["version"] = case.version
        return initial

    def case_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.EDITABLE}
        for name in ("exploitation_types", "means_of_control"):
            fields[name] = list(fields[name] or [])
        for name in (
            "narrative",
            "destination_country",
            "destination_city",
            "recruitment_channel",
            "recruitment_app",
            "promised_job",
            "promised_salary",
            "fees_description",
            "visa_type",
            "labour_sector",
        ):
            fields[name] = (fields[name] or "").strip()
        return fields


class TransitionForm(forms.Form):
    """One move of the case along the flow; `version` is the case version the page was rendered with."""

    to_stage = forms.CharField(widget=forms.HiddenInput, max_length=40)
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=with_blank(ClosureReason.choices))
    note = LimitedText(
        label=_("Note (optional)"),
        required=False,
        max_length=5000,
        rows=2,
    )


class ReferralForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"), choices=ReferralNeed.choices)
    to_agency = forms.ChoiceField(label=_("Refer to"))
    reason = LimitedText(
        label=_("Reason"),
        max_length=5000,
        rows=3,
    )
    due_at = forms.DateTimeField(
        label=_("Services due by"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty to use the deadline the flow sets for this need (with its legal basis)."),
    )

    def __init__(self, *args, agencies=(), needs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].choices = with_blank((str(a.pk), f"{a.name}") for a in agencies)
        if needs is not None:
            self.fields["need"].choices = [(c, label) for c, label in ReferralNeed.choices if c in needs]


class ReasonForm(forms.Form):
    """Decline, revoke, transfer decline: a reason is required by the service."""

    reason = LimitedText(
        label=_("Reason"),
        max_length=5000,
        rows=2,
    )


class OptionalNoteForm(forms.Form):
    note = LimitedText(
        label=_("Note (optional)"),
        required=False,
        max_length=5000,
        rows=2,
    )


class ServiceReportForm(forms.Form):
    description = LimitedText(
        label=_("Service delivered"),
        max_length=5000,
        rows=2,
    )
    delivered_on = forms.DateField(label=_("Delivered on"), required=False, widget=DATE_WIDGET)


class TransferRequestForm(forms.Form):
    to_agency = forms.ChoiceField(label=_("Hand the lead to"))
    reason = LimitedText(
        label=_("Reason"),
        max_length=5000,
        rows=2,
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].choices = with_blank((str(a.pk), a.name) for a in agencies)


class ApprovalRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Approval of"), choices=ApprovalKind.choices)
    note = LimitedText(
        label=_("Note (optional)"),
        required=False,
        max_length=5000,
        rows=2,
    )


class ApprovalDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = LimitedText(
        label=_("Note (required to reject)"),
        required=False,
        max_length=5000,
        rows=2,
    )


class NoteForm(forms.Form):
    text = LimitedText(
        label=_("Note"),
        max_length=20000,
        rows=3,
    )
    sensitivity = forms.ChoiceField(label=_("Who may read it"), choices=Sensitivity.choices)

    def __init__(self, *args, sensitivities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sensitivities is not None:
            self.fields["sensitivity"].choices = [
                (c, label) for c, label in Sensitivity.choices if c in sensitivities
            ]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = forms.ChoiceField(label=_("Owner"))
    due_at = forms.DateTimeField(label=_("Due"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(str(u.pk), u.get_full_name() or u.username) for u in owners]
        if not self.is_bound:
            tomorrow = timezone.localtime() + timedelta(days=1)
            self.initial.setdefault("due_at", datetime.combine(tomorrow.date(), time(16, 0)))


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    sensitivity = forms.ChoiceField(label=_("Who may read it"), choices=Sensitivity.choices)

    def __init__(self, *args, sensitivities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sensitivities is not None:
            self.fields["sensitivity"].choices = [
                (c, label) for c, label in Sensitivity.choices if c in sensitivities
            ]


class VictimStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Victim status"), choices=VictimStatus.choices)


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(label=_("Consent to share"), choices=Consent.choices)


class ShareOverrideForm(forms.Form):
    agency = forms.ChoiceField(label=_("Share the identity with"))
    reason = LimitedText(
        label=_("Reason for sharing without consent"),
        max_length=5000,
        rows=2,
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = with_blank((str(a.pk), a.name) for a in agencies)


class RouteEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Event"), choices=RouteEventKind.choices)
    country = forms.ChoiceField(label=_("Country"), widget=FixedChoicesSelect, choices=CountryChoices())
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    occurred_on = forms.DateField(label=_("Date"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("country", "ID")


class MetricsForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency"))
    start = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Until"), widget=DATE_WIDGET)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(str(a.pk), a.name) for a in agencies]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start of the period is after its end."))
        if start and end and (end - start).days > 3660:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        return data


class ClosureForm(forms.Form):
    """Closing a case: the outcome, what happens to each open referral and task, each victim's final status.

    One field per open item (`referral-<id>`, `task-<id>`, `victim-<party id>`), each with its reason field
    where a reason is needed, so that every missing decision is shown beside its item in one round.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome of the case"), choices=with_blank(ClosureReason.choices))
    note = LimitedText(label=_("Closing note (optional)"), required=False, max_length=5000, rows=3)

    def __init__(self, *args, referrals=(), tasks=(), victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.referrals, self.tasks, self.victims = list(referrals), list(tasks), list(victims)
        for referral in self.referrals:
            choices = [("REVOKE", _("Revoke it"))]
            if referral.state == "ACCEPTED":
                choices.insert(0, ("DONE", _("Services delivered: done")))
            self.fields[f"referral-{referral.pk}"] = forms.ChoiceField(
                label=_("Referral: %(need)s to %(agency)s")
                % {"need": referral.get_need_display(), "agency": referral.to_agency.name},
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose what happens to this referral.")},
            )
            self.fields[f"referral-{referral.pk}-reason"] = LimitedText(
                label=_("Reason for revoking"), required=False, max_length=5000, rows=2
            )
        for task in self.tasks:
            self.fields[f"task-{task.pk}"] = forms.ChoiceField(
                label=_("Task: %(title)s") % {"title": task.title},
                choices=[("DONE", _("Done")), ("CANCEL", _("Cancel it"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose what happens to this task.")},
            )
            self.fields[f"task-{task.pk}-reason"] = forms.CharField(
                label=_("Reason for cancelling"), required=False, max_length=500
            )
        for label, party in self.victims:
            self.fields[f"victim-{party.pk}"] = forms.ChoiceField(
                label=_("Final status of %(victim)s") % {"victim": label},
                choices=with_blank(VictimStatus.choices),
                error_messages={"required": _("Choose the victim's final status.")},
            )

    def clean(self):
        data = super().clean()
        for prefix, action, message in (
            ("referral", "REVOKE", _("Give the reason for revoking.")),
            ("task", "CANCEL", _("Give the reason for cancelling.")),
        ):
            for item in self.referrals if prefix == "referral" else self.tasks:
                key = f"{prefix}-{item.pk}"
                if data.get(key) == action and not (data.get(f"{key}-reason") or "").strip():
                    self.add_error(f"{key}-reason", message)
        return data

    def item_rows(self):
        """(decision field, reason field) per open referral and task, for the template."""
        return [
            (self[f"{prefix}-{item.pk}"], self[f"{prefix}-{item.pk}-reason"])
            for prefix, items in (("referral", self.referrals), ("task", self.tasks))
            for item in items
        ]

    def victim_fields(self):
        return [self[f"victim-{party.pk}"] for _label, party in self.victims]

    def decisions(self) -> dict:
        """The keyword arguments of services.case_close taken from this form."""
        from sinergi.cases.services import Decision

        data = self.cleaned_data

        def decision(key):
            return Decision(action=data[key], reason=(data.get(f"{key}-reason") or "").strip())

        return {
            "outcome": data["outcome"],
            "note": (data.get("note") or "").strip(),
            "expected_version": data["version"],
            "referral_decisions": {r.pk: decision(f"referral-{r.pk}") for r in self.referrals},
            "task_decisions": {t.pk: decision(f"task-{t.pk}") for t in self.tasks},
            "victim_statuses": {p.pk: data[f"victim-{p.pk}"] for _label, p in self.victims},
        }
