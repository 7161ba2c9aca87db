"""Forms of the detection pages. They only check and label input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.core.countries import CountryChoices
from sinergi.core.renderers import FixedChoicesSelect
from sinergi.detection import departure
from sinergi.detection.checkpoints import CHECKPOINTS
from sinergi.detection.choices import CheckpointType, ReviewDecision
from sinergi.detection.services import MAX_REASON_CHARS, MAX_TEXT_CHARS

OTHER_CHECKPOINT = "__other__"


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why: what you checked and what you found. Other analysts will read it."),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of posts"),
        help_text=_(
            "JSON Lines (.jsonl: one object per line) or CSV (.csv) in UTF-8, with a “text” field and optionally "
            "“id”, “platform”, “account”, “url”, “posted_at”. At most 20,000 posts and 10 MB per file; "
            "larger files go through the command line (sinergi screen --store)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".jsonl,.ndjson,.json,.csv,.txt"}),
    )


class ScreenTextForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the offer or post"),
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=True,
    )
    platform = forms.CharField(label=_("Platform (optional)"), max_length=40, required=False)


# Labels of the departure questionnaire's answers (the keys are sinergi.detection.departure's).
ANSWER_LABELS = {
    "purpose": {
        "work": _("Work"),
        "tourism": _("Tourism"),
        "religious": _("Umrah, hajj or pilgrimage"),
        "family_visit": _("Visiting family"),
        "study": _("Study"),
        "other": _("Other"),
    },
    "visa_type": {
        "work": _("Work visa"),
        "tourist": _("Tourist visa or visa-free entry"),
        "visit": _("Visit visa"),
        "umrah": _("Umrah or hajj visa"),
        "student": _("Student visa"),
        "none": _("No visa yet"),
        "unknown": _("Does not know"),
    },
    "registered": {
        "yes": _("Yes, registered (SIAPkerja / E-PMI)"),
        "no": _("No"),
        "unknown": _("Does not know"),
    },
    "recruited_via": {
        "p3mi": _("A licensed placement company (P3MI)"),
        "g2g": _("Government programme (G to G, e.g. Korea EPS)"),
        "calo": _("An individual broker or sponsor (calo)"),
        "social_media": _("A social-media post or contact"),
        "family_friend": _("Family or a friend"),
        "independent": _("Applied on their own (mandiri)"),
        "none": _("Not going to work"),
    },
    "costs_paid_by": {
        "employer": _("The employer or the P3MI"),
        "self": _("The traveller"),
        "recruiter": _("An individual recruiter (to be paid back)"),
        "family": _("Family"),
        "unknown": _("Does not know"),
    },
    "debt": {"yes": _("Yes"), "no": _("No")},
    "passport_holder": {
        "self": _("The traveller"),
        "companion": _("A companion or escort"),
        "recruiter_elsewhere": _("The recruiter or agent (not present)"),
        "no_passport": _("No passport shown"),
    },
    "accompanied_by": {
        "alone": _("Alone"),
        "family": _("With family"),
        "recruiter": _("With the recruiter or an escort"),
        "group_with_escort": _("In a group led by one person"),
    },
    "waiting_at_destination": {
        "employer": _("The employer"),
        "p3mi_agent": _("The placement company's partner agency"),
        "family": _("Family"),
        "unknown_person": _("Someone they do not know"),
        "nobody": _("Nobody / does not know"),
    },
    "job_type": {
        "none": _("No job (not travelling to work)"),
        "domestic_worker": _("Domestic worker"),
        "caregiver": _("Caregiver (elderly, children)"),
        "factory": _("Factory worker"),
        "plantation": _("Plantation worker"),
        "fishing": _("Fishing crew"),
        "construction": _("Construction"),
        "hospitality": _("Hotel, restaurant, spa"),
        "online_admin": _("Online admin, customer service, operator"),
        "other": _("Other"),
    },
    "knows_employer": {
        "yes": _("Yes: name, wage and workplace"),
        "partly": _("Partly"),
        "no": _("No"),
    },
    "documents": {
        "passport": _("Passport"),
        "work_visa": _("Work visa"),
        "placement_agreement": _("Placement agreement (perjanjian penempatan)"),
        "employment_contract": _("Employment contract (perjanjian kerja)"),
        "family_permission": _("Family permission letter"),
        "health_certificate": _("Health certificate"),
        "competency_certificate": _("Competency certificate"),
        "orientation": _("Pre-departure orientation (OPP) certificate"),
    },
    "signs": {
        "coached": _("Answers seem rehearsed or inconsistent"),
        "fearful": _("Appears afraid, or a companion answers for them"),
        "false_identity": _("Document data do not match the person (e.g. age)"),
        "threatened": _("Says they are threatened or cannot cancel the journey"),
    },
}

QUESTION_LABELS = {
    "purpose": _("Purpose of the journey as stated"),
    "visa_type": _("Visa for the destination"),
    "registered": _("Registered with the manpower office (Disnaker / SIAPkerja)?"),
    "recruited_via": _("How was the job found or offered?"),
    "costs_paid_by": _("Who paid the ticket and the processing costs?"),
    "fee_paid_idr": _("Amount the traveller paid to leave (rupiah)"),
    "debt": _("Is there a debt to repay from the wages?"),
    "passport_holder": _("Who holds the passport?"),
    "accompanied_by": _("Travelling with"),
    "waiting_at_destination": _("Who is waiting at the destination?"),
    "job_type": _("Job at the destination"),
    "knows_employer": _("Knows the employer's name, the wage and the workplace?"),
    "documents": _("Documents shown"),
    "signs": _("What the officer observed"),
}


def country_name(code: str) -> str:
    """A destination abroad by its name in the reader's language: the ISO countries (not CLDR's pseudo-locales
    and groupings such as "Zona Euro") without Indonesia itself; the code itself for any other."""
    return dict(CountryChoices(indonesia=False)).get(code, code)


def _choices(name: str) -> list[tuple[str, str]]:
    return [(value, ANSWER_LABELS[name][value]) for value in departure.CHOICES.get(name, ())] or [
        (value, ANSWER_LABELS[name][value]) for value in departure.MULTI_CHOICES[name]
    ]


class DepartureScreeningForm(forms.Form):
    """The officer's questionnaire. Every single-choice question is required; "does not know" is an answer."""

    checkpoint = forms.ChoiceField(label=_("Checkpoint"))
    checkpoint_other = forms.CharField(label=_("Other checkpoint: name"), max_length=120, required=False)
    checkpoint_other_type = forms.ChoiceField(
        label=_("Other checkpoint: type"), choices=[("", "—"), *CheckpointType.choices], required=False
    )
    traveller_name = forms.CharField(
        label=_("Traveller's name (optional)"),
        max_length=200,
        required=False,
        help_text=_("Stored encrypted. Needed only if a case is opened."),
    )
    age = forms.IntegerField(label=_("Age"), min_value=1, max_value=119)
    destination_country = forms.ChoiceField(
        label=_("Destination country"),
        widget=FixedChoicesSelect,
        choices=CountryChoices(blank=True, indonesia=False),
    )
    purpose = forms.ChoiceField(widget=forms.RadioSelect)
    job_type = forms.ChoiceField()
    visa_type = forms.ChoiceField(widget=forms.RadioSelect)
    registered = forms.ChoiceField(widget=forms.RadioSelect)
    recruited_via = forms.ChoiceField(widget=forms.RadioSelect)
    costs_paid_by = forms.ChoiceField(widget=forms.RadioSelect)
    fee_paid_idr = forms.IntegerField(min_value=0, max_value=10_000_000_000, required=False)
    debt = forms.ChoiceField(widget=forms.RadioSelect)
    passport_holder = forms.ChoiceField(widget=forms.RadioSelect)
    accompanied_by = forms.ChoiceField(widget=forms.RadioSelect)
    waiting_at_destination = forms.ChoiceField(widget=forms.RadioSelect)
    knows_employer = forms.ChoiceField(widget=forms.RadioSelect)
    documents = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False)
    signs = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for checkpoint in CHECKPOINTS:
            label = str(CheckpointType(checkpoint.type).label)
            groups.setdefault(label, []).append((checkpoint.name, checkpoint.name))
        self.fields["checkpoint"].choices = [
            ("", "—"),
            *groups.items(),
            (OTHER_CHECKPOINT, _("Other (type its name below)")),
        ]
        for name, label in QUESTION_LABELS.items():
            self.fields[name].label = label
            if name in departure.CHOICES or name in departure.MULTI_CHOICES:
                self.fields[name].choices = _choices(name)
        self.fields["job_type"].choices = [("", "—"), *_choices("job_type")]

    def clean(self):
        data = super().clean()
        checkpoint = data.get("checkpoint")
        if checkpoint == OTHER_CHECKPOINT:
            if not data.get("checkpoint_other", "").strip():
                self.add_error("checkpoint_other", _("Give the checkpoint's name."))
            if not data.get("checkpoint_other_type"):
                self.add_error("checkpoint_other_type", _("Choose the checkpoint's type."))
        return data

    def checkpoint_values(self) -> tuple[str, str]:
        data = self.cleaned_data
        if data["checkpoint"] == OTHER_CHECKPOINT:
            return data["checkpoint_other_type"], data["checkpoint_other"].strip()
        checkpoint = next(c for c in CHECKPOINTS if c.name == data["checkpoint"])
        return checkpoint.type, checkpoint.name

    def answers(self) -> dict:
        names = list(departure.CHOICES) + list(departure.MULTI_CHOICES) + ["age", "destination_country"]
        answers = {name: self.cleaned_data.get(name) for name in names}
        answers["fee_paid_idr"] = self.cleaned_data.get("fee_paid_idr") or 0
        return answers
