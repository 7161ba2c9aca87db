"""Lead transfer pages: the request, its answer, the inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sinergi.agencies.selectors import agency_list
from sinergi.audit.services import audit_read
from sinergi.cases import selectors, services
from sinergi.cases.access import shown_across_cases
from sinergi.cases.forms import (
    OptionalNoteForm,
    TransferRequestForm,
)
from sinergi.cases.views._actions import CaseActionView, _reason_form
from sinergi.cases.views._shared import _agency_from, _case_url, _safe_next


class TransferRequestView(CaseActionView):
    success = _("Lead transfer requested.")
    anchor = "transfers"

    def form(self):
        case = self.case_view.case
        agencies = agency_list(user=self.request.user).filter(is_active=True).exclude(pk=case.lead_agency_id)
        return TransferRequestForm(self.request.POST, agencies=agencies, prefix="transfer")

    def act(self, data) -> None:
        services.lead_transfer_request(
            actor=self.request.user,
            case=self.case_view.case,
            to_agency=_agency_from(data["to_agency"]),
            reason=data["reason"],
        )


transfer_request = TransferRequestView.as_view()


class TransferActionView(CaseActionView):
    """An answer to a lead transfer addressed to the reader's agency (the lead sees them all)."""

    def find_records(self) -> None:
        self.transfer = self.scoped_child(self.case_view.transfers(), "transfer_id")


class TransferAcceptView(TransferActionView):
    success = _("Your agency now leads this case.")

    def form(self):
        return OptionalNoteForm(self.request.POST)

    def act(self, data) -> None:
        services.lead_transfer_accept(
            actor=self.request.user, transfer=self.transfer, note=data.get("note") or ""
        )

    def redirect_to(self) -> str:
        return _safe_next(self.request, _case_url(self.case_view.case))


transfer_accept = TransferAcceptView.as_view()


class TransferDeclineView(TransferActionView):
    success = _("Lead transfer declined.")

    def form(self):
        return _reason_form(self.request, f"tdecline-{self.transfer.pk}")

    def act(self, data) -> None:
        services.lead_transfer_decline(actor=self.request.user, transfer=self.transfer, reason=data["reason"])

    def redirect_to(self) -> str:
        return _safe_next(self.request, reverse("cases:transfer_inbox"))


transfer_decline = TransferDeclineView.as_view()


@login_required
@require_GET
def transfer_inbox(request):
    """Requests to take over the lead of a case, awaiting my agency's answer."""
    transfers = shown_across_cases(request.user, selectors.transfer_inbox(user=request.user))
    audit_read(
        actor=request.user,
        object_type="cases.leadtransfer",
        summary="transfer list viewed",
        count=len(transfers),
    )
    return render(request, "cases/transfer_inbox.html", {"transfers": transfers})
