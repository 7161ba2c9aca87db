"""The intake page: a new case, prefilled from a post or a departure screening, with duplicate hints."""

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
    VictimFormSet,
)
from sinergi.cases.views._shared import _apply_error, _status_of, may_intake
from sinergi.core.errors import ApplicationError

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


def _victim_checks(request, victims) -> tuple[list[list], list[list], bool]:
    """Per victim row: probable duplicate cases, existing person records to reuse; and whether any row has an
    identifier error (added to the row's form)."""
    from sinergi.people import nik as nik_module
    from sinergi.people.identifiers import InvalidPhoneNumber, normalise_phone
    from sinergi.people.selectors import person_list, person_search_record
    from sinergi.people.services import nik_warnings

    hints, candidates = [], []
    has_errors = False
    for row in victims:
        data = row.cleaned_data if hasattr(row, "cleaned_data") else {}
        row_hints, row_people = [], []
        if data and not row.is_empty() and not data.get("person"):
            nik = (data.get("nik") or "").strip()
            phone = (data.get("phone") or "").strip()
            if nik:
                try:
                    parsed = nik_module.parse_nik(nik)
                except nik_module.NikError:
                    row.add_error("nik", _("A NIK has exactly 16 digits and starts with a district code."))
                    has_errors = True
                else:
                    for warning in nik_warnings(
                        parsed, birth_date=data.get("birth_date"), sex=data.get("sex") or "U"
                    ):
                        row_hints.append({"kind": "nik_mismatch", "message": warning.message})
                    found = list(person_list(user=request.user, query=parsed.nik)[:5])
                    person_search_record(user=request.user, query=parsed.nik, count=len(found))
                    row_people += found
            if phone:
                try:
                    e164 = normalise_phone(phone)
                except InvalidPhoneNumber:
                    row.add_error("phone", _("This is not a valid phone number (e.g. 0812-3456-7890)."))
                    has_errors = True
                else:
                    found = list(person_list(user=request.user, query=e164)[:5])
                    person_search_record(user=request.user, query=e164, count=len(found))
                    row_people += [p for p in found if p not in row_people]
            row_hints += _duplicate_hints(request, nik=nik, phone=phone, data=data)
        hints.append(row_hints)
        candidates.append(row_people)
    return hints, candidates, has_errors


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


def _intake_render(request, *, form, victims, source=None, hints=None, candidates=None, status=200):
    rows = list(
        zip(
            victims.forms,
            hints or [[]] * len(victims.forms),
            candidates or [[]] * len(victims.forms),
            strict=False,
        )
    )
    return render(
        request,
        "cases/intake.html",
        {
            "form": form,
            "victims": victims,
            "victim_rows": rows,
            "source": source or {},
            "confirming": bool(form.is_bound and form.data.get("confirmed")),
            "any_warning": any(hints or []) or any(candidates or []),
            "media": form.media,
        },
        status=status,
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    """Registers a new case with what is known now; probable duplicates are shown before saving."""
    if not may_intake(request.user):
        raise PermissionDenied
    if request.method == "GET":
        initial, victim_initial, source = _source_prefill(request, request.GET)
        return _intake_render(
            request,
            form=IntakeForm(initial=initial),
            victims=VictimFormSet(prefix="victims", initial=victim_initial or None),
            source=source,
        )
    _initial, _victims, source = _source_prefill(request, request.POST)
    if request.POST.get("add_victim"):
        data = request.POST.copy()
        try:
            total = int(data.get("victims-TOTAL_FORMS", 1))
        except ValueError:
            total = 1
        data["victims-TOTAL_FORMS"] = str(max(1, min(total + 1, 20)))
        return _intake_render(
            request, form=IntakeForm(data), victims=VictimFormSet(data, prefix="victims"), source=source
        )
    form = IntakeForm(request.POST)
    victims = VictimFormSet(request.POST, prefix="victims")
    if not (form.is_valid() and victims.is_valid()):
        return _intake_render(request, form=form, victims=victims, source=source, status=400)
    filled = [row for row in victims.forms if not row.is_empty()]
    hints, candidates, has_errors = _victim_checks(request, victims.forms)
    if has_errors:
        return _intake_render(
            request, form=form, victims=victims, source=source, hints=hints, candidates=candidates, status=400
        )
    if not form.cleaned_data.get("confirmed") and (any(hints) or any(candidates)):
        data = request.POST.copy()
        data["confirmed"] = "1"
        form = IntakeForm(data)
        form.is_valid()
        victims = VictimFormSet(data, prefix="victims")
        victims.is_valid()
        return _intake_render(
            request, form=form, victims=victims, source=source, hints=hints, candidates=candidates
        )
    parties = []
    try:
        for row in filled:
            try:
                parties.append(
                    {
                        "role": PartyRole.VICTIM,
                        "age_group": row.age_group_value(),
                        **_person_choice(request, row),
                    }
                )
            except Http404:
                row.add_error(None, _("That person record is not available to you."))
                raise
        case = services.case_intake(
            actor=request.user,
            parties=parties,
            source_post_id=form.cleaned_data.get("detection_post") or None,
            source_screening_id=form.cleaned_data.get("departure_screening") or None,
            **form.case_fields(),
        )
    except (ValidationError, Http404) as exc:
        index = getattr(exc, "party_index", None)
        if isinstance(exc, ValidationError) and index is not None:
            row = filled[index]
            for name, errors in exc.message_dict.items():
                for error in errors:
                    row.add_error(name if name in row.fields else None, error)
        return _intake_render(
            request, form=form, victims=victims, source=source, hints=hints, candidates=candidates, status=400
        )
    except ApplicationError as exc:
        _apply_error(form, exc)
        messages.error(request, exc.message)
        return _intake_render(request, form=form, victims=victims, source=source, status=_status_of(exc))
    messages.success(request, _("Case %(reference)s registered.") % {"reference": case.reference})
    return redirect("cases:detail", case_id=case.pk)
