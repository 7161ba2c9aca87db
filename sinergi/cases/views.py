"""Case pages: list, intake, detail with every action, timeline, inboxes, overdue list, notifications, metrics.

Thin adapters: reads through sinergi.cases.selectors and the CaseView of sinergi.cases.access (need-to-know),
writes through sinergi.cases.services. A refused action (ApplicationError) re-renders the page with the user's
input kept and the service's message shown; nothing was changed. Out-of-scope cases answer 404.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldError, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sinergi.agencies.choices import Role
from sinergi.agencies.selectors import agency_list
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases import selectors, services
from sinergi.cases.access import MANAGE_ROLES, WRITE_ROLES
from sinergi.cases.choices import (
    AgeGroup,
    IntakeChannel,
    PartyRole,
    RecruitmentApp,
    RecruitmentChannel,
    ReferralState,
    Track,
    TransferState,
)
from sinergi.cases.flow import DEFAULT_FLOW_FILE, parse_flow_cached
from sinergi.cases.forms import (
    ApprovalDecideForm,
    ApprovalRequestForm,
    AssignForm,
    CaseEditForm,
    CaseFilterForm,
    ConsentForm,
    DocumentForm,
    IntakeForm,
    MetricsForm,
    NoteForm,
    OptionalNoteForm,
    OrganisationForm,
    PartyForm,
    ReasonForm,
    ReferralForm,
    RouteEventForm,
    ServiceReportForm,
    ShareOverrideForm,
    TaskForm,
    TransferRequestForm,
    TransitionForm,
    VictimFormSet,
    VictimStatusForm,
)
from sinergi.cases.models import FlowVersion
from sinergi.cases.notifications import agency_handlers
from sinergi.cases.pagination import CappedPaginator
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.core.htmx import is_htmx
from sinergi.core.redirects import safe_next_url

PAGE_SIZE = 25


# --- helpers -------------------------------------------------------------------------------------------------


def may_intake(user) -> bool:
    """Mirrors services.case_intake's own check, to show or hide the button (the service checks again)."""
    return bool(getattr(user, "agency_id", None)) and user.has_role(*MANAGE_ROLES, Role.INVESTIGATOR)


def _stage_choices() -> list[tuple[str, str]]:
    """The care-track stages of every active flow (the national default first), for the list filter."""
    flows = [parse_flow_cached(DEFAULT_FLOW_FILE.read_text(encoding="utf-8"), DEFAULT_FLOW_FILE.name)]
    for content, source in FlowVersion.objects.filter(is_active=True).values_list("content", "source"):
        try:
            flows.append(parse_flow_cached(content, source))
        except ApplicationError:
            continue
    seen: dict[str, str] = {}
    for flow in flows:
        for stage in flow.stages_of(Track.CARE):
            seen.setdefault(stage.code, stage.label)
    return list(seen.items())


def _safe_next(request, default: str) -> str:
    return safe_next_url(request, request.POST.get("next") or request.GET.get("next"), default)


