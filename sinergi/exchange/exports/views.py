"""The exports page: ask for an anonymised export (the kind, k), read its report of what was generalised and
suppressed, download the Frictionless data package. Thin adapters over sinergi.exchange.exports.services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from sinergi.core.errors import ApplicationError
from sinergi.core.htmx import is_htmx
from sinergi.core.page_views import RestrictedPageView
from sinergi.exchange.choices import ExportKind, ExportStatus
from sinergi.exchange.exports import services
from sinergi.exchange.models import ExportRun

# The ladder levels' names in the report (sinergi.exchange.exports.htcds.LEVEL_NAMES), for the page.
LEVEL_LABELS = {
    "year": _("year"),
    "five-year period": _("five-year period"),
    "as recorded": _("as recorded"),
    "CTDC age band": _("CTDC age band"),
    "0-17 / 18-29 / 30+": _("0-17 / 18-29 / 30+"),
    "country": _("country"),
    "suppressed": _("suppressed"),
}


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Export"), choices=ExportKind.choices, widget=forms.RadioSelect, initial=ExportKind.CASES
    )
    k = forms.IntegerField(
        label="k",
        min_value=services.MIN_K,
        max_value=services.MAX_K,
        initial=services.DEFAULT_K,
        help_text=_(
            "Every combination of year, sex, age, citizenship and destination in the output is shared by at "
            "least k victims (CTDC publishes with 11): coarser values first, then records left out."
        ),
    )


def _require_exporter(user) -> None:
    if not services.may_export(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request):
    _require_exporter(request.user)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.export_request(
                actor=request.user, kind=form.cleaned_data["kind"], k=form.cleaned_data["k"]
            )
        except ApplicationError as exc:
            form.add_error("k", exc.message)
        else:
            return redirect("exchange:export_detail", run_id=run.pk)
    runs = ExportRun.objects.restrict(request.user)[:20]
    status = 400 if form.errors else 200
    return render(request, "exchange/exports/list.html", {"form": form, "runs": runs}, status=status)


class _ExportPage(RestrictedPageView):
    """A page over one of the reader's own exports (ExportRun.objects.restrict; 404 otherwise)."""

    model = ExportRun
    pk_url_kwarg = "run_id"

    def check_role(self) -> None:
        _require_exporter(self.request.user)


class ExportDetailView(_ExportPage):
    def get(self, request, run_id):
        run = self.object
        levels = [
            (name, LEVEL_LABELS.get(level, level)) for name, level in (run.report.get("levels") or {}).items()
        ]
        waiting = run.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
        context = {"run": run, "levels": levels, "waiting": waiting}
        if is_htmx(request) and request.headers.get("HX-Target") == "export-status":
            return render(request, "exchange/exports/_status.html", context)
        return render(request, "exchange/exports/detail.html", context)


class ExportDownloadView(_ExportPage):
    def get(self, request, run_id):
        run = self.object
        if run.status != ExportStatus.DONE or not run.package:
            messages.error(request, _("This export is not ready."))
            return redirect("exchange:export_detail", run_id=run.pk)
        return FileResponse(
            run.package.open("rb"),
            as_attachment=True,
            filename=run.package.name.rsplit("/", 1)[-1],
            content_type="application/zip",
        )


export_detail = ExportDetailView.as_view()
export_download = ExportDownloadView.as_view()
