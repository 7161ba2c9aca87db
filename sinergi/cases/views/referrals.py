"""Referral pages: sending, answering, reporting services, closing, revoking, the inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sinergi.agencies.selectors import agency_list
from sinergi.audit.services import audit_read
from sinergi.cases import selectors, services
from sinergi.cases.access import WRITE_ROLES, shown_across_cases
from sinergi.cases.forms import (
    OptionalNoteForm,
    ReferralForm,
    ServiceReportForm,
)
from sinergi.cases.views._actions import CaseActionView, _reason_form
from sinergi.cases.views._shared import (
    PAGE_SIZE,
    CasePageView,
    _agency_from,
    _case_url,
    _safe_next,
)


class ReferralCreateView(CaseActionView):
    success = _("Referral sent.")
    anchor = "referrals"

    def form(self):
        case = self.case_view.case
        agencies = agency_list(user=self.request.user).filter(is_active=True).exclude(pk=case.lead_agency_id)
        needs = set(selectors.flow_of(case).needs)
        return ReferralForm(self.request.POST, agencies=agencies, needs=needs, prefix="referral")

    def act(self, data) -> None:
        services.referral_create(
            actor=self.request.user,
            case=self.case_view.case,
            to_agency=_agency_from(data["to_agency"]),
            need=data["need"],
            reason=data["reason"],
            due_at=data.get("due_at"),
        )


referral_create = ReferralCreateView.as_view()


class ReferralAgenciesView(CasePageView):
    """The <option>s of the agencies that may receive a referral for the chosen need (HTMX)."""

    http_method_names = ["get", "head"]

    def get(self, request, case_id: int):
        view = self.case_view
        if not view.can_manage:
            raise Http404
        need = request.GET.get("referral-need") or request.GET.get("need", "")
        agencies = selectors.referral_eligible_agencies(case=view.case, need=need)
        return render(request, "cases/includes/agency_options.html", {"agencies": agencies, "need": need})


referral_agencies = ReferralAgenciesView.as_view()


class ReferralActionView(CaseActionView):
    """An answer to one referral of the case, found among the referrals the reader may see."""

    anchor = "referrals"

    def find_records(self) -> None:
        self.referral = self.scoped_child(self.case_view.referrals(), "referral_id")


class ReferralAcceptView(ReferralActionView):
    success = _("Referral accepted.")

    def form(self):
        return OptionalNoteForm(self.request.POST)

    def act(self, data) -> None:
        services.referral_accept(actor=self.request.user, referral=self.referral, note=data.get("note") or "")

    def redirect_to(self) -> str:
        return _safe_next(self.request, _case_url(self.case_view.case, "referrals"))


referral_accept = ReferralAcceptView.as_view()


class ReferralDeclineView(ReferralActionView):
    success = _("Referral declined.")

    def form(self):
        return _reason_form(self.request, f"decline-{self.referral.pk}")

    def act(self, data) -> None:
        services.referral_decline(actor=self.request.user, referral=self.referral, reason=data["reason"])

    def redirect_to(self) -> str:
        return _safe_next(self.request, reverse("cases:referral_inbox"))


referral_decline = ReferralDeclineView.as_view()


class ReferralServicesView(ReferralActionView):
    success = _("Services reported.")

    def form(self):
        return ServiceReportForm(self.request.POST, prefix=f"services-{self.referral.pk}")

    def act(self, data) -> None:
        services.referral_report_services(
            actor=self.request.user,
            referral=self.referral,
            description=data["description"],
            delivered_on=data.get("delivered_on"),
        )


referral_services = ReferralServicesView.as_view()


class ReferralDoneView(ReferralActionView):
    success = _("Referral marked done.")

    def form(self):
        return OptionalNoteForm(self.request.POST)

    def act(self, data) -> None:
        services.referral_mark_done(
            actor=self.request.user, referral=self.referral, note=data.get("note") or ""
        )


referral_done = ReferralDoneView.as_view()


class ReferralRevokeView(ReferralActionView):
    success = _("Referral revoked.")

    def form(self):
        return _reason_form(self.request, f"revoke-{self.referral.pk}")

    def act(self, data) -> None:
        services.referral_revoke(actor=self.request.user, referral=self.referral, reason=data["reason"])


referral_revoke = ReferralRevokeView.as_view()


@login_required
@require_GET
def referral_inbox(request):
    """Referrals addressed to my agency and awaiting its answer; with `?accepted=1`, the ones it accepted and
    still owes services for."""
    accepted = request.GET.get("accepted") == "1"
    if accepted:
        referrals = selectors.referrals_in_service(user=request.user).select_related("case__lead_agency")
    else:
        referrals = selectors.referral_inbox(user=request.user).select_related("case__lead_agency")
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = shown_across_cases(request.user, page.object_list)
    audit_read(
        actor=request.user,
        object_type="cases.referral",
        summary="referral list viewed",
        count=len(page.object_list),
        searched={"accepted": accepted} if accepted else None,
    )
    return render(
        request,
        "cases/referral_inbox.html",
        {
            "page_obj": page,
            "now": timezone.now(),
            "accepted": accepted,
            "may_answer_referral": request.user.has_role(*WRITE_ROLES),
        },
    )
