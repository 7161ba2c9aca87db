"""Reading a case: the list, the detail page with every action form, the timeline, the edit form."""

from __future__ import annotations

import functools
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.agencies.selectors import agency_list
from sinergi.audit.services import audit_read
from sinergi.cases import selectors, services
from sinergi.cases.access import MANAGE_ROLES, WRITE_ROLES
from sinergi.cases.choices import (
    AgeGroup,
    PartyRole,
    ReferralState,
    TransferState,
)
from sinergi.cases.forms import (
    ApprovalDecideForm,
    ApprovalRequestForm,
    AssignForm,
    CaseEditForm,
    CaseFilterForm,
    ConsentForm,
    DocumentForm,
    NoteForm,
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
    VictimStatusForm,
)
from sinergi.cases.notifications import agency_handlers
from sinergi.cases.pagination import CappedPaginator, SearchPaginator
from sinergi.cases.views._shared import (
    PAGE_SIZE,
    CasePageView,
    _apply_error,
    _case_url,
    _stage_choices,
    _status_of,
    _view_for,
    may_intake,
)
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.core.htmx import is_htmx
from sinergi.core.session_memo import reads_only

# What the list's address may carry: the filters, never the words searched for.
_NOT_IN_ADDRESS = frozenset({"q", "page", "csrfmiddlewaretoken"})


@reads_only
@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    """Cases the user may see, filtered; HTMX requests get only the results.

    The filters may travel in the address (a link to "overdue cases" or to a stage), but words to search for
    may be a victim's name, NIK or phone: the form sends everything by POST, and words in an address are not
    searched. After a POST the address shown is the list's with its filters and without the words."""
    if request.method == "POST":
        data, page_number = request.POST, request.POST.get("page")
    else:
        data, page_number = request.GET.copy(), request.GET.get("page")
        data.pop("q", None)
    form = CaseFilterForm(
        data or None,
        stages=_stage_choices(),
        agencies=agency_list(user=request.user).filter(is_active=True).values_list("pk", "name"),
    )
    filters = form.filters()
    cases = selectors.case_list(user=request.user, filters=filters)
    paginator_class = SearchPaginator if filters.get("q") else CappedPaginator
    page = paginator_class(
        cases, PAGE_SIZE, rows=lambda ids: selectors.case_list_rows(user=request.user, ids=ids)
    ).get_page(page_number)
    audit_read(
        actor=request.user,
        object_type="cases.case",
        summary="case list viewed",
        count=len(page.object_list),
        searched=filters,
    )
    context = {
        "form": form,
        "page_obj": page,
        "filtered": bool(filters),
        "searched": bool(filters.get("q")),
        "may_intake": may_intake(request.user),
        "now": timezone.now(),
    }
    if is_htmx(request):
        response = render(request, "cases/includes/case_results.html", context)
    else:
        response = render(request, "cases/index.html", {**context, "media": form.media})
    if request.method == "POST":
        address = {
            key: data.getlist(key) for key in data if key not in _NOT_IN_ADDRESS and any(data.getlist(key))
        }
        response["HX-Push-Url"] = reverse("cases:index") + (
            f"?{urlencode(address, doseq=True)}" if address else ""
        )
    return response


# Which section of the case page holds the form of each prefix (the section opens when its form comes back).
_SECTION_OF_PREFIX = {
    "note": "notes",
    "task": "tasks",
    "document": "documents",
    "route": "route",
    "party": "parties",
    "organisation": "parties",
    "override": "parties",
    "referral": "referrals",
    "decline": "referrals",
    "services": "referrals",
    "revoke": "referrals",
    "transfer": "transfers",
    "tdecline": "transfers",
    "approval": "summary",
    "decide": "summary",
    "assign": "summary",
    "move": "summary",
}
SECTIONS = ("summary", "modus", "parties", "referrals", "tasks", "notes", "documents", "route", "transfers")


def section_of(prefix: str | None) -> str:
    """The section of the case page a form prefix belongs to ("decline-12" -> "referrals")."""
    return _SECTION_OF_PREFIX.get((prefix or "").split("-")[0], "")


