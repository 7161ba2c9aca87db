"""The runner of a case action form: call the service, show its refusal on the form or redirect; and
`CaseActionView`, the one shape of a page that posts such a form."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sinergi.cases.forms import (
    ReasonForm,
)
from sinergi.cases.views._shared import CasePageView, _apply_error, _case_url, _status_of, _view_for
from sinergi.cases.views.case_detail import _render_detail
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.core.htmx import is_htmx


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


class CaseActionView(CasePageView):
    """A form posted on a case (from its page or an inbox). The case is found by the base (restrict() + 404);
    `find_records()` finds what else the address names, also 404, before the body is read; then `form()` is
    validated and `act(data)` calls the service. A refusal re-renders the case with the message, nothing done."""

    success = ""  # the message after it worked (gettext_lazy)
    anchor = ""  # where on the case page to land

    def find_records(self) -> None:
        """Sets the records named besides the case (self.referral, self.party, ...): override to add one."""

    def form(self):
        raise NotImplementedError

    def act(self, data) -> None:
        raise NotImplementedError

    def redirect_to(self) -> str | None:
        return None

    def post(self, request, *args, **kwargs):
        self.find_records()
        return _run(
            request,
            self.case_view,
            form=self.form(),
            call=self.act,
            success=self.success,
            anchor=self.anchor,
            redirect_to=self.redirect_to(),
        )