def _status_of(exc: ApplicationError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    return exc.status if exc.status in (400, 403, 404, 409) else 400


def _apply_error(form, exc: ApplicationError) -> None:
    """Puts the service's field messages on the form fields (the general message is shown as a message)."""
    for name, errors in (exc.fields or {}).items():
        if form is not None and name in form.fields:
            for error in errors:
                form.add_error(name, error)


def _case_url(case, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _view_for(request, case_id):
    """The CaseView for an action (the page view itself is audited by `detail`)."""
    return selectors.case_detail(user=request.user, case_id=case_id, audit=False)


# --- list ----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    """Cases the user may see, filtered; HTMX requests get only the results."""
    form = CaseFilterForm(
        request.GET or None,
        stages=_stage_choices(),
        agencies=agency_list(user=request.user).filter(is_active=True),
    )
    filters = form.filters()
    cases = selectors.case_list(user=request.user, filters=filters)
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [case.pk for case in page]
    overdue_ids = (
        set(
            selectors.case_list(user=request.user, filters={"overdue": "1"})
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        if ids
        else set()
    )
    context = {
        "form": form,
        "page_obj": page,
        "overdue_ids": overdue_ids,
        "filtered": bool(filters),
        "may_intake": may_intake(request.user),
        "now": timezone.now(),
    }
    if is_htmx(request):
        return render(request, "cases/includes/case_results.html", context)
    return render(request, "cases/index.html", {**context, "media": form.media})


# --- intake --------------------------------------------------------------------------------------------------

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


def _link_source(request, case, form) -> None:
    """Records on the post or screening that this case was opened from it (detection's own services)."""
    post_id = form.cleaned_data.get("detection_post")
    screening_id = form.cleaned_data.get("departure_screening")
    try:
        if post_id:
            from sinergi.detection.selectors import access_post
            from sinergi.detection.services import post_link_case

            access_post(user=request.user, pk=post_id)
            post_link_case(actor=request.user, post_id=post_id, case_id=case.pk)
        if screening_id:
            from sinergi.detection.selectors import access_departure_screening
            from sinergi.detection.services import departure_screening_link_case

            access_departure_screening(user=request.user, pk=screening_id, action="change")
            departure_screening_link_case(actor=request.user, screening_id=screening_id, case_id=case.pk)
    except (ImportError, Http404, PermissionDenied, ApplicationError, ObjectDoesNotExist):
        messages.warning(
            request, _("The case was registered, but the post or screening could not be linked to it.")
        )


def _victim_checks(request, victims) -> tuple[list[list], list[list], bool]:
    """Per victim row: probable duplicate cases, existing person records to reuse; and whether any row has an
    identifier error (added to the row's form)."""
    from sinergi.people import nik as nik_module
    from sinergi.people.identifiers import InvalidPhoneNumber, normalise_phone
    from sinergi.people.selectors import person_list
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
                    row_people += list(person_list(user=request.user, query=parsed.nik)[:5])
            if phone:
                try:
                    e164 = normalise_phone(phone)
                except InvalidPhoneNumber:
                    row.add_error("phone", _("This is not a valid phone number (e.g. 0812-3456-7890)."))
                    has_errors = True
                else:
                    row_people += [
                        p for p in person_list(user=request.user, query=e164)[:5] if p not in row_people
                    ]
            for hint in selectors.case_intake_duplicates(
                user=request.user,
                nik=nik,
                phone=phone,
                full_name=data.get("full_name") or "",
                birth_date=data.get("birth_date"),
            ):
                row_hints.append({"kind": "case", "hint": hint})
        hints.append(row_hints)
        candidates.append(row_people)
    return hints, candidates, has_errors


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
        case = services.case_intake(actor=request.user, parties=parties, **form.case_fields())
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
    _link_source(request, case, form)
    messages.success(request, _("Case %(reference)s registered.") % {"reference": case.reference})
    return redirect("cases:detail", case_id=case.pk)


# --- detail --------------------------------------------------------------------------------------------------


def _detail_context(request, view, *, bound: dict | None = None) -> dict:
    """Everything the detail page shows, each part only as far as the CaseView allows."""
    bound = bound or {}
    case, user = view.case, request.user
    flow = selectors.flow_of(case)
    context = {
        "view": view,
        "case": case,
        "flow": flow,
        "stage": flow.stage(case.stage),
        "legal_stage": flow.stage(case.legal_stage)
        if (case.legal_stage and view.can_see_investigation)
        else None,
        "lost_note": "",
        "now": timezone.now(),
        "tab": "summary",
    }
    victims = case.parties.filter(role=PartyRole.VICTIM)
    context["victim_count"] = victims.count()
    context["has_child"] = victims.filter(age_group=AgeGroup.CHILD).exists()
    referrals = list(view.referrals().prefetch_related("services"))
    context["referrals"] = referrals
    context["my_referrals"] = [r for r in referrals if r.to_agency_id == user.agency_id]
    transfers = list(view.transfers())
    if not view.is_lead:
        # An addressee answers pending requests; the ones it already answered are on its timeline.
        transfers = [t for t in transfers if t.state == TransferState.PENDING]
    context["transfers"] = transfers
    context["may_answer_transfer"] = user.has_role(*MANAGE_ROLES)
    # Read-only staff see referrals to their agency but do not answer them (the services refuse it too).
    context["may_answer_referral"] = user.has_role(*WRITE_ROLES)

    # Forms carry a prefix per purpose and object, so the many forms of the page never share an id; after a
    # refusal the bound form (the user's input) replaces the empty one.
    def form(factory, prefix):
        return bound.get(prefix) or factory(prefix=prefix)

    for referral in referrals:
        referral.decline_form = form(ReasonForm, f"decline-{referral.pk}")
        referral.services_form = form(ServiceReportForm, f"services-{referral.pk}")
        referral.revoke_form = form(ReasonForm, f"revoke-{referral.pk}")
    for transfer in transfers:
        transfer.decline_form = form(ReasonForm, f"tdecline-{transfer.pk}")
    context["bound_key"] = next(iter(bound), "")
    if view.is_pending:
        return context

    context["parties"] = view.parties()
    context["route_events"] = list(view.route_events())
    context["organisations"] = list(view.organisations())
    context["notes"] = list(view.notes().order_by("-created_at", "-id"))
    context["documents"] = list(view.documents())
    context["tasks"] = list(view.tasks())
    approvals = list(view.approvals())
    if view.can_decide_approvals:
        for approval in approvals:
            approval.decide_form = form(ApprovalDecideForm, f"decide-{approval.pk}")
    context["approvals"] = approvals
    context["linked_sources"] = _linked_sources(request, case)

    failed = bound.get("move")
    transitions = [
        {"transition": transition, "stage": target}
        for transition, target in selectors.case_available_transitions(view=view)
    ]
    # After a refusal or a conflict the typed note and outcome come back, on top of the case as it is now.
    initial = {"version": case.version}
    if failed is not None:
        initial.update(
            {"note": failed.data.get("move-note", ""), "outcome": failed.data.get("move-outcome", "")}
        )
    context["transitions"] = transitions
    context["transition_form"] = TransitionForm(initial=initial, prefix="move")
    context["may_close"] = any(t["stage"].final for t in transitions)
    if failed is not None and not transitions:
        context["lost_note"] = failed.data.get("move-note", "")

    sensitivities = sorted(view.sensitivities)
    if view.can_edit:
        context["note_form"] = form(
            lambda prefix: NoteForm(sensitivities=sensitivities, prefix=prefix), "note"
        )
        context["task_form"] = form(
            lambda prefix: TaskForm(owners=agency_handlers(user.agency_id), prefix=prefix), "task"
        )
        context["document_form"] = form(
            lambda prefix: DocumentForm(sensitivities=sensitivities, prefix=prefix), "document"
        )
        context["route_form"] = form(RouteEventForm, "route")
        context["status_form"] = VictimStatusForm()
    if view.can_manage:
        agencies = agency_list(user=user).filter(is_active=True).exclude(pk=case.lead_agency_id)
        needs = set(flow.needs)
        eligible = agencies.filter(type__in={t for n in flow.needs.values() for t in n.agency_types})
        referral_form = form(
            lambda prefix: ReferralForm(agencies=eligible, needs=needs, prefix=prefix), "referral"
        )
        # Choosing the need narrows the agencies to those the flow allows for it (HTMX; the service checks).
        referral_form.fields["need"].widget.attrs.update(
            {
                "hx-get": reverse("cases:referral_agencies", args=[case.pk]),
                "hx-target": "#id_referral-to_agency",
                "hx-trigger": "change",
            }
        )
        context["referral_form"] = referral_form
        context["transfer_form"] = form(
            lambda prefix: TransferRequestForm(agencies=agencies, prefix=prefix), "transfer"
        )
        context["approval_form"] = form(ApprovalRequestForm, "approval")
        context["consent_form"] = ConsentForm()
        context["assign_form"] = form(
            lambda prefix: AssignForm(
                staff=agency_handlers(case.lead_agency_id), initial={"version": case.version}, prefix=prefix
            ),
            "assign",
        )
        context["party_form"] = form(PartyForm, "party")
        context["organisation_form"] = form(OrganisationForm, "organisation")
        referred = sorted(
            {r.to_agency for r in referrals if r.state in (ReferralState.PENDING, ReferralState.ACCEPTED)},
            key=lambda a: a.name,
        )
        for party_view in context["parties"]:
            party_view.party.override_form = form(
                lambda prefix: ShareOverrideForm(agencies=referred, prefix=prefix),
                f"override-{party_view.party.pk}",
            )
    return context


def _linked_sources(request, case) -> list:
    """Posts and screenings this case was opened from, as far as the user may see them."""
    found = []
    try:
        from sinergi.detection.models import DepartureScreening, ScreenedPost
    except ImportError:  # pragma: no cover
        return found
    try:
        for post in ScreenedPost.objects.restrict(request.user, "view").filter(linked_case_id=case.pk)[:5]:
            found.append({"kind": "post", "object": post})
        for screening in DepartureScreening.objects.restrict(request.user, "view").filter(
            linked_case_id=case.pk
        )[:5]:
            found.append({"kind": "screening", "object": screening})
    except FieldError:  # a detection schema without the link field must not break the case page
        return []
    return found


def _render_detail(request, view, *, bound=None, status=200):
    return render(request, "cases/detail.html", _detail_context(request, view, bound=bound), status=status)


@login_required
@require_GET
def detail(request, case_id: int):
    """One case as this user may see it; every view is written to the audit trail."""
    view = selectors.case_detail(user=request.user, case_id=case_id)
    return _render_detail(request, view)


@login_required
@require_GET
def timeline(request, case_id: int):
    """The case's one chronological timeline (what the viewer may see of it)."""
    view = selectors.case_detail(user=request.user, case_id=case_id)
    if not view.can_see_details:
        raise Http404
    context = {
        "view": view,
        "case": view.case,
        "entries": selectors.case_timeline(view=view),
        "tab": "timeline",
    }
    return render(request, "cases/timeline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, case_id: int):
    """The modus, route and narrative (lead agency), with the optimistic version: a conflict loses nothing."""
    view = _view_for(request, case_id)
    if not view.can_manage:
        raise PermissionDenied
    case = view.case
    if request.method == "GET":
        form = CaseEditForm(initial=CaseEditForm.initial_for(case))
        return render(
            request, "cases/edit.html", {"view": view, "case": case, "form": form, "media": form.media}
        )
    form = CaseEditForm(request.POST)
    if form.is_valid():
        try:
            services.case_update(
                actor=request.user,
                case=case,
                expected_version=form.cleaned_data["version"],
                **form.case_fields(),
            )
        except ConflictError as exc:
            messages.error(request, exc.message)
            return _edit_conflict(request, form, case_id)
        except ApplicationError as exc:
            _apply_error(form, exc)
            messages.error(request, exc.message)
            status = _status_of(exc)
        else:
            messages.success(request, _("The case was updated."))
            return redirect(_case_url(case))
    else:
        status = 400
    return render(
        request,
        "cases/edit.html",
        {"view": view, "case": case, "form": form, "media": form.media},
        status=status,
    )


def _comparable(value):
    """A field value reduced for comparison: empty is empty, a record is its key."""
    if value in (None, "", [], ()):
        return None
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple):
        return sorted(str(item) for item in value)
    return str(value)


def _shown(field, value) -> str:
    """A field value as the user reads it: choice labels rather than codes, lists joined."""
    labels = {str(code): label for code, label in getattr(field, "choices", ()) or ()}
    items = value if isinstance(value, list | tuple) else [value]
    return ", ".join(str(labels.get(str(item), item)) for item in items if item not in (None, ""))


def _edit_conflict(request, form, case_id):
    """Someone saved the case since this user opened it: keep the user's text, show what the other saved
    field by field, and carry the new version, so that saving again is a deliberate choice, not a loop."""
    view = _view_for(request, case_id)
    case = view.case
    mine = form.case_fields()
    differences = []
    for name in CaseEditForm.EDITABLE:
        theirs, ours = getattr(case, name), mine.get(name)
        if _comparable(theirs) != _comparable(ours):
            field = form.fields[name]
            differences.append(
                {"label": field.label, "saved": _shown(field, theirs), "mine": _shown(field, ours)}
            )
    data = request.POST.copy()
    data["version"] = str(case.version)
    rebound = CaseEditForm(data)
    rebound.is_valid()
    context = {
        "view": view,
        "case": case,
        "form": rebound,
        "media": rebound.media,
        "differences": differences,
    }
    return render(request, "cases/edit.html", context, status=409)


# --- actions on a case ---------------------------------------------------------------------------------------


def _run(request, view, *, form, call, success, anchor="", redirect_to=None):
    """Validates `form`, calls the service; a refusal re-renders the case with the form and its message."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ApplicationError as exc:
            _apply_error(form, exc)
            messages.error(request, exc.message)
            if is_htmx(request):
                return _htmx_result(request, ok=False, message=exc.message, status=_status_of(exc))
            fresh = _view_for(request, view.case.pk) if isinstance(exc, ConflictError) else view
            return _render_detail(request, fresh, bound={form.prefix: form}, status=_status_of(exc))
        if is_htmx(request):
            return _htmx_result(request, ok=True, message=success)
        messages.success(request, success)
        return redirect(redirect_to or _case_url(view.case, anchor))
    if is_htmx(request):
        return _htmx_result(
            request, ok=False, message=_("Please correct the errors below."), form=form, status=400
        )
    return _render_detail(request, view, bound={form.prefix: form}, status=400)


def _reason_form(request, prefix: str) -> ReasonForm:
    """The case page posts a prefixed reason (one form per referral); the inboxes post a plain one."""
    return ReasonForm(request.POST, prefix=prefix if f"{prefix}-reason" in request.POST else None)


def _htmx_result(request, *, ok: bool, message: str, form=None, status: int = 200):
    """The fragment an inbox row is replaced with after an HTMX action."""
    return render(
        request,
        "cases/includes/action_result.html",
        {"ok": ok, "message": message, "form": form},
        status=status,
    )


@login_required
@require_POST
def transition(request, case_id: int):
    view = _view_for(request, case_id)
    form = TransitionForm(request.POST, prefix="move")
    if form.is_valid():
        try:
            services.case_transition(
                actor=request.user,
                case=view.case,
                to_stage=form.cleaned_data["to_stage"],
                expected_version=form.cleaned_data["version"],
                outcome=form.cleaned_data.get("outcome") or "",
                note=form.cleaned_data.get("note") or "",
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            # Re-read the case: after a conflict the page must show what the other person changed.
            fresh = _view_for(request, case_id)
            return _render_detail(request, fresh, bound={"move": form}, status=_status_of(exc))
        messages.success(request, _("The case was moved."))
        return redirect(_case_url(view.case))
    messages.error(request, _("The form was incomplete; reload the page and try again."))
    return _render_detail(request, view, bound={"move": form}, status=400)


def _agency_from(value):
    from sinergi.agencies.models import Agency

    try:
        return Agency.objects.get(pk=int(value))
    except (Agency.DoesNotExist, TypeError, ValueError):
        raise ApplicationError(_("Choose an agency from the list."), code="validation_error") from None


@login_required
@require_POST
def referral_create(request, case_id: int):
    view = _view_for(request, case_id)
    flow = selectors.flow_of(view.case)
    agencies = agency_list(user=request.user).filter(is_active=True).exclude(pk=view.case.lead_agency_id)
    form = ReferralForm(request.POST, agencies=agencies, needs=set(flow.needs), prefix="referral")

    def call(data):
        services.referral_create(
            actor=request.user,
            case=view.case,
            to_agency=_agency_from(data["to_agency"]),
            need=data["need"],
            reason=data["reason"],
            due_at=data.get("due_at"),
        )

    return _run(request, view, form=form, call=call, success=_("Referral sent."), anchor="referrals")


@login_required
@require_GET
def referral_agencies(request, case_id: int):
    """The <option>s of the agencies that may receive a referral for the chosen need (HTMX)."""
    view = _view_for(request, case_id)
    if not view.can_manage:
        raise Http404
    need = request.GET.get("referral-need") or request.GET.get("need", "")
    agencies = selectors.referral_eligible_agencies(case=view.case, need=need)
    return render(request, "cases/includes/agency_options.html", {"agencies": agencies, "need": need})


def _referral_of(view, referral_id):
    referral = view.referrals().filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    return referral


@login_required
@require_POST
def referral_accept(request, case_id: int, referral_id: int):
    view = _view_for(request, case_id)
    referral = _referral_of(view, referral_id)
    return _run(
        request,
        view,
        form=OptionalNoteForm(request.POST),
        call=lambda d: services.referral_accept(
            actor=request.user, referral=referral, note=d.get("note") or ""
        ),
        success=_("Referral accepted."),
        redirect_to=_safe_next(request, _case_url(view.case, "referrals")),
    )


@login_required
@require_POST
def referral_decline(request, case_id: int, referral_id: int):
    view = _view_for(request, case_id)
    referral = _referral_of(view, referral_id)
    return _run(
        request,
        view,
        form=_reason_form(request, f"decline-{referral.pk}"),
        call=lambda d: services.referral_decline(actor=request.user, referral=referral, reason=d["reason"]),
        success=_("Referral declined."),
        redirect_to=_safe_next(request, reverse("cases:referral_inbox")),
    )


@login_required
@require_POST
def referral_services(request, case_id: int, referral_id: int):
    view = _view_for(request, case_id)
    referral = _referral_of(view, referral_id)
    return _run(
        request,
        view,
        form=ServiceReportForm(request.POST, prefix=f"services-{referral.pk}"),
        call=lambda d: services.referral_report_services(
            actor=request.user,
            referral=referral,
            description=d["description"],
            delivered_on=d.get("delivered_on"),
        ),
        success=_("Services reported."),
        anchor="referrals",
    )


@login_required
@require_POST
def referral_done(request, case_id: int, referral_id: int):
    view = _view_for(request, case_id)
    referral = _referral_of(view, referral_id)
    return _run(
        request,
        view,
        form=OptionalNoteForm(request.POST),
        call=lambda d: services.referral_mark_done(
            actor=request.user, referral=referral, note=d.get("note") or ""
        ),
        success=_("Referral marked done."),
        anchor="referrals",
    )


@login_required
@require_POST
def referral_revoke(request, case_id: int, referral_id: int):
    view = _view_for(request, case_id)
    referral = _referral_of(view, referral_id)
    return _run(
        request,
        view,
        form=_reason_form(request, f"revoke-{referral.pk}"),
        call=lambda d: services.referral_revoke(actor=request.user, referral=referral, reason=d["reason"]),
        success=_("Referral revoked."),
        anchor="referrals",
    )


@login_required
@require_POST
def transfer_request(request, case_id: int):
    view = _view_for(request, case_id)
    agencies = agency_list(user=request.user).filter(is_active=True).exclude(pk=view.case.lead_agency_id)
    form = TransferRequestForm(request.POST, agencies=agencies, prefix="transfer")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.lead_transfer_request(
            actor=request.user, case=view.case, to_agency=_agency_from(d["to_agency"]), reason=d["reason"]
        ),
        success=_("Lead transfer requested."),
        anchor="transfers",
    )


def _transfer_of(view, transfer_id):
    transfer = view.transfers().filter(pk=transfer_id).first()
    if transfer is None:
        raise Http404
    return transfer


@login_required
@require_POST
def transfer_accept(request, case_id: int, transfer_id: int):
    view = _view_for(request, case_id)
    transfer = _transfer_of(view, transfer_id)
    return _run(
        request,
        view,
        form=OptionalNoteForm(request.POST),
        call=lambda d: services.lead_transfer_accept(
            actor=request.user, transfer=transfer, note=d.get("note") or ""
        ),
        success=_("Your agency now leads this case."),
        redirect_to=_safe_next(request, _case_url(view.case)),
    )


@login_required
@require_POST
def transfer_decline(request, case_id: int, transfer_id: int):
    view = _view_for(request, case_id)
    transfer = _transfer_of(view, transfer_id)
    return _run(
        request,
        view,
        form=_reason_form(request, f"tdecline-{transfer.pk}"),
        call=lambda d: services.lead_transfer_decline(
            actor=request.user, transfer=transfer, reason=d["reason"]
        ),
        success=_("Lead transfer declined."),
        redirect_to=_safe_next(request, reverse("cases:transfer_inbox")),
    )


@login_required
@require_POST
def approval_request(request, case_id: int):
    view = _view_for(request, case_id)
    return _run(
        request,
        view,
        form=ApprovalRequestForm(request.POST, prefix="approval"),
        call=lambda d: services.approval_request(
            actor=request.user, case=view.case, kind=d["kind"], note=d.get("note") or ""
        ),
        success=_("Approval requested from the supervisors."),
        anchor="approvals",
    )


@login_required
@require_POST
def approval_decide(request, case_id: int, approval_id: int):
    view = _view_for(request, case_id)
    approval = view.approvals().filter(pk=approval_id).first()
    if approval is None:
        raise Http404
    return _run(
        request,
        view,
        form=ApprovalDecideForm(request.POST, prefix=f"decide-{approval.pk}"),
        call=lambda d: services.approval_decide(
            actor=request.user,
            approval=approval,
            approve=d["decision"] == "approve",
            note=d.get("note") or "",
        ),
        success=_("The approval decision was recorded."),
        anchor="approvals",
    )


@login_required
@require_POST
def note_add(request, case_id: int):
    view = _view_for(request, case_id)
    form = NoteForm(request.POST, sensitivities=view.sensitivities, prefix="note")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.note_add(
            actor=request.user, case=view.case, text=d["text"], sensitivity=d["sensitivity"]
        ),
        success=_("Note added."),
        anchor="notes",
    )


@login_required
@require_POST
def task_create(request, case_id: int):
    view = _view_for(request, case_id)
    owners = list(agency_handlers(request.user.agency_id)) if request.user.agency_id else []
    form = TaskForm(request.POST, owners=owners, prefix="task")

    def call(data):
        owner = next((u for u in owners if str(u.pk) == data["owner"]), None)
        if owner is None:
            raise ApplicationError(_("Give the task to someone in your own agency."), code="validation_error")
        services.task_create(
            actor=request.user, case=view.case, title=data["title"], owner=owner, due_at=data["due_at"]
        )

    return _run(request, view, form=form, call=call, success=_("Task created."), anchor="tasks")


@login_required
@require_POST
def task_complete(request, case_id: int, task_id: int):
    view = _view_for(request, case_id)
    task = view.tasks().filter(pk=task_id).first()
    if task is None:
        raise Http404
    return _run(
        request,
        view,
        form=OptionalNoteForm(request.POST),
        call=lambda d: services.task_complete(actor=request.user, task=task),
        success=_("Task completed."),
        anchor="tasks",
    )


@login_required
@require_POST
def document_upload(request, case_id: int):
    view = _view_for(request, case_id)
    form = DocumentForm(request.POST, request.FILES, sensitivities=view.sensitivities, prefix="document")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.document_upload(
            actor=request.user,
            case=view.case,
            uploaded_file=d["file"],
            title=d.get("title") or "",
            sensitivity=d["sensitivity"],
        ),
        success=_("Document uploaded."),
        anchor="documents",
    )


@login_required
@require_GET
def document_download(request, case_id: int, document_id: int):
    """A document, only after the case's need-to-know filter found it; the download is audited."""
    view = _view_for(request, case_id)
    document = view.documents().filter(pk=document_id).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=document, summary="document downloaded")
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _party_of(view, party_id):
    if not view.can_see_details:
        raise Http404
    party = view.case.parties.filter(pk=party_id).first()
    if party is None:
        raise Http404
    return party


@login_required
@require_POST
def victim_status(request, case_id: int, party_id: int):
    view = _view_for(request, case_id)
    party = _party_of(view, party_id)
    return _run(
        request,
        view,
        form=VictimStatusForm(request.POST),
        call=lambda d: services.victim_status_set(actor=request.user, party=party, status=d["status"]),
        success=_("Victim status recorded."),
        anchor="parties",
    )


@login_required
@require_POST
def consent(request, case_id: int, party_id: int):
    view = _view_for(request, case_id)
    party = _party_of(view, party_id)
    return _run(
        request,
        view,
        form=ConsentForm(request.POST),
        call=lambda d: services.consent_record(actor=request.user, party=party, consent=d["consent"]),
        success=_("Consent recorded."),
        anchor="parties",
    )


@login_required
@require_POST
def share_override(request, case_id: int, party_id: int):
    view = _view_for(request, case_id)
    party = _party_of(view, party_id)
    agencies = [r.to_agency for r in view.referrals() if r.is_open]
    form = ShareOverrideForm(request.POST, agencies=agencies, prefix=f"override-{party.pk}")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.share_override(
            actor=request.user, party=party, agency=_agency_from(d["agency"]), reason=d["reason"]
        ),
        success=_("The identity is shared with that agency; the override is in the audit trail."),
        anchor="parties",
    )


@login_required
@require_POST
def route_event_add(request, case_id: int):
    view = _view_for(request, case_id)
    form = RouteEventForm(request.POST, prefix="route")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.route_event_add(
            actor=request.user,
            case=view.case,
            kind=d["kind"],
            country=d["country"],
            place=d.get("place") or "",
            occurred_on=d.get("occurred_on"),
        ),
        success=_("Route event recorded."),
        anchor="route",
    )


