"""Approval pages: the request and the supervisor's decision."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.cases import services
from sinergi.cases.forms import (
    ApprovalDecideForm,
    ApprovalRequestForm,
)
from sinergi.cases.views._actions import _run
from sinergi.cases.views._shared import _view_for


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
