"""Approval pages: the request, the supervisor's decision and the supervisors' inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sinergi.agencies.choices import Role
from sinergi.cases import selectors, services
from sinergi.cases.forms import (
    ApprovalDecideForm,
    ApprovalRequestForm,
)
from sinergi.cases.views._actions import _run
from sinergi.cases.views._shared import PAGE_SIZE, _case_url, _safe_next, _view_for


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
        redirect_to=_safe_next(request, _case_url(view.case, "approvals")),
    )


@login_required
@require_GET
def approval_inbox(request):
    """Approvals awaiting a decision on the cases my agency leads: the supervisors' inbox."""
    if not request.user.agency_id or not request.user.has_role(Role.SUPERVISOR):
        raise PermissionDenied
    approvals = selectors.approval_inbox(user=request.user).select_related("case__lead_agency")
    page = Paginator(approvals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/approval_inbox.html", {"page_obj": page})
