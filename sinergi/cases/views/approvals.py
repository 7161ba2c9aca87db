"""Approval pages: the request, the supervisor's decision and the supervisors' inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sinergi.agencies.choices import Role
from sinergi.audit.services import audit_read
from sinergi.cases import selectors, services
from sinergi.cases.forms import (
    ApprovalDecideForm,
    ApprovalRequestForm,
)
from sinergi.cases.views._actions import CaseActionView
from sinergi.cases.views._shared import PAGE_SIZE, _case_url, _safe_next


class ApprovalRequestView(CaseActionView):
    success = _("Approval requested from the supervisors.")
    anchor = "approvals"

    def form(self):
        return ApprovalRequestForm(self.request.POST, prefix="approval")

    def act(self, data) -> None:
        services.approval_request(
            actor=self.request.user, case=self.case_view.case, kind=data["kind"], note=data.get("note") or ""
        )


approval_request = ApprovalRequestView.as_view()


class ApprovalDecideView(CaseActionView):
    success = _("The approval decision was recorded.")

    def find_records(self) -> None:
        self.approval = self.scoped_child(self.case_view.approvals(), "approval_id")

    def form(self):
        return ApprovalDecideForm(self.request.POST, prefix=f"decide-{self.approval.pk}")

    def act(self, data) -> None:
        services.approval_decide(
            actor=self.request.user,
            approval=self.approval,
            approve=data["decision"] == "approve",
            note=data.get("note") or "",
        )

    def redirect_to(self) -> str:
        return _safe_next(self.request, _case_url(self.case_view.case, "approvals"))


approval_decide = ApprovalDecideView.as_view()


@login_required
@require_GET
def approval_inbox(request):
    """Approvals awaiting a decision on the cases my agency leads: the supervisors' inbox."""
    if not request.user.agency_id or not request.user.has_role(Role.SUPERVISOR):
        raise PermissionDenied
    approvals = selectors.approval_inbox(user=request.user).select_related("case__lead_agency")
    page = Paginator(approvals, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_read(
        actor=request.user,
        object_type="cases.approval",
        summary="approval list viewed",
        count=len(page.object_list),
    )
    return render(request, "cases/approval_inbox.html", {"page_obj": page})
