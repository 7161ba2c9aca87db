"""The intake page: a new case with its victims, suspects (people or companies), reporter and first referrals
on one form, prefilled from a post or a departure screening, with duplicate hints before saving.

Works without JavaScript: the formsets carry empty rows, and "add another" is a submit button that comes back
with one more; with JavaScript (cases/intake.js) the same button adds the row in place."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.cases import selectors, services
from sinergi.cases.choices import (
    IntakeChannel,
    PartyRole,
    RecruitmentApp,
    RecruitmentChannel,
)
from sinergi.cases.forms import (
    IntakeForm,
    IntakeReferralFormSet,
    ReporterForm,
    SuspectFormSet,
    VictimFormSet,
)
from sinergi.cases.views._shared import _apply_error, _status_of, may_intake
from sinergi.core import registry
from sinergi.core.errors import ApplicationError

# The formsets of the intake page: (prefix, class, the submit button that adds a row without JavaScript).
FORMSETS = (
    ("victims", VictimFormSet, "add_victim"),
    ("suspects", SuspectFormSet, "add_suspect"),
    ("referrals", IntakeReferralFormSet, "add_referral"),
)

_CHECKPOINT_CHANNELS = {
    "airport": IntakeChannel.AIRPORT,
    "seaport": IntakeChannel.SEAPORT,
    "plbn": IntakeChannel.LAND_BORDER,
}


def _source_prefill(request, params) -> tuple[dict, list[dict], dict]:
    """Initial intake values from a flagged post or a departure screening the user may see.

    Returns (form initial, victims initial, source description for the page). Read through the detection
    app's own selectors (its restrict rules); a missing app or an object outside the user's scope adds nothing.
    """
    initial: dict = {}
    victims: list[dict] = []
    source: dict = {}
    post_id = params.get("detection_post")
    screening_id = params.get("departure_screening")
    if post_id:
        try:
            from sinergi.detection.selectors import access_post

            post = access_post(user=request.user, pk=post_id)
        except (ImportError, Http404, ValueError, TypeError):
            post = None
        if post is not None:
            platform = (post.platform or "").lower()
            initial.update(
                {
                    "intake_channel": IntakeChannel.EARLY_DETECTION,
                    "narrative": _("Flagged post (%(platform)s): %(text)s")
                    % {"platform": post.platform or "—", "text": post.text},
                    "recruitment_channel": RecruitmentChannel.SOCIAL_MEDIA,
                    "detection_post": post.pk,
                }
            )
            if platform in RecruitmentApp.values:
                initial["recruitment_app"] = platform
            country = (post.destination_country or "").strip().upper()
            if len(country) == 2:
                initial["destination_country"] = country
            source = {"kind": "post", "object": post}
    if screening_id:
        try:
            from sinergi.detection.selectors import access_departure_screening

            screening = access_departure_screening(user=request.user, pk=screening_id)
        except (ImportError, Http404, ValueError, TypeError):
            screening = None
        if screening is not None:
            reasons = "; ".join(str(r.get("reason_id") or r.get("code")) for r in screening.reasons or [])
            initial.update(
                {
                    "intake_channel": _CHECKPOINT_CHANNELS.get(
                        screening.checkpoint_type, IntakeChannel.OTHER
                    ),
                    "narrative": _("Departure screening at %(checkpoint)s (risk: %(risk)s). %(reasons)s")
                    % {
                        "checkpoint": screening.checkpoint_name,
                        "risk": screening.get_risk_level_display(),
                        "reasons": reasons,
                    },
                    "destination_country": screening.destination_country or "",
                    "departure_screening": screening.pk,
                }
            )
            if screening.traveller_name:
                victims.append({"full_name": screening.traveller_name})
            source = {"kind": "screening", "object": screening}
    if (post_id or screening_id) and not source:
        messages.warning(
            request,
            _("The post or screening to attach was not found, or you may not see it; it is not attached."),
        )
    return initial, victims, source


def _duplicate_hints(request, *, nik: str, phone: str, data: dict) -> list[dict]:
    """The duplicate check of one victim row, throttled like the API's (a paused check says so)."""
    full_name, birth_date = data.get("full_name") or "", data.get("birth_date")
    if not (nik or phone or (full_name and birth_date)):
        return []
    if not selectors.duplicate_check_allowed(request.user):
        return [{"kind": "paused", "message": _("The duplicate check is paused for a few minutes.")}]
    result = selectors.case_intake_duplicates(
        user=request.user, nik=nik, phone=phone, full_name=full_name, birth_date=birth_date
    )
    hints: list[dict] = [{"kind": "case", "hint": hint} for hint in result.hints]
    if result.elsewhere:
        hints.append(
            {
                "kind": "elsewhere",
                "message": _(
                    "Another agency holds a matching record; contact the task force (Gugus Tugas) to coordinate."
                ),
            }
        )
    return hints