@login_required
@require_POST
def assign(request, case_id: int):
    view = _view_for(request, case_id)
    staff = list(agency_handlers(view.case.lead_agency_id))
    form = AssignForm(request.POST, staff=staff, prefix="assign")

    def call(data):
        assignee = next((u for u in staff if str(u.pk) == data["assignee"]), None)
        if assignee is None:
            raise ApplicationError(
                _("Assign the case to a case worker of the lead agency."), code="validation_error"
            )
        services.case_assign(
            actor=request.user, case=view.case, assignee=assignee, expected_version=data["version"]
        )

    return _run(request, view, form=form, call=call, success=_("The case worker was assigned."))


@login_required
@require_POST
def party_add(request, case_id: int):
    """Links a person to the case: an existing record the user may see, or a new one (people services)."""
    view = _view_for(request, case_id)
    if not view.can_manage:
        # Refused before the form is read; the service checks again.
        raise PermissionDenied
    form = PartyForm(request.POST, prefix="party")

    def call(data):
        try:
            person = _person_choice(request, form)
        except Http404:
            raise ApplicationError(
                _("That person record is not available to you."), code="not_found"
            ) from None
        extra = {}
        if data.get("perpetrator_role") and data["role"] in (PartyRole.SUSPECT, PartyRole.RECRUITER):
            extra["perpetrator_role"] = data["perpetrator_role"]
        try:
            services.case_party_add(
                actor=request.user,
                case=view.case,
                role=data["role"],
                age_group=form.age_group_value(),
                **person,
                **extra,
            )
        except ValidationError as exc:
            raise ApplicationError(
                _("Some fields are not valid."),
                code="validation_error",
                fields={k: list(v) for k, v in exc.message_dict.items()},
            ) from exc

    return _run(
        request, view, form=form, call=call, success=_("The person was linked to the case."), anchor="parties"
    )