def _waiting(view, context) -> list[dict]:
    """What waits on the case, soonest first: approvals, answers, services, tasks, the stage's own deadline."""
    case, items = view.case, []
    for approval in context.get("approvals", []):
        if approval.state == "PENDING":
            items.append(
                {"label": _("Approval of the %(kind)s") % {"kind": approval.get_kind_display().lower()}}
            )
    for referral in context["referrals"]:
        if referral.state == ReferralState.PENDING:
            label = _("Answer from %(agency)s (%(need)s)")
            due = referral.accept_by
        elif referral.state == ReferralState.ACCEPTED:
            label = _("Services from %(agency)s (%(need)s)")
            due = referral.due_at
        else:
            continue
        items.append(
            {
                "label": label % {"agency": referral.to_agency.name, "need": referral.get_need_display()},
                "due_at": due,
            }
        )
    for task in context.get("tasks", []):
        if task.done_at is None:
            items.append({"label": _("Task: %(title)s") % {"title": task.title}, "due_at": task.due_at})
    if case.status == "OPEN" and case.stage_due_at:
        items.append({"label": _("End of the current stage"), "due_at": case.stage_due_at})
    far = timezone.now() + timedelta(days=3650)
    items.sort(key=lambda item: item.get("due_at") or far)
    return items[:6]


