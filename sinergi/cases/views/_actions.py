"""The runner of a case action form: call the service, show its refusal on the form or redirect; and
`CaseActionView`, the one shape of a page that posts such a form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sinergi.cases.forms import (
    ReasonForm,
)
from sinergi.cases.views._shared import CasePageView, _apply_error, _case_url, _status_of, _view_for
from sinergi.cases.views.case_detail import _render_detail, render_section
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.core.htmx import is_htmx


def _section_asked(request) -> str:
    """The case page section an HTMX action came from (its HX-Target, "section-notes"), or ""."""
    from sinergi.cases.views.case_detail import SECTIONS

    if not is_htmx(request):
        return ""
    target = request.headers.get("HX-Target", "")
    name = target.removeprefix("section-")
    return name if target.startswith("section-") and name in SECTIONS else ""


def _run(request, view, *, form, call, success, anchor="", redirect_to=None):
    """Validates `form`, calls the service; a refusal re-renders the case with the form and its message.

    Three answers: from a case page section (HTMX), that section with its form or its success message (and the
    summary beside it); from an inbox row (HTMX), the row's result; a plain form post, a redirect to the case
    (or the page with the form and its errors). Each error is shown once: on its field when the service names
    one, else on the form, or as a page message when the form itself is not on the page (a button alone)."""
    section = _section_asked(request)
    status = 400
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ApplicationError as exc:
            status = _status_of(exc)
            placed = _apply_error(form, exc)
            if not placed and form.prefix:
                form.add_error(None, exc.message)
            if is_htmx(request) and not section:
                return _htmx_result(request, ok=False, message=exc.message, status=status)
            fresh = _view_for(request, view.case.pk) if isinstance(exc, ConflictError) else view
            if not form.prefix:
                # A button without fields (accept, done, complete): nothing on the page to carry the message.
                message = {"section": section or anchor or "summary", "level": "error", "text": exc.message}
                if section:
                    return render_section(request, fresh, section, message=message, status=status)
                messages.error(request, exc.message)
            if section:
                return render_section(request, fresh, section, bound={form.prefix: form}, status=status)
            return _render_detail(request, fresh, bound={form.prefix: form}, status=status)
        if section:
            try:
                fresh = _view_for(request, view.case.pk)
            except Http404:
                return _htmx_redirect(redirect_to or reverse("cases:index"))
            message = {"section": section, "level": "success", "text": success}
            return render_section(request, fresh, section, message=message)
        if is_htmx(request):
            return _htmx_result(request, ok=True, message=success)
        messages.success(request, success)
        return redirect(redirect_to or _case_url(view.case, anchor))
    if is_htmx(request) and not section:
        return _htmx_result(
            request, ok=False, message=_("Please correct the errors below."), form=form, status=400
        )
    if section:
        return render_section(request, view, section, bound={form.prefix: form}, status=status)
    return _render_detail(request, view, bound={form.prefix: form}, status=status)


def _htmx_redirect(url: str):
    """After an action that took the case out of the user's sight (a declined referral), HTMX loads `url`."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


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