def _person_choice(request, form) -> dict:
    """What a victim row of the intake, or the party form, says of the person: {"person": the chosen record the
    user may see} or {"new_person": PersonData, ...}, which the case service records in its own transaction."""
    from sinergi.people.selectors import person_get
    from sinergi.people.services import PersonData, PhoneInput

    data = form.cleaned_data
    if data.get("person"):
        return {"person": person_get(user=request.user, person_id=data["person"], audit=False)}
    phone = (data.get("phone") or "").strip()
    new_person = PersonData(
        full_name=data["full_name"],
        sex=data.get("sex") or "U",
        birth_date=data.get("birth_date"),
        nik=(data.get("nik") or "").strip(),
        phones=[PhoneInput(number=phone)] if phone else [],
    )
    # The intake showed the NIK/birth-date mismatch as a warning before this confirmed save.
    return {"new_person": new_person, "confirm_nik_mismatch": True}


def _person_data(*, full_name, sex="U", birth_date=None, nik="", phone=""):
    from sinergi.people.services import PersonData, PhoneInput

    phone = (phone or "").strip()
    return PersonData(
        full_name=full_name,
        sex=sex or "U",
        birth_date=birth_date,
        nik=(nik or "").strip(),
        phones=[PhoneInput(number=phone)] if phone else [],
    )


def _record_matches(request, data) -> list[dict]:
    """People the user may view whom record linkage scores as possibly this one (exchange's linkage, reached
    through the registry: cases sits below exchange). Nothing when the app is not installed."""
    matcher = registry.provider("people.intake_matches")
    if matcher is None or not data.full_name.strip():
        return []
    return [
        {"person": person, "probability": round(probability * 100), "band": band}
        for person, probability, band in matcher(user=request.user, data=data)[:5]
    ]


def _exact_people(request, nik: str, phone: str) -> list:
    """Person records the user may see with this NIK or phone (each search written to the audit trail)."""
    from sinergi.people.identifiers import normalise_phone
    from sinergi.people.selectors import person_list, person_search_record

    found: list = []
    for query in (nik, normalise_phone(phone) if phone else ""):
        if query:
            people = list(person_list(user=request.user, query=query)[:5])
            person_search_record(user=request.user, query=query, count=len(people))
            found += [p for p in people if p not in found]
    return found


def _row_checks(request, row, *, victim: bool) -> tuple[list[dict], list[dict]]:
    """(hints, candidate people) of one filled row that names no existing record yet."""
    from sinergi.people import nik as nik_module
    from sinergi.people.services import nik_warnings

    data = row.cleaned_data
    if data.get("person"):
        return [], []
    nik, phone = data.get("nik") or "", data.get("phone") or ""
    name = (data.get("full_name") or data.get("name") or "").strip()
    hints: list[dict] = []
    if victim and nik:
        for warning in nik_warnings(
            nik_module.parse_nik(nik), birth_date=data.get("birth_date"), sex=data.get("sex") or "U"
        ):
            hints.append({"kind": "nik_mismatch", "message": warning.message})
    if victim:
        hints += _duplicate_hints(request, nik=nik, phone=phone, data=data)
    candidates = [{"person": p} for p in _exact_people(request, nik, phone)]
    if name:
        person_data = _person_data(
            full_name=name, sex=data.get("sex"), birth_date=data.get("birth_date"), nik=nik, phone=phone
        )
        known = {c["person"].pk for c in candidates}
        candidates += [m for m in _record_matches(request, person_data) if m["person"].pk not in known]
    return hints, candidates


