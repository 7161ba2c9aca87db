"""Pages of the analytics app: the leadership dashboard and its monthly report, origin hotspots, the network
of recruiters, and where to go next. Thin adapters over the selectors of this app."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from sinergi.analytics import access, charts, graph, hotspots, priorities, report, selectors
from sinergi.analytics.dashboard import dashboard
from sinergi.analytics.forms import (
    DashboardFilterForm,
    HotspotFilterForm,
    PathForm,
    PriorityFilterForm,
    ReportForm,
)
from sinergi.analytics.models import GraphBuild
from sinergi.analytics.periods import add_months, this_month
from sinergi.audit.choices import AuditAction
from sinergi.regions.choices import RegionLevel


def _require(user) -> None:
    if not access.can_use_analytics(user):
        raise PermissionDenied


def _bad(request, form, template, context):
    """Bad filter input: the page with the form's messages, no figures, status 400."""
    return render(request, template, {"form": form, "invalid": True, **context}, status=400)


# ------------------------------------------------------------------------------------------------ dashboard


@login_required
def index(request):
    _require(request.user)
    form = DashboardFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return _bad(request, form, "analytics/dashboard.html", {})
    data = form.cleaned_data if form.is_bound else {}
    until = data.get("until") or this_month()
    since = data.get("since") or add_months(until, -11)
    board = dashboard(user=request.user, since=since, until=until, region=data.get("region", ""))
    stage_chart = charts.bar_chart(_("Cases by stage"), board.by_stage or [(_("no cases"), 0)])
    trend_chart = charts.column_chart(
        _("Cases reported per month"),
        [m.strftime("%m/%y") for m, _n in board.monthly],
        [n for _m, n in board.monthly],
    )
    return render(
        request,
        "analytics/dashboard.html",
        {
            "form": form,
            "board": board,
            # Built by charts.py from numbers and escaped labels only.
            "stage_chart": mark_safe(stage_chart),  # noqa: S308
            "trend_chart": mark_safe(trend_chart),  # noqa: S308
            "report_month": until.strftime("%Y-%m"),
            "region": data.get("region", ""),
        },
    )


