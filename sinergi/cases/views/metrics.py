"""The handling metrics page: one agency over a period, as numbers, as charts drawn on the server (inline SVG,
read without colour: values written on the bars, patterns and a legend) and as a data table."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sinergi.cases import selectors
from sinergi.cases.forms import MetricsForm
from sinergi.cases.templatetags.cases import hours, percent
from sinergi.core.charts import Bar, Part, bar_chart, stacked_bar_chart


def metric_charts(result: dict) -> dict[str, str]:
    """The page's three charts, as SVG, with every number and month in the reader's locale."""
    months = result["months"]

    def month_label(figures) -> str:
        return date_format(figures.month, "M Y")

    stages = bar_chart(
        "chart-stages",
        _("Cases by stage"),
        [Bar(row["label"], row["count"], number_format(row["count"])) for row in result["by_stage"]],
    )
    acceptance = bar_chart(
        "chart-acceptance",
        _("Median time to accept a referral, by month"),
        [
            Bar(month_label(f), f.acceptance.median_hours or 0, hours(f.acceptance.median_hours))
            for f in months
        ],
    )
    first_action = bar_chart(
        "chart-first-action",
        _("Median time from report to first action, by month"),
        [
            Bar(month_label(f), f.first_action.median_hours or 0, hours(f.first_action.median_hours))
            for f in months
        ],
    )
    deadlines = stacked_bar_chart(
        "chart-deadlines",
        _("Referral answer deadlines, by month"),
        [
            (
                month_label(f),
                [
                    Part(f.deadlines.kept, number_format(f.deadlines.kept), "solid"),
                    Part(f.deadlines.missed_answered, number_format(f.deadlines.missed_answered), "hatch"),
                    Part(f.deadlines.missed_unanswered, number_format(f.deadlines.missed_unanswered), "dots"),
                ],
            )
            for f in months
        ],
        legend=[
            ("solid", _("answered in time")),
            ("hatch", _("answered late")),
            ("dots", _("unanswered, past the deadline")),
        ],
    )
    return {
        "stages": mark_safe(stages),  # noqa: S308 (built by core.charts, every text escaped there)
        "acceptance": mark_safe(acceptance),  # noqa: S308
        "first_action": mark_safe(first_action),  # noqa: S308
        "deadlines": mark_safe(deadlines),  # noqa: S308
        "kept_share": percent(result["deadlines"].kept_share),
    }


@login_required
@require_GET
def metrics(request):
    """Handling metrics of one agency over a period."""
    agencies = list(selectors.metrics_agencies(user=request.user).order_by("name"))
    if not agencies:
        raise PermissionDenied
    today = timezone.localdate()
    default_agency = (
        request.user.agency_id if any(a.pk == request.user.agency_id for a in agencies) else agencies[0].pk
    )
    data = request.GET.copy() if request.GET else None
    if data is not None:
        data.setdefault("agency", str(default_agency))
        data.setdefault("start", (today - timedelta(days=90)).isoformat())
        data.setdefault("end", today.isoformat())
    form = MetricsForm(
        data,
        agencies=agencies,
        initial={"agency": default_agency, "start": today - timedelta(days=90), "end": today},
    )
    result = None
    chosen = None
    if form.is_bound:
        if form.is_valid():
            chosen = next(a for a in agencies if str(a.pk) == form.cleaned_data["agency"])
            result = selectors.case_metrics(
                user=request.user,
                agency=chosen,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
    else:
        chosen = next(a for a in agencies if a.pk == default_agency)
        result = selectors.case_metrics(
            user=request.user, agency=chosen, start=today - timedelta(days=90), end=today
        )
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "result": result, "agency": chosen}
    if result:
        context["charts"] = metric_charts(result)
    return render(request, "cases/metrics.html", context, status=status)
