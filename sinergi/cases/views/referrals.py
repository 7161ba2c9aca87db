"""Referral pages: sending, answering, reporting services, closing, revoking, the inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sinergi.agencies.selectors import agency_list
from sinergi.cases import selectors, services
from sinergi.cases.access import WRITE_ROLES
from sinergi.cases.forms import (
    OptionalNoteForm,
    ReferralForm,
    ServiceReportForm,
)
from sinergi.cases.views._actions import _reason_form, _run
from sinergi.cases.views._shared import (
    PAGE_SIZE,
    _agency_from,
    _case_url,
    _safe_next,
    _view_for,
)


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