@login_required
def report_download(request, fmt: str):
    _require(request.user)
    form = ReportForm(request.GET)
    if not form.is_valid():
        from sinergi.core.views import bad_request

        return bad_request(
            request, message=" ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    month = form.cleaned_data.get("month") or this_month()
    region = form.cleaned_data.get("region", "")
    content = report.report_content(user=request.user, month=month, region=region)
    from django.db import transaction

    from sinergi.audit.services import audit_record

    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type="analytics.monthly_report",
            summary=f"monthly report {month:%Y-%m} as {fmt}",
            changes={"month": month.isoformat(), "region": region, "format": fmt},
        )
    name = f"laporan-bulanan-{month:%Y-%m}"
    if fmt == "pdf":
        response = HttpResponse(report.report_pdf(content), content_type="application/pdf")
    else:
        response = HttpResponse(
            report.report_xlsx(content),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# ------------------------------------------------------------------------------------------------- hotspots


def _hotspot_query(request):
    form = HotspotFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    month = data.get("month") or hotspots.latest_month_with_cases(request.user) or this_month()
    level = data.get("level") or RegionLevel.REGENCY
    return form, hotspots.hotspots(user=request.user, level=level, month=month, within=data.get("region", ""))


@login_required
def hotspot_map(request):
    _require(request.user)
    form, table = _hotspot_query(request)
    if table is None:
        return _bad(request, form, "analytics/hotspots.html", {})
    boundaries = "provinsi" if table.level == RegionLevel.PROVINCE else "kabupaten_kota"
    rows = [
        {
            "row": row,
            "cases": row.series(table.months, "cases"),
            "victims": sum(row.series(table.months, "victims")),
            "posts": sum(row.series(table.months, "posts")),
            "total": sum(row.series(table.months, "cases")),
        }
        for row in table.rows[:100]
    ]
    return render(
        request,
        "analytics/hotspots.html",
        {
            "form": form,
            "table": table,
            "rows": rows,
            "months": table.months,
            "boundaries": f"analytics/boundaries/{boundaries}.geojson",
            "mappable": table.level in (RegionLevel.PROVINCE, RegionLevel.REGENCY),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def hotspot_data(request):
    _require(request.user)
    form, table = _hotspot_query(request)
    if table is None:
        return JsonResponse(
            {"error": {"code": "invalid", "message": _("Check the filters."), "fields": form.errors}},
            status=400,
        )
    regions = {}
    for row in table.rows:
        if table.level > RegionLevel.REGENCY:
            continue
        value = sum(row.series(table.months, "cases"))
        regions[row.code] = {
            "value": value,
            "spike": (
                _("spike: %(count)d cases against a mean of %(mean)s")
                % {"count": row.spike.count, "mean": row.spike.baseline_mean}
                if row.spike
                else ""
            ),
        }
    return JsonResponse({"legend": _("Cases of origin, last 12 months"), "regions": regions})


# -------------------------------------------------------------------------------------------------- network


def _network_context(request):
    network, groups = selectors.network_summary(request.user)
    return network, groups


@login_required
def network(request):
    _require(request.user)
    network_, groups = _network_context(request)
    form = PathForm(request.GET or None) if "source" in request.GET else PathForm()
    path = None
    path_message = ""
    if form.is_bound:
        if form.is_valid():
            keys = graph.shortest_path(network_, form.cleaned_data["source"], form.cleaned_data["target"])
            if keys is None:
                # The same answer for "no such node", "not yours" and "not connected": nothing is disclosed.
                path_message = _("No path between these two entities among the records you may see.")
            else:
                labels = selectors.node_labels(request.user, keys)
                path = [labels[key] for key in keys]
        else:
            path_message = _("Give both entities of the path.")
    return render(
        request,
        "analytics/network.html",
        {
            "groups": groups,
            "nodes": network_.graph.vcount(),
            "edges": network_.graph.ecount(),
            "build": GraphBuild.objects.first(),
            "form": form,
            "path": path,
            "path_message": path_message,
        },
    )


def _group(request, rank: int):
    network_, groups = _network_context(request)
    for view in groups:
        if view.group.rank == rank:
            return network_, view
    raise Http404


@login_required
def network_group(request, rank: int):
    _require(request.user)
    _network, view = _group(request, rank)
    return render(request, "analytics/network_group.html", {"view": view, "group": view.group})


@login_required
def network_group_elements(request, rank: int):
    _require(request.user)
    network_, view = _group(request, rank)
    return JsonResponse({"elements": selectors.group_elements(request.user, network_, view.group)})


@login_required
def network_node(request):
    """The cases and posts behind one node, as the reader may see them."""
    _require(request.user)
    key = (request.GET.get("key") or "")[:80]
    if not key:
        return redirect("analytics:network")
    network_ = selectors.network_for(request.user)
    if key not in network_.index:
        raise Http404
    info = selectors.node_labels(request.user, [key])[key]
    records = selectors.node_records(request.user, key)
    neighbours = selectors.node_labels(request.user, network_.neighbours(key)[:50])
    return render(
        request,
        "analytics/network_node.html",
        {
            "info": info,
            "records": records,
            "neighbours": list(neighbours.values()),
            "kind": selectors.kind_label(info.kind),
        },
    )


@login_required
def network_export(request):
    _require(request.user)
    network_ = selectors.network_for(request.user)
    labels = {key: info.label for key, info in selectors.node_labels(request.user, network_.keys).items()}
    from django.db import transaction

    from sinergi.audit.services import audit_record

    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type="analytics.network",
            summary=f"network exported as GraphML ({network_.graph.vcount()} nodes)",
            changes={"nodes": network_.graph.vcount(), "edges": network_.graph.ecount()},
        )
    response = HttpResponse(graph.graphml(network_, labels), content_type="application/graphml+xml")
    response["Content-Disposition"] = 'attachment; filename="jaringan-sinergi.graphml"'
    return response


# ----------------------------------------------------------------------------------------------- priorities


@login_required
def priority_list(request):
    _require(request.user)
    form = PriorityFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return _bad(request, form, "analytics/priorities.html", {"weights": priorities.weights()})
    data = form.cleaned_data if form.is_bound else {}
    ranked = priorities.priorities(
        user=request.user, level=data.get("level") or RegionLevel.DISTRICT, within=data.get("region", "")
    )
    return render(
        request,
        "analytics/priorities.html",
        {"form": form, "ranked": ranked, "weights": priorities.weights(), "months": priorities.RECENT_MONTHS},
    )
