"""Lead transfer pages: the request, its answer, the inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sinergi.agencies.selectors import agency_list
from sinergi.cases import selectors, services
from sinergi.cases.forms import (
    OptionalNoteForm,
    TransferRequestForm,
)
from sinergi.cases.views._actions import _reason_form, _run
from sinergi.cases.views._shared import _agency_from, _case_url, _safe_next, _view_for


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
@require_GET
def transfer_inbox(request):
    """Requests to take over the lead of a case, awaiting my agency's answer."""
    transfers = selectors.transfer_inbox(user=request.user)
    return render(
        request,
        "cases/transfer_inbox.html",
        {"transfers": transfers},
    )