def _detail_context(
    request, view, *, bound: dict | None = None, open_section: str = "", message=None, only: str = ""
) -> dict:
    """Everything the detail page shows, each part only as far as the CaseView allows.

    The summary and the open sections are rendered in full; a closed section shows its heading and count and is
    read when it is opened (`SectionView`), so its forms are built only then: they are most of the page's cost.
    `only` renders that one section (and the summary), the answer to an action or to opening it."""
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
    # From the people the view already read for its masking, shown or not: a pending agency learns only these.
    victims = [pv.party for pv in view.all_party_views() if pv.party.role == PartyRole.VICTIM]
    context["victim_count"] = len(victims)
    context["has_child"] = any(party.age_group == AgeGroup.CHILD for party in victims)
    referrals = view.shown(view.referrals().prefetch_related("services"))
    context["referrals"] = referrals
    context["my_referrals"] = [r for r in referrals if r.to_agency_id == user.agency_id]
    present = selectors.case_records_present(case.pk)
    transfers = view.shown(view.transfers()) if "transfers" in present else []
    # The letters list every transfer the reader may see; the section below only those still to answer.
    context["letter_transfers"] = transfers
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

    context["bound_key"] = next(iter(bound), "") or ""
    # `all` opens every section: the whole case on one page, to read it through or print it.
    opened = set(SECTIONS) if open_section == "all" else {open_section}
    context["open_sections"] = {*opened, section_of(context["bound_key"])} - {""}
    rendered = {"summary", only} if only else {"summary", *context["open_sections"]}
    context["rendered_sections"] = rendered
    # A pending agency's page is its referral and transfer answers, outside the sections: always built.
    if view.is_pending or "referrals" in rendered:
        for referral in referrals:
            referral.decline_form = form(ReasonForm, f"decline-{referral.pk}")
            referral.services_form = form(ServiceReportForm, f"services-{referral.pk}")
            referral.revoke_form = form(ReasonForm, f"revoke-{referral.pk}")
    if view.is_pending or "transfers" in rendered:
        for transfer in transfers:
            transfer.decline_form = form(ReasonForm, f"tdecline-{transfer.pk}")
    context["section_message"] = message
    if view.is_pending:
        return context

    context["parties"] = view.parties()
    context["organisations"] = list(view.organisations()) if "organisations" in present else []

    # A closed section shows only its count (one COUNT): its records, the notes with their text masked, are
    # read when it is opened.
    def listed(section: str, records, read=None) -> tuple[list, int]:
        if section not in rendered:
            return [], records.count()
        items = read() if read else list(records)
        return items, len(items)

    context["route_events"], context["route_count"] = listed("route", view.route_events())
    context["notes"], context["note_count"] = listed("notes", view.notes(), view.shown_notes)
    context["documents"], context["document_count"] = listed("documents", view.documents())
    context["tasks"] = list(view.tasks()) if "tasks" in present else []
    approvals = list(view.approvals()) if "approvals" in present else []
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
    # Closing has its own page (what happens to each open referral and task, the victims' final status).
    context["moves"] = [t for t in transitions if not t["stage"].final]
    context["may_close"] = any(t["stage"].final for t in transitions)
    context["open_task_count"] = sum(1 for task in context["tasks"] if task.done_at is None)
    context["suspect_count"] = sum(
        1 for pv in context["parties"] if pv.party.role in (PartyRole.SUSPECT, PartyRole.RECRUITER)
    ) + len(context["organisations"])
    context["involved_agencies"] = sorted(
        {r.to_agency for r in referrals if r.state in (ReferralState.ACCEPTED, ReferralState.DONE)},
        key=lambda a: a.name,
    )
    context["waiting"] = _waiting(view, context)
    if failed is not None and not transitions:
        context["lost_note"] = failed.data.get("move-note", "")

    sensitivities = sorted(view.sensitivities)
    # One query per agency's staff: the task owners and the assignees are the same list for the lead's staff.
    staff_of = functools.cache(lambda agency_id: list(agency_handlers(agency_id)))
    if view.can_edit:
        if "notes" in rendered:
            context["note_form"] = form(
                lambda prefix: NoteForm(sensitivities=sensitivities, prefix=prefix), "note"
            )
        if "tasks" in rendered:
            context["task_form"] = form(
                lambda prefix: TaskForm(owners=staff_of(user.agency_id), prefix=prefix), "task"
            )
        if "documents" in rendered:
            context["document_form"] = form(
                lambda prefix: DocumentForm(sensitivities=sensitivities, prefix=prefix), "document"
            )
        if "route" in rendered:
            context["route_form"] = form(RouteEventForm, "route")
        if "parties" in rendered:
            context["status_form"] = VictimStatusForm()
    if view.can_manage:
        context["approval_form"] = form(ApprovalRequestForm, "approval")
        context["assign_form"] = form(
            lambda prefix: AssignForm(
                staff=staff_of(case.lead_agency_id), initial={"version": case.version}, prefix=prefix
            ),
            "assign",
        )
        if "referrals" in rendered or "transfers" in rendered:
            _add_handover_forms(context, form, user=user, case=case, flow=flow, rendered=rendered)
        if "parties" in rendered:
            context["consent_form"] = ConsentForm()
            context["party_form"] = form(PartyForm, "party")
            context["organisation_form"] = form(OrganisationForm, "organisation")
            referred = sorted(
                {
                    r.to_agency
                    for r in referrals
                    if r.state in (ReferralState.PENDING, ReferralState.ACCEPTED)
                },
                key=lambda a: a.name,
            )
            for party_view in context["parties"]:
                party_view.party.override_form = form(
                    lambda prefix: ShareOverrideForm(agencies=referred, prefix=prefix),
                    f"override-{party_view.party.pk}",
                )
    return context


def _add_handover_forms(context, form, *, user, case, flow, rendered) -> None:
    """The forms that send the case to another agency: a referral (agencies the flow allows for a need) and
    a transfer of the lead (any active agency)."""
    agencies = list(agency_list(user=user).filter(is_active=True).exclude(pk=case.lead_agency_id))
    if "referrals" in rendered:
        # The referral's agencies are a part of the transfer's: picked from the same rows, not queried again.
        types = {t for n in flow.needs.values() for t in n.agency_types}
        eligible = [a for a in agencies if a.type in types]
        referral_form = form(
            lambda prefix: ReferralForm(agencies=eligible, needs=set(flow.needs), prefix=prefix), "referral"
        )
        # Choosing the need narrows the agencies to those the flow allows for it (HTMX; the service checks).
        referral_form.fields["need"].widget.attrs.update(
            {
                "hx-get": reverse("cases:referral_agencies", args=[case.pk]),
                "hx-target": "#id_referral-to_agency",
                "hx-swap": "innerHTML",  # not the section's outerHTML, which it would inherit
                "hx-trigger": "change",
            }
        )
        context["referral_form"] = referral_form
    if "transfers" in rendered:
        context["transfer_form"] = form(
            lambda prefix: TransferRequestForm(agencies=agencies, prefix=prefix), "transfer"
        )