@login_required
@require_POST
def organisation_add(request, case_id: int):
    view = _view_for(request, case_id)
    form = OrganisationForm(request.POST, prefix="organisation")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.case_organisation_add(
            actor=request.user,
            case=view.case,
            name=d["name"].strip(),
            kind=d["kind"],
            perpetrator_role=d["perpetrator_role"],
            licence_number=(d.get("licence_number") or "").strip(),
            country=d["country"],
        ),
        success=_("The organisation was recorded."),
        anchor="parties",
    )


# --- inboxes, overdue, notifications, metrics ---------------------------------------------------------------


@login_required
@require_GET
def referral_inbox(request):
    """Referrals addressed to my agency and awaiting its answer."""
    referrals = selectors.referral_inbox(user=request.user).select_related("case__lead_agency")
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/referral_inbox.html",
        {
            "page_obj": page,
            "now": timezone.now(),
            "may_answer_referral": request.user.has_role(*WRITE_ROLES),
        },
    )


@login_required
@require_GET
def transfer_inbox(request):
    """Requests to take over the lead of a case, awaiting my agency's answer."""
    transfers = selectors.transfer_inbox(user=request.user)
    return render(
        request,
        "cases/transfer_inbox.html",
        {"transfers": transfers},
    )


@login_required
@require_GET
def overdue(request):
    """Everything late that my agency is responsible for or leads."""
    now = timezone.now()
    items = selectors.overdue_list(user=request.user, now=now)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request, "cases/overdue.html", {"page_obj": page, "now": now, "agency_id": request.user.agency_id}
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """My notifications; mark one or all read (HTMX swaps the row or the list)."""
    if request.method == "POST":
        if request.POST.get("all"):
            ids = list(
                selectors.notification_list(user=request.user, unread_only=True).values_list("pk", flat=True)
            )
        else:
            # Only ids a database key can hold: a 30-digit "id" is junk, not an overflow error.
            ids = [int(v) for v in request.POST.getlist("id") if str(v).isdigit() and len(str(v)) <= 18]
        services.notification_mark_read(actor=request.user, notification_ids=ids)
        if is_htmx(request) and len(ids) == 1 and not request.POST.get("all"):
            note = selectors.notification_list(user=request.user).filter(pk=ids[0]).first()
            if note is None:
                raise Http404
            context = {"note": note, "open_case_ids": _open_case_ids(request.user, [note])}
            return render(request, "cases/includes/notification_row.html", context)
        return redirect(_safe_next(request, reverse("cases:notifications")))
    unread_only = request.GET.get("unread") == "1"
    items = selectors.notification_list(user=request.user, unread_only=unread_only)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "unread_only": unread_only,
        "open_case_ids": _open_case_ids(request.user, page.object_list),
    }
    return render(request, "cases/notifications.html", context)


