"""Moving a case between stages."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from sinergi.cases import services
from sinergi.cases.forms import (
    TransitionForm,
)
from sinergi.cases.views._shared import CasePageView, _case_url, _status_of, _view_for
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
