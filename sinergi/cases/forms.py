"""Forms of the case pages. They only parse what was typed; the services decide and save (services.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
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
from sinergi.people.choices import Sex
from sinergi.people.services import nationality_choices
from sinergi.regions.widgets import RegionChoiceField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]
BLANK = [("", "—")]


def country_choices(blank: bool = True) -> list[tuple[str, str]]:
    choices = [(c, n) for c, n in nationality_choices((get_language() or "id")[:2]) if c != "ID"]
    return (BLANK if blank else []) + choices


def with_blank(choices) -> list:
    return BLANK + list(choices)


class CaseFilterForm(forms.Form):
    """The filters of the case list; every value is optional and a bad one is simply ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    lead_agency = forms.ChoiceField(label=_("Lead agency"), required=False)
    origin_region = RegionChoiceField(label=_("Region of origin"), required=False)
    destination_country = forms.ChoiceField(label=_("Destination"), required=False)
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
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = with_blank(stages)
        self.fields["lead_agency"].choices = with_blank((str(a.pk), a.name) for a in agencies)
        self.fields["destination_country"].choices = country_choices()

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
    narrative = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
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
    destination_country = forms.ChoiceField(label=_("Destination country"), required=False)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination_country"].choices = country_choices()

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


class VictimForm(forms.Form):
    """One victim: an existing person record (chosen in the confirmation step) or the details of a new one."""

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
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
    country = forms.ChoiceField(label=_("Country"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = nationality_choices((get_language() or "id")[:2])
        self.initial.setdefault("country", "ID")


class CaseEditForm(forms.Form):
    """The modus, route and narrative of a case (services.case_update with the version the user read)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    narrative = forms.CharField(
        label=_("What happened"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    origin_region = RegionChoiceField(label=_("Region of origin"), required=False)
    destination_country = forms.ChoiceField(label=_("Destination country"), required=False)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination_country"].choices = country_choices()

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
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"), choices=ReferralNeed.choices)
    to_agency = forms.ChoiceField(label=_("Refer to"))
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
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

    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class OptionalNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ServiceReportForm(forms.Form):
    description = forms.CharField(
        label=_("Service delivered"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    delivered_on = forms.DateField(label=_("Delivered on"), required=False, widget=DATE_WIDGET)


class TransferRequestForm(forms.Form):
    to_agency = forms.ChoiceField(label=_("Hand the lead to"))
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].choices = with_blank((str(a.pk), a.name) for a in agencies)


class ApprovalRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Approval of"), choices=ApprovalKind.choices)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApprovalDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = forms.CharField(
        label=_("Note (required to reject)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
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
    reason = forms.CharField(
        label=_("Reason for sharing without consent"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = with_blank((str(a.pk), a.name) for a in agencies)


class RouteEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Event"), choices=RouteEventKind.choices)
    country = forms.ChoiceField(label=_("Country"))
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    occurred_on = forms.DateField(label=_("Date"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        indonesia = [(c, n) for c, n in nationality_choices((get_language() or "id")[:2])]
        self.fields["country"].choices = indonesia
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