def _open_case_ids(user, notifications) -> set[int]:
    """The cases of these notifications the user may still open: a referral declined or revoked since, or a
    lead handed over, closes a case to the agency, and its old notifications must not link to a 404."""
    ids = {note.case_id for note in notifications if note.case_id}
    if not ids:
        return set()
    return set(selectors.case_list(user=user).filter(pk__in=ids).values_list("pk", flat=True))


@login_required
@require_GET
def metrics(request):
    """Handling metrics of one agency over a period."""
    agencies = list(selectors.metrics_agencies(user=request.user).order_by("name"))
    if not agencies:
        raise PermissionDenied
    today = timezone.localdate()
    default_agency = (
        request.user.agency_id if any(a.pk == request.user.agency_id for a in agencies) else agencies[0].pk
    )
    data = request.GET.copy() if request.GET else None
    if data is not None:
        data.setdefault("agency", str(default_agency))
        data.setdefault("start", (today - timedelta(days=90)).isoformat())
        data.setdefault("end", today.isoformat())
    form = MetricsForm(
        data,
        agencies=agencies,
        initial={"agency": default_agency, "start": today - timedelta(days=90), "end": today},
    )
    result = None
    chosen = None
    if form.is_bound:
        if form.is_valid():
            chosen = next(a for a in agencies if str(a.pk) == form.cleaned_data["agency"])
            result = selectors.case_metrics(
                user=request.user,
                agency=chosen,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
    else:
        chosen = next(a for a in agencies if a.pk == default_agency)
        result = selectors.case_metrics(
            user=request.user, agency=chosen, start=today - timedelta(days=90), end=today
        )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "cases/metrics.html", {"form": form, "result": result, "agency": chosen}, status=status
    )
