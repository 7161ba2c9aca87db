"""Moving a case between stages, and closing it with what is still open settled."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sinergi.cases import selectors, services
from sinergi.cases.access import OPEN_REFERRAL_STATES
from sinergi.cases.choices import ApprovalKind, CaseStatus, PartyRole
from sinergi.cases.forms import (
    ClosureForm,
    TransitionForm,
)
from sinergi.cases.views._shared import CasePageView, _apply_error, _case_url, _status_of, _view_for
from sinergi.cases.views.case_detail import _render_detail
from sinergi.core.errors import ApplicationError


class TransitionView(CasePageView):
    def post(self, request, case_id: int):
        view = self.case_view
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


transition = TransitionView.as_view()


def _closure_form(request, view, data=None) -> ClosureForm:
    """The closing form for what is open on the case now (re-read on every request: a referral answered
    meanwhile gets its own choices)."""
    victims = [
        (pv.party.person.full_name if pv.identity_visible else pv.label, pv.party)
        for pv in view.parties()
        if pv.party.role == PartyRole.VICTIM
    ]
    return ClosureForm(
        data,
        initial={"version": view.case.version},
        referrals=view.referrals().filter(state__in=OPEN_REFERRAL_STATES).select_related("to_agency"),
        tasks=view.tasks().filter(done_at__isnull=True).select_related("owner_agency"),
        victims=victims,
    )


def _closure_page(request, view, form, *, status=200):
    approval = view.approvals().filter(kind=ApprovalKind.CLOSURE).order_by("-requested_at", "-id").first()
    final = [t for t, stage in selectors.case_available_transitions(view=view) if stage.final]
    context = {
        "view": view,
        "case": view.case,
        "form": form,
        "approval": approval,
        "needs_approval": any(t.requires_approval for t in final),
        "tab": "close",
    }
    return render(request, "cases/close.html", context, status=status)


class CloseView(CasePageView):
    """Closing a case (lead agency): the outcome, what happens to each open referral and task, and each
    victim's final status, in one step (services.case_close); a refusal changes nothing and says what is
    missing beside each item."""

    http_method_names = ["get", "post", "head"]
    restrict_actions = {"POST": "view"}

    def dispatch_checks(self):
        view = self.case_view
        if not view.can_manage:
            raise PermissionDenied
        if view.case.status == CaseStatus.CLOSED:
            messages.info(self.request, _("The case is closed."))
            return redirect(_case_url(view.case))
        return None

    def get(self, request, case_id: int):
        refused = self.dispatch_checks()
        return refused or _closure_page(request, self.case_view, _closure_form(request, self.case_view))

    def post(self, request, case_id: int):
        refused = self.dispatch_checks()
        if refused:
            return refused
        view = self.case_view
        form = _closure_form(request, view, request.POST)
        if not form.is_valid():
            return _closure_page(request, view, form, status=400)
        try:
            services.case_close(actor=request.user, case=view.case, **form.decisions())
        except ApplicationError as exc:
            _apply_error(form, exc)
            form.add_error(None, exc.message)
            return _closure_page(request, _view_for(request, case_id), form, status=_status_of(exc))
        messages.success(request, _("The case is closed; the agencies involved have been told."))
        return redirect(_case_url(view.case))


close = CloseView.as_view()