class IntakePage:
    """The intake's forms bound to one request, the checks of their rows, and the page they render."""

    def __init__(self, request, data=None, *, initial=None, victims_initial=None, source=None):
        self.request = request
        self.source = source or {}
        if data is not None:
            data = _with_management_forms(data)
        self.form = IntakeForm(data, initial=initial)
        self.targets = selectors.intake_referral_targets(user=request.user, region=_posted_region(data))
        self.formsets = {
            "victims": VictimFormSet(data, prefix="victims", initial=victims_initial or None),
            "suspects": SuspectFormSet(data, prefix="suspects"),
            "referrals": IntakeReferralFormSet(
                data, prefix="referrals", form_kwargs={"targets": self.targets}
            ),
        }
        self.reporter = ReporterForm(data, prefix="reporter")
        self.checks: dict[str, tuple[list, list]] = {}

    def is_valid(self) -> bool:
        # Every form is validated, so that every error shows in the same round.
        results = [self.form.is_valid(), self.reporter.is_valid()]
        results += [formset.is_valid() for formset in self.formsets.values()]
        return all(results)

    def filled(self, name: str) -> list:
        return [row for row in self.formsets[name].forms if not row.is_empty()]

    def run_checks(self) -> bool:
        """Duplicate hints and matching records for every filled row; True when there is something to show."""
        for row in self.filled("victims"):
            self.checks[row.prefix] = _row_checks(self.request, row, victim=True)
        for row in self.filled("suspects"):
            if not row.is_organisation():
                self.checks[row.prefix] = _row_checks(self.request, row, victim=False)
        if not self.reporter.is_empty():
            self.checks[self.reporter.prefix] = _row_checks(self.request, self.reporter, victim=False)
        return any(hints or people for hints, people in self.checks.values())

    def rows(self, name: str) -> list:
        return [(row, *self.checks.get(row.prefix, ([], []))) for row in self.formsets[name].forms]

    def render(self, *, status=200):
        formsets = self.formsets
        confirming = bool(self.form.is_bound and self.form.data.get("confirmed"))
        _hints, reporter_people = self.checks.get(self.reporter.prefix, ([], []))
        return render(
            self.request,
            "cases/intake.html",
            {
                "form": self.form,
                "victims": formsets["victims"],
                "suspects": formsets["suspects"],
                "referrals": formsets["referrals"],
                "reporter": self.reporter,
                "victim_rows": self.rows("victims"),
                "suspect_rows": self.rows("suspects"),
                "reporter_people": reporter_people,
                "source": self.source,
                "confirming": confirming,
                "any_warning": any(h or p for h, p in self.checks.values()),
                "has_errors": status == 400,
                "media": self.form.media,
            },
            status=status,
        )


def _posted_region(data):
    """The origin region a posted intake names (the case's flow and province follow it), or None."""
    from sinergi.regions.models import Region

    code = (data or {}).get("origin_region") or ""
    return Region.objects.filter(pk=code).first() if code else None


def _with_management_forms(data):
    """A post without a formset's management fields (an older form, a script) sends no row of it."""
    missing = [prefix for prefix, _f, _b in FORMSETS if f"{prefix}-TOTAL_FORMS" not in data]
    if not missing:
        return data
    data = data.copy()
    for prefix in missing:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


def _with_one_more_row(post, button: str):
    """The posted data with one more empty row in the formset whose "add another" button was pressed."""
    data = post.copy()
    for prefix, _formset, name in FORMSETS:
        if button == name:
            try:
                total = int(data.get(f"{prefix}-TOTAL_FORMS", 1))
            except ValueError:
                total = 1
            data[f"{prefix}-TOTAL_FORMS"] = str(max(1, min(total + 1, 20)))
    return data