def _linked_sources(request, case) -> list:
    """Posts and screenings this case was opened from, as far as the user may see them."""
    try:
        from sinergi.detection.models import DepartureScreening, ScreenedPost
    except ImportError:  # pragma: no cover
        return []
    sources = {"post": ScreenedPost, "screening": DepartureScreening}
    # Few cases come from a post or a screening: the restricted query runs only for a kind that exists.
    present = selectors.case_records_present(
        case.pk, {kind: (model, "linked_case_id") for kind, model in sources.items()}
    )
    return [
        {"kind": kind, "object": record}
        for kind, model in sources.items()
        if kind in present
        for record in model.objects.restrict(request.user, "view").filter(linked_case_id=case.pk)[:5]
    ]


def _render_detail(request, view, *, bound=None, status=200, open_section=""):
    context = _detail_context(request, view, bound=bound, open_section=open_section)
    return render(request, "cases/detail.html", context, status=status)


def render_section(request, view, section: str, *, bound=None, message=None, status=200):
    """One section of the case page (the answer to an HTMX action), opened, with the summary beside it
    out of band: a referral answered or a task done changes what waits."""
    context = _detail_context(request, view, bound=bound, open_section=section, message=message, only=section)
    context["section"] = section
    context["with_summary"] = True
    return render(request, "cases/includes/section_response.html", context, status=status)


class DetailView(CasePageView):
    """One case as this user may see it; every view is written to the audit trail. `?open=notes` opens a
    section (the redirect after an action without JavaScript), `?open=all` every section."""

    http_method_names = ["get", "head"]
    audit_read = True

    def get(self, request, case_id: int):
        section = request.GET.get("open", "")
        opened = section if section in SECTIONS or section == "all" else ""
        return _render_detail(request, self.case_view, open_section=opened)


detail = DetailView.as_view()


class SectionView(CasePageView):
    """One section of the case page, opened: what the page's closed section reads when the user opens it
    (HTMX). Read like the page (audited); anything else (a pending agency, no HTMX) goes to the page."""

    http_method_names = ["get", "head"]
    audit_read = True

    def get(self, request, case_id: int, section: str):
        view = self.case_view
        if section not in SECTIONS or view.is_pending or not is_htmx(request):
            anchor = f"?open={section}#section-{section}" if section in SECTIONS else ""
            return redirect(reverse("cases:detail", args=[case_id]) + anchor)
        context = _detail_context(request, view, open_section=section, only=section)
        context["section"] = section
        context["with_summary"] = False
        return render(request, "cases/includes/section_response.html", context)


section = SectionView.as_view()


class TimelineView(CasePageView):
    """The case's one chronological timeline (what the viewer may see of it)."""

    http_method_names = ["get", "head"]
    audit_read = True

    def get(self, request, case_id: int):
        view = self.case_view
        if not view.can_see_details:
            raise Http404
        context = {
            "view": view,
            "case": view.case,
            "entries": selectors.case_timeline(view=view),
            "tab": "timeline",
        }
        return render(request, "cases/timeline.html", context)


timeline = TimelineView.as_view()


class ReadsView(CasePageView):
    """Who in other agencies read the case, from the audit trail: the lead's view of its disclosures. It shows
    nothing of the case but its reference, so like the audit page it is not itself a read of the case."""

    http_method_names = ["get", "head"]

    def get(self, request, case_id: int):
        view = self.case_view
        if not view.can_see_reads:
            raise Http404
        context = {
            "view": view,
            "case": view.case,
            "groups": selectors.case_reads_elsewhere(view=view),
            "tab": "reads",
        }
        return render(request, "cases/reads.html", context)


reads = ReadsView.as_view()


class EditView(CasePageView):
    """The modus, route and narrative (lead agency), with the optimistic version: a conflict loses nothing."""

    http_method_names = ["get", "post", "head"]

    def get(self, request, case_id: int):
        view = self.case_view
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

    post = get


edit = EditView.as_view()


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