@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    """Registers a new case with what is known now, in one go; probable duplicates are shown before saving."""
    if not may_intake(request.user):
        raise PermissionDenied
    if request.method == "GET":
        initial, victim_initial, source = _source_prefill(request, request.GET)
        return IntakePage(request, initial=initial, victims_initial=victim_initial, source=source).render()
    _initial, _victims, source = _source_prefill(request, request.POST)
    button = next((name for _p, _f, name in FORMSETS if request.POST.get(name)), None)
    if button:
        page = IntakePage(request, _with_one_more_row(request.POST, button), source=source)
        return page.render()
    page = IntakePage(request, request.POST, source=source)
    if not page.is_valid():
        return page.render(status=400)
    if page.run_checks() and not page.form.cleaned_data.get("confirmed"):
        data = request.POST.copy()
        data["confirmed"] = "1"
        confirming = IntakePage(request, data, source=source)
        confirming.is_valid()
        confirming.checks = page.checks
        return confirming.render()
    return _save(request, page)


def _chosen_or_new(request, row, *, full_name: str) -> dict:
    """A suspect's or the reporter's record: the existing one chosen in the confirmation step, else a new one."""
    from sinergi.people.selectors import person_get

    data = row.cleaned_data
    if data.get("person"):
        return {"person": person_get(user=request.user, person_id=data["person"], audit=False)}
    person = _person_data(full_name=full_name, nik=data.get("nik") or "", phone=data.get("phone") or "")
    return {"new_person": person, "confirm_nik_mismatch": True}


def _referral_fields(row, targets) -> dict:
    data = row.cleaned_data
    return {
        "to_agency": targets.by_id[int(data["to_agency"])],
        "need": data["need"],
        "reason": data["reason"],
        "due_at": data.get("due_at"),
    }


def _save(request, page: IntakePage):
    """One service call, one transaction: the case, its people, companies and first referrals, or nothing."""
    form = page.form
    parties, party_rows = [], []
    try:
        for row in page.filled("victims"):
            parties.append(
                {"role": PartyRole.VICTIM, "age_group": row.age_group_value(), **_person_choice(request, row)}
            )
            party_rows.append(row)
        organisations, organisation_rows = [], []
        for row in page.filled("suspects"):
            if row.is_organisation():
                organisations.append(row.organisation_fields())
                organisation_rows.append(row)
                continue
            parties.append(
                {
                    "role": row.party_role(),
                    "perpetrator_role": row.cleaned_data.get("perpetrator_role") or "",
                    **_chosen_or_new(request, row, full_name=row.display_name()),
                }
            )
            party_rows.append(row)
        if not page.reporter.is_empty():
            name = page.reporter.cleaned_data.get("full_name") or ""
            parties.append(
                {"role": PartyRole.REPORTER, **_chosen_or_new(request, page.reporter, full_name=name)}
            )
            party_rows.append(page.reporter)
    except Http404:
        form.add_error(None, _("That person record is not available to you."))
        return page.render(status=400)
    referral_rows = page.filled("referrals")
    referrals = [_referral_fields(row, page.targets) for row in referral_rows]
    try:
        case = services.case_intake(
            actor=request.user,
            parties=parties,
            organisations=organisations,
            referrals=referrals,
            source_post_id=form.cleaned_data.get("detection_post") or None,
            source_screening_id=form.cleaned_data.get("departure_screening") or None,
            **form.case_fields(),
        )
    except ValidationError as exc:
        rows = party_rows if getattr(exc, "party_index", None) is not None else organisation_rows
        index = getattr(exc, "party_index", getattr(exc, "organisation_index", None))
        target = rows[index] if index is not None and index < len(rows) else form
        for name, errors in exc.message_dict.items():
            for error in errors:
                target.add_error(name if name in target.fields else None, error)
        return page.render(status=400)
    except ApplicationError as exc:
        index = getattr(exc, "referral_index", None)
        target = referral_rows[index] if index is not None else form
        if not _apply_error(target, exc):
            target.add_error(None, exc.message)
        return page.render(status=_status_of(exc))
    messages.success(request, _("Case %(reference)s registered.") % {"reference": case.reference})
    return redirect("cases:detail", case_id=case.pk)
